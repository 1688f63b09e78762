package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code Concatenate}: joins two or more inputs of the same rank along {@code axis} (default -1, the
 * last); every other dimension must match. No weights. The backward pass hands each input its slice of the
 * output gradient.
 */
public final class Concatenate extends Layer {
    private final int axis;
    private final DType dtype;

    private Concatenate(Builder b) {
        super(b);
        this.axis = b.axis;
        this.dtype = b.dtype;
        build(List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A Concatenate on the last axis. */
    public static Concatenate create() {
        return builder().build();
    }

    public int axis() {
        return axis;
    }

    @Override
    protected int minInputs() {
        return 2;
    }

    @Override
    protected int maxInputs() {
        return Integer.MAX_VALUE;
    }

    private int resolvedAxis(int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("Concatenate layer \"" + name() + "\": axis " + axis
                    + " is out of range for inputs of rank " + rank);
        }
        return a;
    }

    @Override
    protected Shape inferOutputShape(List<Shape> inputs) {
        int rank = inputs.get(0).rank();
        boolean sameRank = inputs.stream().allMatch(s -> s.rank() == rank);
        int a = sameRank ? resolvedAxis(rank) : -1;
        if (sameRank && a == 0) {
            throw new IllegalArgumentException("Concatenate layer \"" + name() + "\" cannot join along the batch "
                    + "axis 0: inputs of a model are joined per example; got axis " + axis);
        }
        long[] out = inputs.get(0).toArray();
        for (Shape s : inputs) {
            for (int i = 0; sameRank && i < rank; i++) {
                long d = s.dim(i);
                if (i == a) {
                    continue;
                }
                if (out[i] != Shape.UNKNOWN && d != Shape.UNKNOWN && out[i] != d) {
                    sameRank = false;
                }
                out[i] = out[i] == Shape.UNKNOWN ? d : out[i];
            }
        }
        if (!sameRank) {
            throw new IllegalArgumentException("A `Concatenate` layer requires inputs with matching shapes except "
                    + "for the concat axis. Got inputs shapes: " + Shape.toString(inputs) + " (layer \"" + name()
                    + "\", axis " + axis + ")");
        }
        long joined = 0;
        for (Shape s : inputs) {
            long d = s.dim(a);
            joined = d == Shape.UNKNOWN || joined == Shape.UNKNOWN ? Shape.UNKNOWN : joined + d;
        }
        out[a] = joined;
        return Shape.of(out);
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    @Override
    protected INDArray doForward(List<INDArray> inputs, CallContext context) {
        int a = resolvedAxis(inputs.get(0).rank());
        inferOutputShape(inputs.stream().map(x -> Shape.of(x.shape())).toList()); // same checks as symbolic calls
        INDArray[] parts = inputs.stream().map(x -> x.castTo(dtype.toNd4j())).toArray(INDArray[]::new);
        return Nd4j.concat(a, parts);
    }

    @Override
    protected List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                        GradientSink sink) {
        int a = resolvedAxis(outputGradient.rank());
        List<INDArray> grads = new ArrayList<>(inputs.size());
        long start = 0;
        for (INDArray x : inputs) {
            long width = x.size(a);
            INDArrayIndex[] where = new INDArrayIndex[outputGradient.rank()];
            for (int i = 0; i < where.length; i++) {
                where[i] = i == a ? NDArrayIndex.interval(start, start + width) : NDArrayIndex.all();
            }
            start += width;
            grads.add(DType.of(x.dataType()).isFloatingPoint()
                    ? outputGradient.get(where).castTo(x.dataType()).dup('c') : null);
        }
        return grads;
    }

    /** Options of {@link Concatenate}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private int axis = -1;
        private DType dtype = DType.FLOAT32;

        private Builder() {
        }

        /** The axis to join along (default -1, the last); negative counts from the end. */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /** The output type (Keras's {@code dtype}; default float32). Inputs are cast to it. */
        public Builder dtype(DType dtype) {
            Objects.requireNonNull(dtype, "dtype");
            if (!dtype.isFloatingPoint()) {
                throw new IllegalArgumentException("Concatenate dtype must be floating point, got " + dtype);
            }
            this.dtype = dtype;
            return this;
        }

        public Concatenate build() {
            return new Concatenate(this);
        }
    }
}
