package org.tensorkit.layers;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.OutputBuffers;

/**
 * Keras's {@code Dense}: {@code activation(input @ kernel + bias)} on the last axis of an input of rank 2 or
 * more ({@code (batch, ..., inputDim)} to {@code (batch, ..., units)}). The kernel {@code (inputDim, units)}
 * starts glorot-uniform and the bias {@code (units,)} at zero, as in Keras; both are created at the first call,
 * when the input's last dimension is known. Parameters: {@code inputDim * units + units}.
 */
public final class Dense extends SingleInputLayer {
    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private final DType dtype;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private final Regularizer kernelRegularizer;
    private final Regularizer biasRegularizer;
    private volatile Weight kernel;
    private volatile Weight bias;

    /** What backward needs from forward: the input as a matrix, the pre-activation and the kernel used. */
    private record Saved(INDArray input, INDArray preActivation, INDArray kernel) {
    }

    private Dense(Builder b) {
        super(b);
        this.units = b.units;
        this.activation = b.activation;
        this.useBias = b.useBias;
        this.dtype = b.dtype;
        this.kernelInitializer = b.kernelInitializer != null ? b.kernelInitializer
                : Initializer.glorotUniform(new java.util.SplittableRandom().nextLong());
        this.biasInitializer = b.biasInitializer;
        this.kernelRegularizer = b.kernelRegularizer;
        this.biasRegularizer = b.biasRegularizer;
    }

    /** The options of a Dense, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A Dense of {@code units} outputs, linear, with bias. */
    public static Dense of(int units) {
        return builder().units(units).build();
    }

    /** The size of the output's last axis. */
    public int units() {
        return units;
    }

    /** The activation applied after the affine map. */
    public Activation activation() {
        return activation;
    }

    /** Whether the layer adds a bias. */
    public boolean useBias() {
        return useBias;
    }

    /** The weights' and output's dtype. */
    public DType dtype() {
        return dtype;
    }

    /** The kernel {@code (inputDim, units)}; throws before the first call, which creates it. */
    public Weight kernel() {
        requireBuilt();
        return kernel;
    }

    /** The bias {@code (units,)}; throws before the first call or when the layer has no bias. */
    public Weight bias() {
        requireBuilt();
        if (bias == null) {
            throw new IllegalStateException("Dense layer \"" + name() + "\" has no bias (useBias=false)");
        }
        return bias;
    }

    private void requireBuilt() {
        if (!isBuilt()) {
            throw new IllegalStateException("Dense layer \"" + name() + "\" has no weights yet: they are created "
                    + "at its first call, when the input's last dimension is known");
        }
    }

    @Override
    protected void onBuild(List<Shape> inputShapes) {
        long inputDim = inputShapes.get(0).dim(-1);
        kernel = addWeight("kernel", Shape.of(inputDim, units), dtype, kernelInitializer, kernelRegularizer, false);
        if (useBias) {
            bias = addWeight("bias", Shape.of(units), dtype, biasInitializer, biasRegularizer, false);
        }
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        if (input.rank() < 2) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible with the layer: "
                    + "expected min_ndim=2, found ndim=" + input.rank() + ". Full shape received: " + input);
        }
        long last = input.dim(-1);
        if (last == Shape.UNKNOWN) {
            throw new IllegalArgumentException("The last dimension of the inputs to `Dense` should be defined. "
                    + "Found `None`. (layer \"" + name() + "\", input shape " + input + ")");
        }
        Weight k = kernel;
        if (k != null && k.shape().dim(0) != last) {
            throw new IllegalArgumentException("Input 0 of layer \"" + name() + "\" is incompatible with the layer: "
                    + "expected axis -1 of input shape to have value " + k.shape().dim(0)
                    + " but received input with shape " + input);
        }
        return input.with(-1, units);
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        INDArray k = kernel.value();
        long inputDim = k.size(0);
        // any leading axes are batch axes: one matrix product over all of them
        INDArray x = input.castTo(dtype.toNd4j()).reshape('c', input.length() / inputDim, inputDim);
        INDArray z = x.mmul(k);
        if (useBias) {
            z.addiRowVector(bias.value());
        }
        INDArray out = activation.apply(z);
        if (context.isTraining()) {
            context.save(new Saved(x, activation == Activation.LINEAR ? null : z, k));
        } else if (out != z) {
            OutputBuffers.release(z); // made for this call and read by nothing else: freed now, not at a GC
        }
        return out.reshape('c', Shape.of(input.shape()).with(-1, units).toArray());
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        Saved saved = context.saved(Saved.class);
        INDArray g = outputGradient.castTo(dtype.toNd4j()).reshape('c', saved.input().size(0), units);
        INDArray dz = activation == Activation.LINEAR ? g : activation.backprop(saved.preActivation(), g);
        // the sink copies what it keeps: this step's arrays are freed as soon as they are used, not at a GC
        INDArray kernelGradient = saved.input().transpose().mmul(dz);
        sink.addDense(kernel, kernelGradient);
        OutputBuffers.release(kernelGradient);
        if (useBias) {
            INDArray biasGradient = dz.sum(0);
            sink.addDense(bias, biasGradient);
            OutputBuffers.release(biasGradient);
        }
        INDArray result = DType.of(input.dataType()).isFloatingPoint()
                ? inputGradient(input, dz.mmul(saved.kernel().transpose()).reshape('c', input.shape()))
                : null; // integer inputs (ids fed straight to a Dense) have no gradient
        if (dz != g) {
            OutputBuffers.release(dz);
        }
        if (saved.preActivation() != null) {
            OutputBuffers.release(saved.preActivation());
        }
        return result;
    }

    /** Keeps the steps: a mask passes through, as Keras's {@code supports_masking}. */
    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", dtype.numpyName());
        config.put("units", units);
        config.put("activation", activation.kerasName());
        config.put("use_bias", useBias);
        config.put("kernel_initializer", kernelInitializer.config());
        config.put("bias_initializer", biasInitializer.config());
        config.put("kernel_regularizer", kernelRegularizer == null ? null : kernelRegularizer.config());
        config.put("bias_regularizer", biasRegularizer == null ? null : biasRegularizer.config());
        config.put("activity_regularizer", null);
        config.put("kernel_constraint", null);
        config.put("bias_constraint", null);
    }

    /**
     * The Dense a {@link #config()} describes (its weights initialized at its first call, not loaded).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static Dense fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Dense", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .dtype(r.dtype("dtype", DType.FLOAT32)).units(r.intValue("units"))
                .activation(r.has("activation") ? r.string("activation") : null)
                .useBias(r.bool("use_bias", true));
        if (r.has("kernel_initializer")) {
            b.kernelInitializer(Initializer.fromConfig(r.map("kernel_initializer")));
        }
        if (r.has("bias_initializer")) {
            b.biasInitializer(Initializer.fromConfig(r.map("bias_initializer")));
        }
        if (r.has("kernel_regularizer")) {
            b.kernelRegularizer(Regularizers.fromConfig(r.map("kernel_regularizer")));
        }
        if (r.has("bias_regularizer")) {
            b.biasRegularizer(Regularizers.fromConfig(r.map("bias_regularizer")));
        }
        r.requireUnset("activity_regularizer", "kernel_constraint", "bias_constraint", "quantization_config",
                "lora_rank", "lora_alpha");
        r.finish();
        return b.build();
    }

    /** Options of {@link Dense}; {@link #units} is required. */
    public static final class Builder extends Layer.Builder<Builder> {
        private int units = -1;
        private Activation activation = Activation.LINEAR;
        private boolean useBias = true;
        private DType dtype = DType.FLOAT32;
        private Initializer kernelInitializer;
        private Initializer biasInitializer = Initializer.zeros();
        private Regularizer kernelRegularizer;
        private Regularizer biasRegularizer;

        private Builder() {
        }

        /** Size of the output's last axis. */
        public Builder units(int units) {
            this.units = units;
            return this;
        }

        /** The activation (default linear, Keras's {@code activation=None}). */
        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /** The activation by Keras name: linear, relu, sigmoid, tanh or softmax; {@code null} is linear. */
        public Builder activation(String name) {
            return activation(Activation.fromName(name));
        }

        /** Whether to add a bias (default true). */
        public Builder useBias(boolean useBias) {
            this.useBias = useBias;
            return this;
        }

        /** The weights' and output's type (Keras's {@code dtype}; default float32). Inputs are cast to it. */
        public Builder dtype(DType dtype) {
            this.dtype = floatingPoint(dtype);
            return this;
        }

        /** How the kernel starts (default: glorot uniform with a random seed). */
        public Builder kernelInitializer(Initializer initializer) {
            this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
            return this;
        }

        /** Seeds the default glorot-uniform kernel initializer, for reproducible weights. */
        public Builder seed(long seed) {
            return kernelInitializer(Initializer.glorotUniform(seed));
        }

        /** How the bias starts (default zeros). */
        public Builder biasInitializer(Initializer initializer) {
            this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
            return this;
        }

        /** A penalty on the kernel, e.g. {@code Regularizers.l2(1e-4)} (Keras's {@code kernel_regularizer}). */
        public Builder kernelRegularizer(Regularizer regularizer) {
            this.kernelRegularizer = Objects.requireNonNull(regularizer, "kernelRegularizer");
            return this;
        }

        /** A penalty on the bias (Keras's {@code bias_regularizer}). */
        public Builder biasRegularizer(Regularizer regularizer) {
            this.biasRegularizer = Objects.requireNonNull(regularizer, "biasRegularizer");
            return this;
        }

        /** A Dense layer; throws {@link IllegalArgumentException} unless {@link #units} is positive. */
        public Dense build() {
            if (units <= 0) {
                throw new IllegalArgumentException("Received an invalid value for `units`, expected a positive "
                        + "integer, got " + units + (units == -1 ? " (not set)" : "") + ".");
            }
            return new Dense(this);
        }
    }
}
