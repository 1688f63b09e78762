package org.tensorkit.core.internal;

import java.util.function.IntFunction;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code batch_dot} with gradients, behind the {@code Dot} layer: the per-example dot product of two
 * arrays along one axis each. {@link #forward} returns the product and what {@link #backward} needs.
 *
 * <p>Two paths. The matrix-factorization case, {@code (batch, k)} with {@code (batch, k)} along axis 1 in float32
 * without normalization (up to {@link #ROW_CASE_MAX_ELEMENTS} elements per input), is a Java loop over the
 * bulk-read rows: a few microseconds for a batch of 64 by 64, where two copies and a batched matrix product cost
 * tens. Everything else brings both inputs to {@code (batch, P, k)} and {@code (batch, k, Q)} (dot axis last,
 * resp. second) for one batched matrix product {@code (batch, P, Q)}.
 */
public final class BatchDot {
    /** Keras's {@code l2_normalize} floor on the squared norm: a zero vector stays zero instead of NaN. */
    public static final double NORM_EPSILON = 1e-12;
    /** Per-input elements up to which the row case runs in Java. */
    public static final long ROW_CASE_MAX_ELEMENTS = 1 << 22;

    private BatchDot() {
    }

    /** The product, shaped {@code (batch, P, Q)}, and the state its backward pass needs. */
    public record Result(INDArray product, Saved saved) {
    }

    /** What {@link #backward} needs from a forward pass. */
    public sealed interface Saved permits Rows, General {
    }

    /** The two {@code (batch, k)} float32 inputs of the row case, as read. */
    record Rows(float[] a, float[] b, int batch, int k) implements Saved {
    }

    /** The inputs after normalization, their floored squared norms ({@code null} without), and the axes. */
    record General(INDArray a, INDArray b, INDArray sqNormA, INDArray sqNormB, int axisA, int axisB)
            implements Saved {
    }

    /**
     * {@code x} and {@code y} (same dtype, ranks >= 2, same batch) multiplied along {@code axisX} and {@code axisY}
     * (non-negative, not 0): the product {@code (batch, P, Q)}, or {@code (batch, 1)} in the row case, whose Java
     * work arrays come from {@code floats} (at least the size asked; a training loop's reused scratch).
     */
    public static Result forward(INDArray x, INDArray y, int axisX, int axisY, boolean normalize,
                                 IntFunction<float[]> floats) {
        if (!normalize && x.dataType() == DataType.FLOAT && y.dataType() == DataType.FLOAT && x.rank() == 2
                && y.rank() == 2 && axisX == 1 && axisY == 1 && x.length() <= ROW_CASE_MAX_ELEMENTS
                && java.util.Arrays.equals(x.shape(), y.shape())) {
            return rowDots(x, y, floats);
        }
        INDArray sqNormX = null;
        INDArray sqNormY = null;
        INDArray a = x;
        INDArray b = y;
        if (normalize) {
            sqNormX = Transforms.max(x.mul(x).sum(true, axisX), NORM_EPSILON, false);
            sqNormY = Transforms.max(y.mul(y).sum(true, axisY), NORM_EPSILON, false);
            a = x.div(Transforms.sqrt(sqNormX, true));
            b = y.div(Transforms.sqrt(sqNormY, true));
        }
        INDArray product = Nd4j.matmul(toLeft(a, axisX), toRight(b, axisY));
        return new Result(product, new General(a, b, sqNormX, sqNormY, axisX, axisY));
    }

    /**
     * The gradients of both inputs, in the forward pass's dtype, given the gradient of its product ({@code g},
     * any shape holding the product's elements in C order).
     */
    public static INDArray[] backward(INDArray g, Saved saved, IntFunction<float[]> floats) {
        if (saved instanceof Rows rows) {
            return rowDotsBackward(g, rows, floats);
        }
        General s = (General) saved;
        INDArray left = toLeft(s.a(), s.axisA());   // (batch, P, k)
        INDArray right = toRight(s.b(), s.axisB()); // (batch, k, Q)
        INDArray g3 = g.castTo(left.dataType()).reshape('c', left.size(0), left.size(1), right.size(2));
        INDArray dLeft = Nd4j.matmul(g3, right, false, true, false);      // g @ right^T: (batch, P, k)
        INDArray dRight = Nd4j.matmul(left, g3, true, false, false);      // left^T @ g: (batch, k, Q)
        INDArray da = fromLeft(dLeft, s.a().shape(), s.axisA());
        INDArray db = fromRight(dRight, s.b().shape(), s.axisB());
        if (s.sqNormA() != null) {
            da = throughNormalize(da, s.a(), s.sqNormA(), s.axisA());
            db = throughNormalize(db, s.b(), s.sqNormB(), s.axisB());
        }
        return new INDArray[] {da, db};
    }

    /**
     * {@code out[i] = sum_j x[i, j] * y[i, j]} in float32: four interleaved partial sums (element {@code j} into
     * sum {@code j % 4}) added as {@code (s0 + s1) + (s2 + s3)}, then the last {@code k % 4} terms in order. The
     * same order every call (reproducible); four independent chains run about four times as fast as one, whose
     * every add waits for the previous (numpy's BLAS dot splits its sums too).
     */
    private static Result rowDots(INDArray x, INDArray y, IntFunction<float[]> floats) {
        int batch = Math.toIntExact(x.size(0));
        int k = Math.toIntExact(x.size(1));
        float[] a = BulkData.readFloats(x, floats.apply(batch * k));
        float[] b = BulkData.readFloats(y, floats.apply(batch * k));
        float[] out = floats.apply(batch);
        for (int i = 0, base = 0; i < batch; i++, base += k) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int j = 0;
            for (; j + 3 < k; j += 4) {
                s0 += a[base + j] * b[base + j];
                s1 += a[base + j + 1] * b[base + j + 1];
                s2 += a[base + j + 2] * b[base + j + 2];
                s3 += a[base + j + 3] * b[base + j + 3];
            }
            float sum = (s0 + s1) + (s2 + s3);
            for (; j < k; j++) {
                sum += a[base + j] * b[base + j];
            }
            out[i] = sum;
        }
        return new Result(BulkData.floats(out, batch, 1), new Rows(a, b, batch, k));
    }

    /** {@code dx[i, j] = g[i] * y[i, j]}, {@code dy[i, j] = g[i] * x[i, j]}: each one float32 product. */
    private static INDArray[] rowDotsBackward(INDArray outputGradient, Rows s, IntFunction<float[]> floats) {
        INDArray g32 = outputGradient.castTo(DataType.FLOAT);
        if (g32.length() != s.batch()) {
            throw new IllegalArgumentException("Dot backward: output gradient of " + g32.length() + " values for a "
                    + "batch of " + s.batch());
        }
        float[] g = BulkData.readFloats(g32, floats.apply(s.batch()));
        float[] da = floats.apply(s.batch() * s.k());
        float[] db = floats.apply(s.batch() * s.k());
        for (int i = 0, base = 0; i < s.batch(); i++, base += s.k()) {
            float gi = g[i];
            for (int j = 0; j < s.k(); j++) {
                da[base + j] = gi * s.b()[base + j];
                db[base + j] = gi * s.a()[base + j];
            }
        }
        return new INDArray[] {BulkData.floats(da, s.batch(), s.k()), BulkData.floats(db, s.batch(), s.k())};
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

    /** {@code (batch, P, k)}: every non-batch axis but the dot axis, in order, then the dot axis. */
    private static INDArray toLeft(INDArray x, int axis) {
        int[] perm = Shape.moveAxis(x.rank(), axis, x.rank() - 1);
        return x.permute(perm).dup('c').reshape('c', x.size(0), x.length() / x.size(0) / x.size(axis), x.size(axis));
    }

    /** {@code (batch, k, Q)}: the dot axis, then every other non-batch axis in order. */
    private static INDArray toRight(INDArray y, int axis) {
        int[] perm = Shape.moveAxis(y.rank(), axis, 1);
        return y.permute(perm).dup('c').reshape('c', y.size(0), y.size(axis), y.length() / y.size(0) / y.size(axis));
    }

    private static INDArray fromLeft(INDArray left, long[] shape, int axis) {
        return restore(left, shape, Shape.moveAxis(shape.length, axis, shape.length - 1));
    }

    private static INDArray fromRight(INDArray right, long[] shape, int axis) {
        return restore(right, shape, Shape.moveAxis(shape.length, axis, 1));
    }

    /** Undoes {@code permute(perm)} and the reshape after it: back to {@code shape}. */
    private static INDArray restore(INDArray moved, long[] shape, int[] perm) {
        return moved.reshape('c', Shape.of(shape).permute(perm).toArray()).permute(Shape.invertPermutation(perm))
                .dup('c');
    }
}
