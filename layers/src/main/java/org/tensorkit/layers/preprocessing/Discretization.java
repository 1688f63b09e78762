package org.tensorkit.layers.preprocessing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.SingleInputLayer;

/**
 * Keras 3's {@code Discretization}: each number to the index of its bin, by bin boundaries given or learnt by
 * {@link #adapt} as {@code num_bins} quantiles (Keras's own approximate quantile summary, ported: the same
 * boundaries for the same data in one {@code adapt} batch). Bin {@code i} holds {@code boundaries[i - 1] <= x <
 * boundaries[i]}, as {@code np.digitize}; boundaries compare as float32, as TensorFlow's {@code Bucketize} does. Int
 * output is int32 (Keras's), the other modes float32. No weights.
 *
 * <pre>{@code
 * Discretization d = Discretization.builder().binBoundaries(0.0, 1.0, 2.0).build();
 * d.call(Tensor.of(new float[][] {{-1.5f, 1.0f, 3.4f, 0.5f}, {0.0f, 3.0f, 1.3f, 0.0f}}));   // [[0 2 3 1] [1 3 2 1]]
 * }</pre>
 */
public final class Discretization extends SingleInputLayer {
    private final Integer numBins;
    private final double epsilon;
    private final OutputMode outputMode;
    /** The boundaries (as given, or learnt), null before adapt. */
    private volatile double[] binBoundaries;

    private Discretization(Builder b) {
        super(b);
        this.numBins = b.numBins;
        this.epsilon = b.epsilon;
        this.outputMode = b.outputMode;
        this.binBoundaries = b.binBoundaries;
    }

    /** The options of a Discretization: give {@link Builder#binBoundaries} or {@link Builder#numBins}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bin boundaries (a copy), or null before {@link #adapt}. */
    public double[] binBoundaries() {
        double[] b = binBoundaries;
        return b == null ? null : b.clone();
    }

    /**
     * Learns {@code num_bins} quantile bins from {@code data} (one batch; every element counts, whatever its axis).
     *
     * @throws IllegalStateException    for a layer given bin boundaries (Keras's rule)
     * @throws IllegalArgumentException for data that is not numeric or holds no element
     */
    public void adapt(Tensor data) {
        adapt(List.of(Objects.requireNonNull(data, "data")));
    }

    /**
     * Learns {@code num_bins} quantile bins from batches of data, each summarised and merged into the previous
     * summary as Keras does.
     *
     * @throws IllegalStateException    for a layer given bin boundaries (Keras's rule)
     * @throws IllegalArgumentException for data that is not numeric or holds no element
     */
    public synchronized void adapt(Iterable<Tensor> batches) {
        Objects.requireNonNull(batches, "batches");
        if (numBins == null) {
            throw new IllegalStateException(describe() + ": Cannot adapt a Discretization layer that has been "
                    + "initialized with `bin_boundaries`, use `num_bins` instead.");
        }
        Quantiles.Summary summary = Quantiles.Summary.EMPTY;
        long elements = 0;
        for (Tensor batch : batches) {
            Objects.requireNonNull(batch, "batch");
            if (!batch.dtype().isNumeric()) {
                throw new IllegalArgumentException(describe() + ": adapt needs numbers, got " + batch.dtype());
            }
            float[] values = batch.cast(DType.FLOAT32).toFloatArray();
            elements += values.length;
            summary = Quantiles.merge(Quantiles.summarize(values, epsilon), summary, epsilon);
        }
        if (elements == 0) {
            throw new IllegalArgumentException(describe() + ": adapt found no values; quantiles need data");
        }
        double[] learnt = Quantiles.binBoundaries(summary, numBins);
        if (!inboundNodes().isEmpty() && outputMode != OutputMode.INT && learnt.length + 1 != depth()) {
            throw new IllegalStateException(describe() + ": adapt learnt " + (learnt.length + 1) + " bins, but the "
                    + "layer's output was shaped for " + depth());
        }
        this.binBoundaries = learnt;
    }

    private int depth() {
        double[] b = binBoundaries;
        return b != null ? b.length + 1 : numBins;
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        return Encodings.outputShape(inputShape, outputMode, depth());
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        checkInput(inputDTypes.get(0));
        return outputMode == OutputMode.INT ? DType.INT32 : DType.FLOAT32;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        checkInput(DType.of(input.dataType()));
        double[] b = binBoundaries;
        if (b == null) {
            throw new IllegalStateException(describe() + ": You need to either pass the `bin_boundaries` argument "
                    + "at construction time or call `adapt(dataset)` before you can start using the "
                    + "`Discretization` layer.");
        }
        float[] bounds = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            bounds[i] = (float) b[i];
        }
        float[] x = values(input);
        long[] bins = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            bins[i] = bin(x[i], bounds);
        }
        if (outputMode != OutputMode.INT) {
            return Encodings.encode(bins, input.shape(), outputMode, b.length + 1, null);
        }
        INDArray out = OutputBuffers.uninitialized(DataType.INT, input.shape());
        java.nio.IntBuffer ints = NdArrays.bytes(out).asIntBuffer();
        for (int i = 0; i < bins.length; i++) {
            ints.put(i, (int) bins[i]);
        }
        return out;
    }

    /** The input's values as float32, read without a native copy (an integer input is converted in Java). */
    private static float[] values(INDArray input) {
        if (input.dataType() == DataType.FLOAT) {
            return BulkData.readFloats(input);
        }
        double[] d = NdArrays.dense(input).data().asDouble();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /** The number of boundaries {@code <= x} ({@code np.digitize}); NaN past the last bin, as numpy puts it. */
    private static int bin(float x, float[] bounds) {
        if (Float.isNaN(x)) {
            return bounds.length;
        }
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bounds[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void checkInput(DType dtype) {
        if (!dtype.isNumeric()) {
            throw new IllegalArgumentException(describe() + " expects numbers, got " + dtype + " input");
        }
    }

    private String describe() {
        return "Discretization \"" + name() + "\"";
    }

    /** Discretization has no gradient: a bin index is flat almost everywhere. */
    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return null;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        double[] b = binBoundaries;
        List<Object> bounds = null;
        if (b != null) {
            bounds = new ArrayList<>(b.length);
            for (double v : b) {
                bounds.add(v);
            }
        }
        config.put("bin_boundaries", bounds);
        config.put("num_bins", numBins);
        config.put("epsilon", epsilon);
        config.put("output_mode", outputMode.kerasName());
        config.put("sparse", false);
    }

    /**
     * The Discretization a {@link #config()} describes; a learnt one (both {@code num_bins} and
     * {@code bin_boundaries}) comes back with its boundaries, as Keras's {@code from_config}.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static Discretization fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Discretization", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        r.raw("dtype");
        Long numBins = r.optionalInteger("num_bins");
        double[] bounds = r.numbers("bin_boundaries");
        if (numBins != null) {
            b.numBins(Math.toIntExact(numBins));
        } else if (bounds != null) {
            b.binBoundaries(bounds);
        }
        b.epsilon(r.number("epsilon", 0.01));
        b.outputMode(OutputMode.fromKerasName(r.string("output_mode", "int")));
        if (r.bool("sparse", false)) {
            throw r.bad("sparse", true, "false (tensorkit's outputs are dense)");
        }
        r.finish();
        Discretization d = b.build();
        if (numBins != null && bounds != null) {
            Builder.checkBoundaries(bounds);
            d.binBoundaries = bounds;
        }
        return d;
    }

    /** Options of {@link Discretization}. */
    public static final class Builder extends org.tensorkit.layers.Layer.Builder<Builder> {
        private double[] binBoundaries;
        private Integer numBins;
        private double epsilon = 0.01;
        private OutputMode outputMode = OutputMode.INT;

        private Builder() {
        }

        /** {@code bin_boundaries}: sorted boundaries; {@code n} of them make {@code n + 1} bins. */
        public Builder binBoundaries(double... binBoundaries) {
            this.binBoundaries = Objects.requireNonNull(binBoundaries, "binBoundaries").clone();
            return this;
        }

        /** {@code num_bins}: the number of quantile bins {@link #adapt} learns. */
        public Builder numBins(int numBins) {
            this.numBins = numBins;
            return this;
        }

        /** {@code epsilon}: the quantile summary's error tolerance (default 0.01). */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** {@code output_mode}: int (default), one_hot, multi_hot or count. */
        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = Objects.requireNonNull(outputMode, "outputMode");
            return this;
        }

        /** The layer these options describe. */
        public Discretization build() {
            if (numBins != null && numBins < 0) {
                throw new IllegalArgumentException("Discretization: `num_bins` must be greater than or equal to 0. "
                        + "Received: `num_bins=" + numBins + "`");
            }
            if (numBins != null && binBoundaries != null) {
                throw new IllegalArgumentException("Discretization: Both `num_bins` and `bin_boundaries` should not "
                        + "be set.");
            }
            if (numBins == null && binBoundaries == null) {
                throw new IllegalArgumentException("Discretization: You need to set either `num_bins` or "
                        + "`bin_boundaries`.");
            }
            if (outputMode == OutputMode.TF_IDF) {
                throw new IllegalArgumentException("Discretization: Invalid value for argument `output_mode`. "
                        + "Expected one of ('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=tf_idf");
            }
            if (!(epsilon > 0 && epsilon < 1)) {
                throw new IllegalArgumentException("Discretization: epsilon must be in (0, 1), got " + epsilon);
            }
            if (binBoundaries != null) {
                checkBoundaries(binBoundaries);
            }
            return new Discretization(this);
        }

        static void checkBoundaries(double[] b) {
            for (int i = 0; i < b.length; i++) {
                if (Double.isNaN(b[i]) || (i > 0 && b[i] < b[i - 1])) {
                    throw new IllegalArgumentException("Discretization: bin_boundaries must be sorted numbers, got "
                            + java.util.Arrays.toString(b) + " (position " + i + ")");
                }
            }
        }
    }
}
