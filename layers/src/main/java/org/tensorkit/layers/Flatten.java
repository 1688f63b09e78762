package org.tensorkit.layers;

import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.NdArrays;

/**
 * Keras's {@code Flatten}: {@code (batch, d1, ..., dn)} to {@code (batch, d1 * ... * dn)}; a rank-1 input
 * {@code (batch,)} becomes {@code (batch, 1)}. No weights.
 */
public final class Flatten extends SingleInputLayer {
    /** Where channels sit in the input; CHANNELS_FIRST moves axis 1 last before flattening. */
    public enum DataFormat { CHANNELS_LAST, CHANNELS_FIRST }

    private final DataFormat dataFormat;

    private Flatten(Builder b) {
        super(b);
        this.dataFormat = b.dataFormat;
    }

    /** A Flatten with the default name and channels-last data. */
    public static Flatten create() {
        return builder().build();
    }

    /** The options of a Flatten, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where channels sit in the input. */
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
    protected INDArray doForward(INDArray input, CallContext context) {
        long rest = 1;
        for (int axis = 1; axis < input.rank(); axis++) {
            rest *= input.size(axis);
        }
        return NdArrays.reshape(channelsLast(input), input.size(0), rest);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        if (dataFormat == DataFormat.CHANNELS_FIRST && input.rank() > 2) {
            int[] toEnd = channelsToEnd(input.rank());
            INDArray g = outputGradient.reshape('c', Shape.of(input.shape()).permute(toEnd).toArray());
            return g.permute(Shape.invertPermutation(toEnd)).dup('c');
        }
        return NdArrays.reshape(outputGradient, input.shape());
    }

    private INDArray channelsLast(INDArray input) {
        if (dataFormat == DataFormat.CHANNELS_FIRST && input.rank() > 2) {
            return input.permute(channelsToEnd(input.rank())).dup('c');
        }
        return input.isView() || input.ordering() != 'c' ? input.dup('c') : input;
    }

    /** {@code [0, 2, ..., r-1, 1]}: channels (axis 1) to the end. */
    private static int[] channelsToEnd(int rank) {
        return Shape.moveAxis(rank, 1, rank - 1);
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("data_format", dataFormat == DataFormat.CHANNELS_LAST ? "channels_last" : "channels_first");
    }

    /**
     * The Flatten a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Flatten fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Flatten", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        r.dtype("dtype", DType.FLOAT32); // Flatten computes nothing: any dtype reshapes alike
        String format = r.string("data_format", "channels_last");
        switch (format) {
            case "channels_last" -> b.dataFormat(DataFormat.CHANNELS_LAST);
            case "channels_first" -> b.dataFormat(DataFormat.CHANNELS_FIRST);
            default -> throw r.bad("data_format", format, "\"channels_last\" or \"channels_first\"");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link Flatten}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

        private Builder() {
        }

        /** Where channels sit in the input (default channels last). */
        public Builder dataFormat(DataFormat dataFormat) {
            this.dataFormat = Objects.requireNonNull(dataFormat, "dataFormat");
            return this;
        }

        /** A Flatten layer. */
        public Flatten build() {
            return new Flatten(this);
        }
    }
}
