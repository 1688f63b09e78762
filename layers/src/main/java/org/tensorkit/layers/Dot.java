package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code Dot}: the per-example dot product of two inputs along one axis each (Keras's
 * {@code batch_dot}). For {@code (batch, k)} and {@code (batch, k)} with {@code axes=1} the output is
 * {@code (batch, 1)}: the matrix-factorization score. In general the output is the first input's shape without
 * its dot axis followed by the second's without batch and dot axis, and {@code (batch, 1)} when that leaves only
 * the batch axis. With {@code normalize} each input is first L2-normalized along its dot axis, so the result is
 * the cosine similarity. No weights.
 */
public final class Dot extends Layer {
    /** Keras's {@code l2_normalize} floor on the squared norm: a zero vector stays zero instead of NaN. */
    private static final double NORM_EPSILON = 1e-12;

    private final int[] axes;
    private final boolean normalize;
    private final DType dtype;

    /** The inputs after the cast (and normalization) and their floored squared norms, kept for backward. */
    private record Saved(INDArray a, INDArray b, INDArray sqNormA, INDArray sqNormB) {
    }

    /** The two {@code (batch, k)} float32 inputs of the rank-2 fast path, as read, kept for backward. */
    private record SavedRows(float[] a, float[] b, int batch, int k) {
    }

    private Dot(Builder b) {
        super(b);
        this.axes = b.axes.clone();
        this.normalize = b.normalize;
        this.dtype = b.dtype;
        build(List.of());
    }

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

    public boolean normalize() {
        return normalize;
    }

    @Override
    protected int minInputs() {
        return 2;
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

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    /**
     * Both inputs are brought to {@code (batch, P, k)} and {@code (batch, k, Q)} (dot axis last, resp. second),
     * and one batched matrix product gives {@code (batch, P, Q)}, reshaped to the Keras output shape.
     */
    @Override
    protected INDArray doForward(List<INDArray> inputs, CallContext context) {
        INDArray x = inputs.get(0).castTo(dtype.toNd4j());
        INDArray y = inputs.get(1).castTo(dtype.toNd4j());
        int[] ax = resolvedAxes(x.rank(), y.rank());
        if (isRowCase(x, y, ax)) {
            return rowDots(x, y, context);
        }
        INDArray sqNormX = null;
        INDArray sqNormY = null;
        INDArray a = x;
        INDArray b = y;
        if (normalize) {
            sqNormX = Transforms.max(x.mul(x).sum(true, ax[0]), NORM_EPSILON, false);
            sqNormY = Transforms.max(y.mul(y).sum(true, ax[1]), NORM_EPSILON, false);
            a = x.div(Transforms.sqrt(sqNormX, true));
            b = y.div(Transforms.sqrt(sqNormY, true));
        }
        INDArray product = Nd4j.matmul(toLeft(a, ax[0]), toRight(b, ax[1]));
        if (context.isTraining()) {
            context.save(new Saved(a, b, sqNormX, sqNormY));
        }
        return product.reshape('c', inferOutputShape(List.of(Shape.of(x.shape()), Shape.of(y.shape()))).toArray());
    }

    @Override
    protected List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                        GradientSink sink) {
        if (context.saved(Object.class) instanceof SavedRows rows) {
            return rowDotsBackward(inputs, outputGradient, rows);
        }
        Saved s = context.saved(Saved.class);
        int[] ax = resolvedAxes(s.a().rank(), s.b().rank());
        INDArray left = toLeft(s.a(), ax[0]);   // (batch, P, k)
        INDArray right = toRight(s.b(), ax[1]); // (batch, k, Q)
        INDArray g = outputGradient.castTo(dtype.toNd4j())
                .reshape('c', left.size(0), left.size(1), right.size(2)); // (batch, P, Q)
        INDArray dLeft = Nd4j.matmul(g, right, false, true, false);      // g @ right^T: (batch, P, k)
        INDArray dRight = Nd4j.matmul(left, g, true, false, false);      // left^T @ g: (batch, k, Q)
        INDArray da = fromLeft(dLeft, s.a().shape(), ax[0]);
        INDArray db = fromRight(dRight, s.b().shape(), ax[1]);
        if (normalize) {
            da = throughNormalize(da, s.a(), s.sqNormA(), ax[0]);
            db = throughNormalize(db, s.b(), s.sqNormB(), ax[1]);
        }
        return Arrays.asList(gradientFor(inputs.get(0), da), gradientFor(inputs.get(1), db));
    }

    /**
     * The matrix-factorization case, {@code (batch, k)} with {@code (batch, k)} along axis 1 in float32 without
     * normalization, up to {@link #ROW_CASE_MAX_ELEMENTS} elements per input: a Java loop over the bulk-read
     * rows (a few microseconds for a batch of 64 by 64) instead of two copies and a batched matrix product.
     */
    private boolean isRowCase(INDArray x, INDArray y, int[] ax) {
        return !normalize && dtype == DType.FLOAT32 && x.rank() == 2 && y.rank() == 2 && ax[0] == 1 && ax[1] == 1
                && x.length() <= ROW_CASE_MAX_ELEMENTS && java.util.Arrays.equals(x.shape(), y.shape());
    }

    /** Per-input elements up to which {@link #isRowCase} runs in Java. */
    static final long ROW_CASE_MAX_ELEMENTS = 1 << 22;

    /** {@code out[i] = sum_j x[i, j] * y[i, j]}, summed in float32 in order of {@code j}. */
    private static INDArray rowDots(INDArray x, INDArray y, CallContext context) {
        int batch = Math.toIntExact(x.size(0));
        int k = Math.toIntExact(x.size(1));
        float[] a = BulkData.readFloats(x);
        float[] b = BulkData.readFloats(y);
        float[] out = new float[batch];
        for (int i = 0, base = 0; i < batch; i++, base += k) {
            float sum = 0;
            for (int j = 0; j < k; j++) {
                sum += a[base + j] * b[base + j];
            }
            out[i] = sum;
        }
        if (context.isTraining()) {
            context.save(new SavedRows(a, b, batch, k));
        }
        return BulkData.floats(out, batch, 1);
    }

    /** {@code dx[i, j] = g[i] * y[i, j]}, {@code dy[i, j] = g[i] * x[i, j]}: each one float32 product. */
    private static List<INDArray> rowDotsBackward(List<INDArray> inputs, INDArray outputGradient, SavedRows s) {
        float[] g = BulkData.readFloats(outputGradient.castTo(DataType.FLOAT));
        if (g.length != s.batch()) {
            throw new IllegalArgumentException("Dot backward: output gradient of " + g.length + " values for a "
                    + "batch of " + s.batch());
        }
        float[] da = new float[s.a().length];
        float[] db = new float[s.b().length];
        for (int i = 0, base = 0; i < s.batch(); i++, base += s.k()) {
            float gi = g[i];
            for (int j = 0; j < s.k(); j++) {
                da[base + j] = gi * s.b()[base + j];
                db[base + j] = gi * s.a()[base + j];
            }
        }
        return Arrays.asList(gradientFor(inputs.get(0), BulkData.floats(da, s.batch(), s.k())),
                gradientFor(inputs.get(1), BulkData.floats(db, s.batch(), s.k())));
    }

    /**
     * Backward of {@code n = x / sqrt(max(sum(x^2), eps))} along {@code axis}: {@code (dn - n * sum(dn * n)) / norm}
     * where the floor is not active, {@code dn / norm} where it is (the norm is then a constant).
     */
    private static INDArray throughNormalize(INDArray dn, INDArray n, INDArray sqNorm, int axis) {
        INDArray norm = Transforms.sqrt(sqNorm, true);
        INDArray radial = n.mul(dn.mul(n).sum(true, axis));
        INDArray active = sqNorm.gt(NORM_EPSILON).castTo(dn.dataType()); // 1 where the floor is not active
        return dn.sub(radial.mul(active)).div(norm);
    }

    private static INDArray gradientFor(INDArray input, INDArray gradient) {
        return DType.of(input.dataType()).isFloatingPoint() ? gradient.castTo(input.dataType()) : null;
    }

    /** {@code (batch, P, k)}: every non-batch axis but the dot axis, in order, then the dot axis. */
    private static INDArray toLeft(INDArray x, int axis) {
        int[] perm = moveAxis(x.rank(), axis, x.rank() - 1);
        return x.permute(perm).dup('c').reshape('c', x.size(0), x.length() / x.size(0) / x.size(axis), x.size(axis));
    }

    /** {@code (batch, k, Q)}: the dot axis, then every other non-batch axis in order. */
    private static INDArray toRight(INDArray y, int axis) {
        int[] perm = moveAxis(y.rank(), axis, 1);
        return y.permute(perm).dup('c').reshape('c', y.size(0), y.size(axis), y.length() / y.size(0) / y.size(axis));
    }

    private static INDArray fromLeft(INDArray left, long[] shape, int axis) {
        int[] perm = moveAxis(shape.length, axis, shape.length - 1);
        return left.reshape('c', permuted(shape, perm)).permute(inverse(perm)).dup('c');
    }

    private static INDArray fromRight(INDArray right, long[] shape, int axis) {
        int[] perm = moveAxis(shape.length, axis, 1);
        return right.reshape('c', permuted(shape, perm)).permute(inverse(perm)).dup('c');
    }

    /** The permutation that moves {@code from} to position {@code to}, keeping the others in order. */
    private static int[] moveAxis(int rank, int from, int to) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (i != from) {
                order.add(i);
            }
        }
        order.add(to, from);
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }

    private static long[] permuted(long[] shape, int[] perm) {
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = shape[perm[i]];
        }
        return out;
    }

    /** Options of {@link Dot}; {@link #axes} is required. */
    public static final class Builder extends Layer.Builder<Builder> {
        private int[] axes;
        private boolean normalize;
        private DType dtype = DType.FLOAT32;

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

        /** The computation and output type (Keras's {@code dtype}; default float32). */
        public Builder dtype(DType dtype) {
            Objects.requireNonNull(dtype, "dtype");
            if (!dtype.isFloatingPoint()) {
                throw new IllegalArgumentException("Dot dtype must be floating point, got " + dtype);
            }
            this.dtype = dtype;
            return this;
        }

        public Dot build() {
            if (axes == null) {
                throw new IllegalArgumentException("Dot needs `axes` (one int, or one per input)");
            }
            return new Dot(this);
        }
    }
}
