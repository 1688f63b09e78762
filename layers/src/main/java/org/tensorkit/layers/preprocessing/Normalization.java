package org.tensorkit.layers.preprocessing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Configs;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.Initializer;
import org.tensorkit.layers.SingleInputLayer;
import org.tensorkit.layers.Weight;

/**
 * Keras 3's {@code Normalization}: {@code (x - mean) / max(sqrt(variance), 1e-7)} per position of the kept
 * {@code axis} (default -1, the features), or its inverse. Mean and variance are given, or learnt by
 * {@link #adapt}: then they are the layer's non-trainable weights {@code mean}, {@code variance} and {@code count}
 * (Keras's three variables, saved with the model). Gradients flow to the input.
 *
 * <p>adapt computes the mean and (population) variance in double precision and rounds them once to float32:
 * numpy's float32 reduction rounds on the way, so the two can differ in the last bit, tensorkit's being the
 * closer to the exact value.
 *
 * <pre>{@code
 * Normalization n = Normalization.builder().build();
 * n.adapt(Tensor.of(new float[][] {{1}, {2}, {3}}));
 * n.call(Tensor.of(new float[][] {{1}, {2}, {3}}));   // [[-1.2247448] [0.] [1.2247448]]
 * }</pre>
 */
public final class Normalization extends SingleInputLayer {
    private static final float EPSILON = 1e-7f;

    private final int[] axis;
    private final double[] inputMean;
    private final double[] inputVariance;
    private final boolean invert;
    /** Kept axes (normalized, sorted) and the kept shape, set at build. */
    private volatile int[] keep;
    private volatile long[] keptShape;
    private Weight mean;
    private Weight variance;

    private Normalization(Builder b) {
        super(b);
        this.axis = b.axis.clone();
        this.inputMean = b.mean;
        this.inputVariance = b.variance;
        this.invert = b.invert;
    }

    /** The options of a Normalization (Keras's defaults: axis -1, learnt mean and variance). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void onBuild(List<Shape> inputShapes) {
        Shape shape = inputShapes.get(0);
        int[] k = keptAxes(shape);
        long[] kept = new long[k.length];
        for (int i = 0; i < k.length; i++) {
            kept[i] = shape.dim(k[i]);
        }
        this.keep = k;
        this.keptShape = kept;
        long size = Shape.of(kept).size();
        if (inputMean != null) {
            if (inputMean.length != 1 && inputMean.length != size) {
                throw new IllegalArgumentException(describe() + ": mean and variance hold " + inputMean.length
                        + " values; the kept axes " + Arrays.toString(k) + " of " + shape + " need 1 or " + size);
            }
            return;
        }
        mean = addStateWeight("mean", Shape.of(kept), DType.FLOAT32, Initializer.zeros());
        variance = addStateWeight("variance", Shape.of(kept), DType.FLOAT32, Initializer.ones());
        addStateWeight("count", Shape.scalar(), DType.INT64, Initializer.zeros());
    }

    private int[] keptAxes(Shape shape) {
        int rank = shape.rank();
        int[] k = new int[axis.length];
        for (int i = 0; i < axis.length; i++) {
            if (axis[i] < -rank || axis[i] >= rank) {
                throw new IllegalArgumentException(describe() + ": All `axis` values must be in the range [-ndim, "
                        + "ndim). Received inputs with ndim=" + rank + ", while axis=" + Arrays.toString(axis));
            }
            k[i] = Shape.normalizeAxis(axis[i], rank);
            if (!shape.isKnown(k[i])) {
                throw new IllegalArgumentException(describe() + ": All `axis` values to be kept must have a known "
                        + "shape. Received axis=" + Arrays.toString(axis) + ", inputs.shape=" + shape
                        + ", with unknown axis at index " + k[i]);
            }
        }
        Arrays.sort(k);
        return k;
    }

    /**
     * Learns the mean and variance of {@code data} per position of the kept axes (Keras's {@code adapt} of an
     * array), building the layer for the data's shape (batch dimension free) first if needed.
     *
     * @throws IllegalStateException    for a layer given its mean and variance
     * @throws IllegalArgumentException for data that is not numeric, empty, or of another shape on the kept axes
     */
    public synchronized void adapt(Tensor data) {
        Objects.requireNonNull(data, "data");
        if (inputMean != null) {
            throw new IllegalStateException(describe() + " was given its mean and variance; adapt learns them only "
                    + "when they are not given");
        }
        if (!data.dtype().isNumeric() || data.size() == 0 || data.rank() == 0) {
            throw new IllegalArgumentException(describe() + ": adapt needs non-empty numeric data with a batch axis, "
                    + "got " + data.dtype() + " of shape " + data.shape());
        }
        Shape shape = data.shape();
        if (!isBuilt()) {
            keptAxes(shape); // refuses before the build
            build(List.of(shape));
        }
        int[] k = keep;
        for (int i = 0; i < k.length; i++) {
            if (k[i] >= shape.rank() || shape.dim(k[i]) != keptShape[i]) {
                throw new IllegalArgumentException(describe() + ": The layer was built with kept shape "
                        + Shape.of(keptShape) + ", but adapt() is being called with data with an incompatible "
                        + "shape, data.shape=" + shape);
            }
        }
        double[] x = data.toDoubleArray();
        int kept = Math.toIntExact(Shape.of(keptShape).size());
        double[] sum = new double[kept];
        long[] n = new long[kept];
        long[] dims = shape.toArray();
        for (int i = 0; i < x.length; i++) {
            int slot = keptIndex(i, dims, k);
            sum[slot] += x[i];
            n[slot]++;
        }
        double[] m = new double[kept];
        for (int j = 0; j < kept; j++) {
            m[j] = sum[j] / n[j];
        }
        double[] sq = new double[kept];
        for (int i = 0; i < x.length; i++) {
            int slot = keptIndex(i, dims, k);
            double d = x[i] - m[slot];
            sq[slot] += d * d;
        }
        float[] mf = new float[kept];
        float[] vf = new float[kept];
        for (int j = 0; j < kept; j++) {
            mf[j] = (float) m[j];
            vf[j] = (float) (sq[j] / n[j]);
        }
        List<Tensor> values = new ArrayList<>(getWeights());
        values.set(0, Tensor.of(mf).reshape(keptShape));
        values.set(1, Tensor.of(vf).reshape(keptShape));
        setWeights(values);
    }

    /** The position in the kept shape of flat C-order element {@code flat} of an array of {@code dims}. */
    private static int keptIndex(long flat, long[] dims, int[] keep) {
        if (trailing(dims, keep)) { // the common case (axis -1): the kept axes are the last ones
            long size = 1;
            for (int a : keep) {
                size *= dims[a];
            }
            return (int) (flat % size);
        }
        int slot = 0;
        long rest = flat;
        long[] coords = new long[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            coords[a] = rest % dims[a];
            rest /= dims[a];
        }
        for (int axis : keep) {
            slot = (int) (slot * dims[axis] + coords[axis]);
        }
        return slot;
    }

    private static boolean trailing(long[] dims, int[] keep) {
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] != dims.length - keep.length + i) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        keptAxes(inputShape);
        return inputShape;
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        checkInput(inputDTypes.get(0));
        return DType.FLOAT32;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        checkInput(DType.of(input.dataType()));
        float[][] ms = meanAndScale();
        float[] x = BulkData.readFloats(input.dataType() == DataType.FLOAT ? input : input.castTo(DataType.FLOAT));
        long[] dims = input.shape();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int slot = ms[0].length == 1 ? 0 : keptIndex(i, dims, keep);
            out[i] = invert ? ms[0][slot] + x[i] * ms[1][slot] : (x[i] - ms[0][slot]) / ms[1][slot];
        }
        return BulkData.floats(out, dims);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        if (!DType.of(input.dataType()).isFloatingPoint()) {
            return null;
        }
        float[] scale = meanAndScale()[1];
        float[] g = BulkData.readFloats(outputGradient);
        long[] dims = input.shape();
        float[] out = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            int slot = scale.length == 1 ? 0 : keptIndex(i, dims, keep);
            out[i] = invert ? g[i] * scale[slot] : g[i] / scale[slot];
        }
        return inputGradient(input, BulkData.floats(out, dims));
    }

    /** The mean and {@code max(sqrt(variance), 1e-7)} per kept position, float32. */
    private float[][] meanAndScale() {
        float[] m;
        float[] v;
        if (inputMean != null) {
            m = new float[inputMean.length];
            v = new float[inputMean.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) inputMean[i];
                v[i] = (float) inputVariance[i];
            }
        } else {
            m = BulkData.readFloats(mean.value()); // straight from the weights: no native copy per call
            v = BulkData.readFloats(variance.value());
        }
        float[] scale = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            scale[i] = Math.max((float) Math.sqrt(v[i]), EPSILON);
        }
        return new float[][] {m, scale};
    }

    private void checkInput(DType dtype) {
        if (!dtype.isNumeric()) {
            throw new IllegalArgumentException(describe() + " expects numbers, got " + dtype + " input");
        }
    }

    private String describe() {
        return "Normalization \"" + name() + "\"";
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", "float32");
        List<Object> axes = new ArrayList<>();
        for (int a : axis) {
            axes.add(a);
        }
        config.put("axis", axes);
        config.put("invert", invert);
        config.put("mean", list(inputMean));
        config.put("variance", list(inputVariance));
    }

    private static List<Object> list(double[] values) {
        if (values == null) {
            return null;
        }
        List<Object> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /**
     * The Normalization a {@link #config()} describes ({@code axis} a list, an integer or null; {@code mean} and
     * {@code variance} numbers, flat lists, or null).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Normalization fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Normalization", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        r.raw("dtype");
        b.axis(r.has("axis") ? Arrays.stream(r.integers("axis", 0)).mapToInt(Math::toIntExact).toArray()
                : new int[0]);
        b.invert(r.bool("invert", false));
        double[] m = r.numbers("mean");
        double[] v = r.numbers("variance");
        if (m != null || v != null) {
            if (m == null || v == null) {
                throw r.bad(m == null ? "mean" : "variance", null, "a value, as the other is set");
            }
            b.meanAndVariance(m, v);
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link Normalization}. */
    public static final class Builder extends org.tensorkit.layers.Layer.Builder<Builder> {
        private int[] axis = {-1};
        private double[] mean;
        private double[] variance;
        private boolean invert;

        private Builder() {
        }

        /** {@code axis}: the axes kept (a mean and variance per position of them); none: one over everything. */
        public Builder axis(int... axis) {
            this.axis = Objects.requireNonNull(axis, "axis").clone();
            return this;
        }

        /** {@code mean} and {@code variance}, one value or one per position of the kept axes (C order). */
        public Builder meanAndVariance(double[] mean, double[] variance) {
            this.mean = Objects.requireNonNull(mean, "mean").clone();
            this.variance = Objects.requireNonNull(variance, "variance").clone();
            return this;
        }

        /** {@code invert}: map normalized values back ({@code mean + x * std}). */
        public Builder invert(boolean invert) {
            this.invert = invert;
            return this;
        }

        /** The layer these options describe. */
        public Normalization build() {
            if (mean != null && mean.length != variance.length) {
                throw new IllegalArgumentException("Normalization: When setting values directly, `mean` and "
                        + "`variance` must have the same shape. Received: mean shape (" + mean.length
                        + ",) and variance shape (" + variance.length + ",)");
            }
            if (variance != null) {
                for (double v : variance) {
                    if (!(v >= 0)) {
                        throw new IllegalArgumentException("Normalization: variance must be >= 0, got "
                                + Arrays.toString(variance));
                    }
                }
            }
            return new Normalization(this);
        }
    }
}
