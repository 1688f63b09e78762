package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code BatchNormalization} over one feature axis (default -1): in training, each feature is normalized
 * by the batch's mean and (biased) variance and the moving statistics move toward them
 * ({@code moving = moving * momentum + batch * (1 - momentum)}); in inference, by the moving statistics. Then
 * scaled by {@code gamma} and shifted by {@code beta} (each optional). Weights in Keras's order: {@code gamma},
 * {@code beta} (trainable), {@code moving_mean}, {@code moving_variance} (non-trainable state). Computes in
 * float32.
 */
public final class BatchNormalization extends SingleInputLayer {
    private final int axis;
    private final double momentum;
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private Weight gamma;
    private Weight beta;
    private Weight movingMean;
    private Weight movingVariance;

    private BatchNormalization(Builder b) {
        super(b);
        this.axis = b.axis;
        this.momentum = b.momentum;
        this.epsilon = b.epsilon;
        this.center = b.center;
        this.scale = b.scale;
    }

    /** Keras's defaults: axis -1, momentum 0.99, epsilon 0.001, center and scale. */
    public static BatchNormalization create() {
        return builder().build();
    }

    /** The options of a BatchNormalization. */
    public static Builder builder() {
        return new Builder();
    }

    private int featureAxis(int rank) {
        if (!Shape.isValidAxis(axis, rank) || Shape.normalizeAxis(axis, rank) == 0) {
            throw new IllegalArgumentException("BatchNormalization layer \"" + name() + "\": axis " + axis
                    + " is not a feature axis of inputs of rank " + rank);
        }
        return Shape.normalizeAxis(axis, rank);
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        int a = featureAxis(input.rank());
        if (!input.isKnown(a)) {
            throw new IllegalArgumentException("BatchNormalization layer \"" + name() + "\": axis " + a
                    + " of the input " + input + " must have a known size");
        }
        return input;
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return DType.FLOAT32;
    }

    @Override
    protected void onBuild(List<Shape> inputShapes) {
        Shape in = inputShapes.get(0);
        Shape features = Shape.of(in.dim(featureAxis(in.rank())));
        if (scale) {
            gamma = addWeight("gamma", features, DType.FLOAT32, Initializer.ones());
        }
        if (center) {
            beta = addWeight("beta", features, DType.FLOAT32, Initializer.zeros());
        }
        movingMean = addStateWeight("moving_mean", features, DType.FLOAT32, Initializer.zeros());
        movingVariance = addStateWeight("moving_variance", features, DType.FLOAT32, Initializer.ones());
    }

    /** The input as a {@code (examples, features)} matrix: the feature axis moved last. */
    private INDArray matrix(INDArray x, int a) {
        INDArray moved = a == x.rank() - 1 ? x : x.permute(Shape.moveAxis(x.rank(), a, x.rank() - 1));
        long features = x.size(a);
        return moved.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').reshape('c', x.length() / features,
                features);
    }

    /** A {@code (examples, features)} matrix back to the shape of {@code like}. */
    private static INDArray unmatrix(INDArray m, INDArray like, int a) {
        if (a == like.rank() - 1) {
            return m.reshape('c', like.shape());
        }
        int[] perm = Shape.moveAxis(like.rank(), a, like.rank() - 1);
        return m.reshape('c', Shape.of(like.shape()).permute(perm).toArray()).permute(Shape.invertPermutation(perm))
                .dup('c');
    }

    /** What a training forward pass keeps for backward. */
    private record Saved(INDArray xhat, INDArray invStd) {
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        int a = featureAxis(input.rank());
        INDArray x = matrix(input, a);
        INDArray mean;
        INDArray variance;
        if (context.isTraining()) {
            mean = x.mean(0);
            variance = x.var(false, 0);
            INDArray mm = movingMean.value();
            INDArray mv = movingVariance.value();
            mm.muli(momentum).addi(mean.mul(1 - momentum));
            mv.muli(momentum).addi(variance.mul(1 - momentum));
        } else {
            mean = movingMean.value();
            variance = movingVariance.value();
        }
        INDArray invStd = Transforms.pow(variance.add(epsilon), -0.5, false);
        INDArray xhat = x.subRowVector(mean).muliRowVector(invStd);
        if (context.isTraining()) {
            context.save(new Saved(xhat, invStd));
        }
        INDArray y = scale ? xhat.mulRowVector(gamma.value()) : xhat.dup('c');
        if (center) {
            y.addiRowVector(beta.value());
        }
        return unmatrix(y, input, a);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        int a = featureAxis(input.rank());
        Saved s = context.saved(Saved.class);
        INDArray g = matrix(outputGradient.reshape('c', input.shape()), a);
        long n = g.size(0);
        if (center) {
            sink.addDense(beta, g.sum(0));
        }
        if (scale) {
            sink.addDense(gamma, g.mul(s.xhat()).sum(0));
        }
        INDArray dxhat = scale ? g.mulRowVector(gamma.value()) : g;
        INDArray sumDxhat = dxhat.sum(0);
        INDArray sumDxhatXhat = dxhat.mul(s.xhat()).sum(0);
        INDArray dx = dxhat.mul(n).subiRowVector(sumDxhat).subi(s.xhat().mulRowVector(sumDxhatXhat))
                .muliRowVector(s.invStd().div(n));
        return inputGradient(input, unmatrix(dx, input, a));
    }

    /** Keeps the steps: a mask passes through, as Keras's {@code supports_masking}. */
    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("axis", axis);
        config.put("momentum", momentum);
        config.put("epsilon", epsilon);
        config.put("center", center);
        config.put("scale", scale);
        config.put("beta_initializer", Initializer.zeros().config());
        config.put("gamma_initializer", Initializer.ones().config());
        config.put("moving_mean_initializer", Initializer.zeros().config());
        config.put("moving_variance_initializer", Initializer.ones().config());
        config.put("beta_regularizer", null);
        config.put("gamma_regularizer", null);
        config.put("beta_constraint", null);
        config.put("gamma_constraint", null);
        config.put("synchronized", false);
    }

    /**
     * The BatchNormalization a {@link #config()} describes (Keras's initializers: zeros and ones).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static BatchNormalization fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("BatchNormalization", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        if (r.dtype("dtype", DType.FLOAT32) != DType.FLOAT32) {
            throw r.bad("dtype", config.get("dtype"), "float32");
        }
        Object axis = r.raw("axis");
        long[] axes = axis == null ? new long[] {-1} : r.integers("axis", -1);
        if (axes.length != 1) {
            throw r.bad("axis", axis, "one axis (tensorkit normalizes over one feature axis)");
        }
        b.axis(Math.toIntExact(axes[0])).momentum(r.number("momentum", 0.99)).epsilon(r.number("epsilon", 1e-3))
                .center(r.bool("center", true)).scale(r.bool("scale", true));
        for (String[] init : new String[][] {{"beta_initializer", "Zeros"}, {"gamma_initializer", "Ones"},
                {"moving_mean_initializer", "Zeros"}, {"moving_variance_initializer", "Ones"}}) {
            if (r.has(init[0]) && !(r.map(init[0]).get("class_name") instanceof String c && c.equals(init[1]))) {
                throw r.bad(init[0], config.get(init[0]), init[1] + " (the weights are set from the file)");
            }
        }
        r.requireUnset("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
                "renorm_clipping", "virtual_batch_size", "adjustment");
        if (r.bool("synchronized", false)) {
            throw r.bad("synchronized", true, "false (tensorkit trains on one device)");
        }
        if (r.bool("renorm", false)) {
            throw r.bad("renorm", true, "false (tensorkit has no batch renormalization)");
        }
        r.raw("renorm_momentum"); // used only with renorm
        r.raw("fused"); // tf.keras 2's choice of kernel: the same numbers
        r.finish();
        return b.build();
    }

    /** Options of {@link BatchNormalization}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private int axis = -1;
        private double momentum = 0.99;
        private double epsilon = 1e-3;
        private boolean center = true;
        private boolean scale = true;

        private Builder() {
        }

        /** The feature axis (default -1, the last); not the batch axis. */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /**
         * How much of the moving statistics stays at each training step (default 0.99), in [0, 1].
         *
         * @throws IllegalArgumentException otherwise
         */
        public Builder momentum(double momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /**
         * Added to the variance (default 0.001), a finite number above 0.
         *
         * @throws IllegalArgumentException otherwise
         */
        public Builder epsilon(double epsilon) {
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("BatchNormalization epsilon must be a finite number > 0, got "
                        + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /** Whether to add the learnt offset {@code beta} (default true). */
        public Builder center(boolean center) {
            this.center = center;
            return this;
        }

        /** Whether to multiply by the learnt scale {@code gamma} (default true). */
        public Builder scale(boolean scale) {
            this.scale = scale;
            return this;
        }

        /** A BatchNormalization layer. */
        public BatchNormalization build() {
            return new BatchNormalization(this);
        }
    }
}
