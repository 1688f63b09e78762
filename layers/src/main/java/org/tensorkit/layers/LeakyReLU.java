package org.tensorkit.layers;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code LeakyReLU}: {@code x} where {@code x > 0}, else {@code negativeSlope * x} (default 0.3, Keras's).
 * Computes in its floating-point dtype.
 */
public final class LeakyReLU extends SingleInputLayer {
    private final double negativeSlope;
    private final DType dtype;

    private LeakyReLU(Builder b) {
        super(b);
        this.negativeSlope = b.negativeSlope;
        this.dtype = b.dtype;
    }

    /** A LeakyReLU of slope 0.3. */
    public static LeakyReLU create() {
        return builder().build();
    }

    /** The options of a LeakyReLU. */
    public static Builder builder() {
        return new Builder();
    }

    /** The slope below zero. */
    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        return input;
    }

    @Override
    protected DType outputDType(java.util.List<DType> inputDTypes) {
        return dtype;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        return Transforms.leakyRelu(input.castTo(dtype.toNd4j()), negativeSlope, true);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        INDArray x = input.castTo(dtype.toNd4j());
        INDArray slope = x.gt(0).castTo(x.dataType()).muli(1 - negativeSlope).addi(negativeSlope);
        return inputGradient(input, outputGradient.castTo(x.dataType()).reshape('c', x.shape()).mul(slope));
    }

    /** Keeps the steps: a mask passes through, as Keras's {@code supports_masking}. */
    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", dtype.numpyName());
        config.put("negative_slope", negativeSlope);
    }

    /**
     * The LeakyReLU a {@link #config()} describes: Keras 3's {@code negative_slope} or tf.keras 2's {@code alpha}.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static LeakyReLU fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("LeakyReLU", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .dtype(r.dtype("dtype", DType.FLOAT32));
        b.negativeSlope(r.has("negative_slope") ? r.number("negative_slope") : r.number("alpha", 0.3));
        r.finish();
        return b.build();
    }

    /** Options of {@link LeakyReLU}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private double negativeSlope = 0.3;
        private DType dtype = DType.FLOAT32;

        private Builder() {
        }

        /**
         * The slope below zero (default 0.3), a finite number {@code >= 0}.
         *
         * @throws IllegalArgumentException otherwise
         */
        public Builder negativeSlope(double negativeSlope) {
            if (!(negativeSlope >= 0) || Double.isInfinite(negativeSlope)) {
                throw new IllegalArgumentException("LeakyReLU negative_slope must be a finite number >= 0, got "
                        + negativeSlope);
            }
            this.negativeSlope = negativeSlope;
            return this;
        }

        /** The computation and output type (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = floatingPoint(dtype);
            return this;
        }

        /** A LeakyReLU layer. */
        public LeakyReLU build() {
            return new LeakyReLU(this);
        }
    }
}
