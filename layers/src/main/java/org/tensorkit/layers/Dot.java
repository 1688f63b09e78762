package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.BatchDot;
import org.tensorkit.core.internal.NdArrays;

/**
 * Keras's {@code Dot}: the per-example dot product of two inputs along one axis each (Keras's
 * {@code batch_dot}). For {@code (batch, k)} and {@code (batch, k)} with {@code axes=1} the output is
 * {@code (batch, 1)}: the matrix-factorization score. In general the output is the first input's shape without
 * its dot axis followed by the second's without batch and dot axis, and {@code (batch, 1)} when that leaves only
 * the batch axis. With {@code normalize} each input is first L2-normalized along its dot axis, so the result is
 * the cosine similarity. No weights.
 */
public final class Dot extends Merge {
    private final int[] axes;
    private final boolean normalize;

    private Dot(Builder b) {
        super(b);
        this.axes = b.axes.clone();
        this.normalize = b.normalize;
    }

    /** The options of a Dot, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code Dot(axes=axis)}: the same axis of both inputs. */
    public static Dot of(int axis) {
        return builder().axes(axis).build();
    }

    /** The dot axes as given: one value for both inputs, or one per input. */
    public int[] axes() {
        return axes.clone();
    }

    /** Whether the inputs are L2-normalized first (the output is then the cosine similarity). */
    public boolean normalize() {
        return normalize;
    }

    @Override
    protected int maxInputs() {
        return 2;
    }

    /** Keras's rule: a single negative axis counts from the end of each input's own rank. */
    private int[] resolvedAxes(int rank1, int rank2) {
        int a1 = axes[0];
        int a2 = axes.length == 1 ? axes[0] : axes[1];
        return new int[] {a1 < 0 ? Math.floorMod(a1, rank1) : a1, a2 < 0 ? Math.floorMod(a2, rank2) : a2};
    }

    @Override
    protected Shape inferOutputShape(List<Shape> inputs) {
        Shape s1 = inputs.get(0);
        Shape s2 = inputs.get(1);
        int[] ax = resolvedAxes(s1.rank(), s2.rank());
        if (s1.rank() < 2 || s2.rank() < 2) {
            throw new IllegalArgumentException("Dot layer \"" + name() + "\" needs inputs of rank >= 2 (a batch axis "
                    + "and a dot axis), got shapes " + Shape.toString(inputs));
        }
        for (int i = 0; i < 2; i++) {
            int rank = i == 0 ? s1.rank() : s2.rank();
            if (ax[i] == 0 || ax[i] >= rank) {
                throw new IllegalArgumentException("Dot layer \"" + name() + "\": axis " + ax[i] + " of input " + i
                        + " with shape " + (i == 0 ? s1 : s2) + " is not a valid dot axis (expected 1 to "
                        + (rank - 1) + "; the batch axis 0 cannot be reduced)");
            }
        }
        long d1 = s1.dim(ax[0]);
        long d2 = s2.dim(ax[1]);
        if (d1 != Shape.UNKNOWN && d2 != Shape.UNKNOWN && d1 != d2) {
            throw new IllegalArgumentException("Dimension incompatibility " + d1 + " != " + d2 + ". Layer shapes: "
                    + s1 + ", " + s2 + ". Chosen axes: " + ax[0] + ", " + ax[1] + " (Dot layer \"" + name() + "\")");
        }
        long b1 = s1.dim(0);
        long b2 = s2.dim(0);
        if (b1 != Shape.UNKNOWN && b2 != Shape.UNKNOWN && b1 != b2) {
            throw new IllegalArgumentException("Dot layer \"" + name() + "\" needs inputs with the same batch size, "
                    + "got shapes " + s1 + " and " + s2);
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < s1.rank(); i++) {
            if (i != ax[0]) {
                out.add(s1.dim(i));
            }
        }
        for (int i = 1; i < s2.rank(); i++) {
            if (i != ax[1]) {
                out.add(s2.dim(i));
            }
        }
        if (out.size() == 1) {
            out.add(1L);
        }
        return Shape.of(out.stream().mapToLong(Long::longValue).toArray());
    }

    /** The product of the inputs (cast to the layer's dtype), reshaped to Keras's output shape. */
    @Override
    protected INDArray doForward(List<INDArray> inputs, CallContext context) {
        List<INDArray> xy = cast(inputs);
        int[] ax = resolvedAxes(xy.get(0).rank(), xy.get(1).rank());
        BatchDot.Result r = BatchDot.forward(xy.get(0), xy.get(1), ax[0], ax[1], normalize,
                context.floatSource());
        if (context.isTraining()) {
            context.save(r.saved());
        }
        if (xy.get(0).rank() == 2 && xy.get(1).rank() == 2 && r.product().rank() == 2) {
            return r.product(); // two batches of vectors: the (batch, 1) product is Keras's output shape
        }
        Shape out = inferOutputShape(inputs.stream().map(x -> Shape.of(x.shape())).toList());
        long[] shape = out.toArray();
        return Arrays.equals(r.product().shape(), shape) ? r.product() : NdArrays.reshape(r.product(), shape);
    }

    @Override
    protected List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                        GradientSink sink) {
        INDArray[] d = BatchDot.backward(outputGradient, context.saved(BatchDot.Saved.class),
                context.floatSource());
        return Arrays.asList(inputGradient(inputs.get(0), d[0]), inputGradient(inputs.get(1), d[1]));
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        super.addConfig(config);
        config.put("axes", axes.length == 1 ? (Object) axes[0] : List.of(axes[0], axes[1]));
        config.put("normalize", normalize);
    }

    /**
     * The Dot a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Dot fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Dot", config);
        long[] axes = r.integers("axes", 0);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .dtype(r.dtype("dtype", DType.FLOAT32)).normalize(r.bool("normalize", false));
        int[] ints = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ints[i] = Math.toIntExact(axes[i]);
        }
        b.axes(ints);
        r.finish();
        return b.build();
    }

    /** Options of {@link Dot}; {@link #axes} is required. */
    public static final class Builder extends Merge.Builder<Builder> {
        private int[] axes;
        private boolean normalize;

        private Builder() {
        }

        /** One axis for both inputs, or one per input (Keras's {@code axes=1} or {@code axes=(1, 2)}). */
        public Builder axes(int... axes) {
            Objects.requireNonNull(axes, "axes");
            if (axes.length != 1 && axes.length != 2) {
                throw new IllegalArgumentException("Invalid format for argument `axes`: expected one int or a list "
                        + "of 2 ints, got " + Arrays.toString(axes));
            }
            this.axes = axes.clone();
            return this;
        }

        /** L2-normalize both inputs along their dot axes first: the output is the cosine similarity. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** A Dot layer; throws {@link IllegalArgumentException} without {@link #axes}. */
        public Dot build() {
            if (axes == null) {
                throw new IllegalArgumentException("Dot needs `axes` (one int, or one per input)");
            }
            return new Dot(this);
        }
    }
}
