package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over the steps of {@code (batch, steps, features)} inputs
 * (channels last) or {@code (batch, features, steps)} (channels first), giving {@code (batch, features)}, or
 * {@code (batch, 1, features)} with {@code keepdims}. Computes in float32.
 *
 * <p>In a model, a mask from an {@code Embedding(mask_zero=True)} (through layers that keep it, such as Dropout)
 * makes it average only the unmasked steps, as Keras does; unlike Keras, a row whose steps are all masked gives
 * zeros, not NaN (Keras divides 0 by 0).
 */
public final class GlobalAveragePooling1D extends SingleInputLayer {
    private final boolean channelsFirst;
    private final boolean keepDims;

    private GlobalAveragePooling1D(Builder b) {
        super(b);
        this.channelsFirst = b.channelsFirst;
        this.keepDims = b.keepDims;
    }

    /** Channels last, without keepdims. */
    public static GlobalAveragePooling1D create() {
        return builder().build();
    }

    /** The options of a GlobalAveragePooling1D. */
    public static Builder builder() {
        return new Builder();
    }

    private int stepsAxis() {
        return channelsFirst ? 2 : 1;
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible with the layer: "
                    + "expected ndim=3, found ndim=" + input.rank() + ". Full shape received: " + input);
        }
        long features = input.dim(channelsFirst ? 1 : 2);
        return keepDims ? (channelsFirst ? Shape.of(input.dim(0), features, 1) : Shape.of(input.dim(0), 1, features))
                : Shape.of(input.dim(0), features);
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        INDArray x = input.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray mask = stepMask(context, input);
        INDArray mean;
        if (mask == null) {
            mean = x.mean(keepDims, stepsAxis());
        } else {
            INDArray count = Transforms.max(mask.sum(true, stepsAxis()), 1e-30, false);
            mean = x.mul(mask).sum(true, stepsAxis()).div(count); // all masked: 0 / tiny = 0, not NaN
        }
        return mean.reshape('c', inferOutputShape(Shape.of(input.shape())).toArray()).dup('c');
    }

    /** The input's mask broadcast to the input's shape (the same along the features), or null. */
    private INDArray stepMask(CallContext context, INDArray input) {
        INDArray mask = context.inputMask(0);
        if (mask == null) {
            return null;
        }
        long[] shape = input.shape().clone();
        shape[channelsFirst ? 1 : 2] = 1;
        return mask.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape('c', shape)
                .broadcast(input.shape()).dup('c');
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        long[] kept = input.shape().clone();
        kept[stepsAxis()] = 1;
        INDArray g = outputGradient.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape('c', kept);
        INDArray mask = stepMask(context, input);
        INDArray spread = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, input.shape());
        if (mask == null) {
            spread.assign(g.div(input.size(stepsAxis())).broadcast(input.shape()));
        } else {
            INDArray count = Transforms.max(mask.sum(true, stepsAxis()), 1e-30, false);
            spread.assign(g.div(count).broadcast(input.shape()).mul(mask));
        }
        return inputGradient(input, spread);
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("data_format", channelsFirst ? "channels_first" : "channels_last");
        config.put("keepdims", keepDims);
    }

    /**
     * The GlobalAveragePooling1D a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static GlobalAveragePooling1D fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("GlobalAveragePooling1D", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        if (r.dtype("dtype", DType.FLOAT32) != DType.FLOAT32) {
            throw r.bad("dtype", config.get("dtype"), "float32");
        }
        String format = r.string("data_format", "channels_last");
        switch (format) {
            case "channels_last" -> b.channelsFirst(false);
            case "channels_first" -> b.channelsFirst(true);
            default -> throw r.bad("data_format", format, "\"channels_last\" or \"channels_first\"");
        }
        b.keepDims(r.bool("keepdims", false));
        r.finish();
        return b.build();
    }

    /** Options of {@link GlobalAveragePooling1D}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private boolean channelsFirst;
        private boolean keepDims;

        private Builder() {
        }

        /** Whether the inputs are {@code (batch, features, steps)} (default false: channels last). */
        public Builder channelsFirst(boolean channelsFirst) {
            this.channelsFirst = channelsFirst;
            return this;
        }

        /** Whether the steps axis stays, of length 1 (Keras's {@code keepdims}; default false). */
        public Builder keepDims(boolean keepDims) {
            this.keepDims = keepDims;
            return this;
        }

        /** A GlobalAveragePooling1D layer. */
        public GlobalAveragePooling1D build() {
            return new GlobalAveragePooling1D(this);
        }
    }
}
