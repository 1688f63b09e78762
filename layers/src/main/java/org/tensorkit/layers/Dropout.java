package org.tensorkit.layers;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.Seeds;

/**
 * Keras's {@code Dropout}: while training, zeroes each input element with probability {@code rate} and scales
 * the kept ones by {@code 1 / (1 - rate)} (inverted dropout, so inference needs no scaling); outside training
 * the input passes through unchanged. No weights.
 *
 * <p>Randomness: each training call draws its mask from a generator seeded by a mix of the layer's seed and
 * the call's seed. The call's seed comes from {@link CallContext#seed()} when the caller gives one (a training
 * loop derives it from its own seed, the step and the call, so a run repeats whatever ran before it);
 * otherwise from a counter of this layer's training calls, so the same seed and the same sequence of calls
 * give the same masks.
 */
public final class Dropout extends SingleInputLayer {
    /** A generator per thread, reseeded at each draw. */
    private static final ThreadLocal<Random> RANDOM = ThreadLocal.withInitial(
            () -> Nd4j.getRandomFactory().getNewRandomInstance(0));

    private final double rate;
    private final long seed;
    private final DType dtype;
    private final AtomicLong unseededCalls = new AtomicLong();

    private Dropout(Builder b) {
        super(b);
        this.rate = b.rate;
        this.seed = b.seed != null ? b.seed : new SplittableRandom().nextLong();
        this.dtype = b.dtype;
    }

    /** The options of a Dropout, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A Dropout of the given rate with a random seed. */
    public static Dropout of(double rate) {
        return builder().rate(rate).build();
    }

    /** The fraction of inputs dropped while training. */
    public double rate() {
        return rate;
    }

    /** The seed the masks are drawn from (see the class comment). */
    public long seed() {
        return seed;
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        return input;
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        INDArray x = input.castTo(dtype.toNd4j());
        if (!context.isTraining() || rate == 0) {
            return x;
        }
        long callSeed = context.seed().orElseGet(unseededCalls::getAndIncrement);
        // one generator per thread, reseeded per call: the same masks as a fresh generator of that seed (checked),
        // without the native memory ND4J keeps for each new generator
        Random rng = RANDOM.get();
        rng.setSeed(Seeds.mix(seed, callSeed));
        // keep with probability 1 - rate, scaled so that the expected value is unchanged
        // (the intermediate arrays are freed at once: a training loop makes them every step)
        INDArray uniform = Nd4j.rand(rng, x.shape());
        INDArray keep = uniform.gte(rate);
        OutputBuffers.release(uniform);
        INDArray mask = keep.castTo(x.dataType()).divi(1 - rate);
        OutputBuffers.release(keep);
        context.save(mask);
        return x.mul(mask);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        INDArray g = outputGradient.castTo(dtype.toNd4j());
        if (rate == 0) {
            return inputGradient(input, g);
        }
        INDArray mask = context.saved(INDArray.class);
        INDArray dx = g.mul(mask);
        OutputBuffers.release(mask); // this call's alone, used for the last time
        return inputGradient(input, dx);
    }

    /** Keeps the steps: a mask passes through, as Keras's {@code supports_masking}. */
    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", dtype.numpyName());
        config.put("rate", rate);
        config.put("noise_shape", null);
        config.put("seed", seed);
    }

    /**
     * The Dropout a {@link #config()} describes; a {@code null} seed (Keras's default) draws one.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static Dropout fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Dropout", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .dtype(r.dtype("dtype", DType.FLOAT32)).rate(r.number("rate"));
        Long seed = r.optionalInteger("seed");
        if (seed != null) {
            b.seed(seed);
        }
        if (r.has("noise_shape")) {
            throw r.bad("noise_shape", config.get("noise_shape"), "null (tensorkit's Dropout drops elements "
                    + "independently)");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link Dropout}; {@link #rate} is required. */
    public static final class Builder extends Layer.Builder<Builder> {
        private double rate = Double.NaN;
        private Long seed;
        private DType dtype = DType.FLOAT32;

        private Builder() {
        }

        /** The fraction of inputs to drop, in {@code [0, 1)}. */
        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        /** Seeds the masks (see the class comment); default: a random seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The output type (Keras's {@code dtype}; default float32). Inputs are cast to it. */
        public Builder dtype(DType dtype) {
            this.dtype = floatingPoint(dtype);
            return this;
        }

        /** A Dropout layer; throws {@link IllegalArgumentException} unless the rate is in {@code [0, 1)}. */
        public Dropout build() {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("Invalid value received for argument `rate`. Expected a float "
                        + "value between 0 and 1 (1 excluded). Received: rate=" + rate
                        + (Double.isNaN(rate) ? " (not set)" : ""));
            }
            return new Dropout(this);
        }
    }
}
