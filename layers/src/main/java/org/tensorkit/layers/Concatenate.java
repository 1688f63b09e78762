package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
public final class Concatenate extends Merge {
    private final int axis;

    private Concatenate(Builder b) {
        super(b);
        this.axis = b.axis;
    }

    /** The options of a Concatenate, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A Concatenate on the last axis. */
    public static Concatenate create() {
        return builder().build();
    }

    /** The axis the inputs are joined along, as given (negative counts from the end). */
    public int axis() {
        return axis;
    }

    private int resolvedAxis(int rank) {
        if (!Shape.isValidAxis(axis, rank)) {
            throw new IllegalArgumentException("Concatenate layer \"" + name() + "\": axis " + axis
                    + " is out of range for inputs of rank " + rank);
        }
        return Shape.normalizeAxis(axis, rank);
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
    protected INDArray doForward(List<INDArray> inputs, CallContext context) {
        int a = resolvedAxis(inputs.get(0).rank());
        inferOutputShape(inputs.stream().map(x -> Shape.of(x.shape())).toList()); // same checks as symbolic calls
        return Nd4j.concat(a, cast(inputs).toArray(INDArray[]::new));
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
            grads.add(inputGradient(x, outputGradient.get(where).dup('c')));
        }
        return grads;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        super.addConfig(config);
        config.put("axis", axis);
    }

    /**
     * The Concatenate a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Concatenate fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Concatenate", config);
        Concatenate c = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .dtype(r.dtype("dtype", DType.FLOAT32)).axis(r.intValue("axis")).build();
        r.finish();
        return c;
    }

    /** Options of {@link Concatenate}. */
    public static final class Builder extends Merge.Builder<Builder> {
        private int axis = -1;

        private Builder() {
        }

        /** The axis to join along (default -1, the last); negative counts from the end. */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /** A Concatenate layer. */
        public Concatenate build() {
            return new Concatenate(this);
        }
    }
}
