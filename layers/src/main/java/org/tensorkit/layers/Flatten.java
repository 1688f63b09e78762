package org.tensorkit.layers;

import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code Flatten}: {@code (batch, d1, ..., dn)} to {@code (batch, d1 * ... * dn)}; a rank-1 input
 * {@code (batch,)} becomes {@code (batch, 1)}. No weights.
 */
public final class Flatten extends Layer {
    /** Where channels sit in the input; CHANNELS_FIRST moves axis 1 last before flattening. */
    public enum DataFormat { CHANNELS_LAST, CHANNELS_FIRST }

    private final DataFormat dataFormat;

    private Flatten(Builder b) {
        super(b);
        this.dataFormat = b.dataFormat;
        build(java.util.List.of());
    }

    /** A Flatten with the default name and channels-last data. */
    public static Flatten create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        if (input.rank() < 1) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible with the layer: "
                    + "expected min_ndim=1, found ndim=0. Full shape received: " + input);
        }
        long flat = 1;
        for (int axis = 1; axis < input.rank(); axis++) {
            long d = input.dim(axis);
            // Keras: an unknown (or zero) dimension makes the flattened size unknown
            flat = d == Shape.UNKNOWN || d == 0 || flat == Shape.UNKNOWN ? Shape.UNKNOWN : flat * d;
        }
        return Shape.of(input.dim(0), flat);
    }

    @Override
    protected INDArray doForward(INDArray input, org.tensorkit.layers.CallContext context) {
        long rest = 1;
        for (int axis = 1; axis < input.rank(); axis++) {
            rest *= input.size(axis);
        }
        return NdArrays.reshape(channelsLast(input), input.size(0), rest);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        if (dataFormat == DataFormat.CHANNELS_FIRST && input.rank() > 2) {
            long[] s = input.shape();
            long[] moved = new long[s.length];
            moved[0] = s[0];
            System.arraycopy(s, 2, moved, 1, s.length - 2);
            moved[s.length - 1] = s[1];
            INDArray g = outputGradient.reshape('c', moved);
            return g.permute(inversePermutation(input.rank())).dup('c');
        }
        return outputGradient.reshape('c', input.shape());
    }

    private INDArray channelsLast(INDArray input) {
        if (dataFormat == DataFormat.CHANNELS_FIRST && input.rank() > 2) {
            return input.permute(forwardPermutation(input.rank())).dup('c');
        }
        return input.isView() || input.ordering() != 'c' ? input.dup('c') : input;
    }

    /** {@code [0, 2, ..., r-1, 1]}: channels (axis 1) to the end. */
    private static int[] forwardPermutation(int rank) {
        int[] p = new int[rank];
        for (int i = 1; i < rank - 1; i++) {
            p[i] = i + 1;
        }
        p[rank - 1] = 1;
        return p;
    }

    /** The inverse of {@link #forwardPermutation}: {@code [0, r-1, 1, ..., r-2]}. */
    private static int[] inversePermutation(int rank) {
        int[] p = new int[rank];
        p[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            p[i] = i - 1;
        }
        return p;
    }

    /** Options of {@link Flatten}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

        private Builder() {
        }

        public Builder dataFormat(DataFormat dataFormat) {
            this.dataFormat = Objects.requireNonNull(dataFormat, "dataFormat");
            return this;
        }

        public Flatten build() {
            return new Flatten(this);
        }
    }
}
