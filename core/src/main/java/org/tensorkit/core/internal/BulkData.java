package org.tensorkit.core.internal;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;

/**
 * Bulk moves between ND4J arrays and Java arrays, for hot paths that work on small arrays in plain Java loops:
 * a native op costs tens of microseconds whatever its size (setup, an OpenMP region), while a Java loop over the
 * 4,096 floats of a batch of 64 embeddings takes a few. Every move is one bulk copy over the array's buffer,
 * never per-element ND4J accessors.
 *
 * <p>"Dense" is {@link NdArrays#isDense}: an array that is its whole buffer in C order. Anything else is copied to
 * a dense array first.
 */
public final class BulkData {
    private BulkData() {
    }

    /**
     * The float elements of a dense float32 array as a buffer over its memory, positioned at 0: reads and writes
     * go straight to the array. Absolute {@code get(i)}/{@code put(i, x)} and bulk {@code get(i, dst, ...)} are
     * the fast forms.
     */
    public static FloatBuffer floatBuffer(INDArray a) {
        if (a.dataType() != DataType.FLOAT || !NdArrays.isDense(a)) {
            throw new IllegalArgumentException("need a dense float32 array, got " + a.shapeInfoToString());
        }
        return NdArrays.bytes(a).asFloatBuffer();
    }

    /** The elements of a float32 array in C order, as a new Java array. */
    public static float[] readFloats(INDArray a) {
        return readFloats(a, new float[Math.toIntExact(a.length())]);
    }

    /** The elements of a float32 array in C order, copied into the start of {@code into} (one bulk copy). */
    public static float[] readFloats(INDArray a, float[] into) {
        return readFloats(a, into, 0);
    }

    /** The elements of a float32 array in C order, copied into {@code into} from index {@code at} (one bulk copy). */
    public static float[] readFloats(INDArray a, float[] into, int at) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("need a float32 array, got " + a.dataType());
        }
        INDArray d = NdArrays.dense(a);
        int n = Math.toIntExact(d.length());
        if (at < 0 || into.length - at < n) {
            throw new IllegalArgumentException(n + " floats do not fit in an array of " + into.length + " from "
                    + at);
        }
        if (n == 0) {
            return into;
        }
        if (NativeMemory.AVAILABLE) {
            NativeMemory.copyToFloats(d.data().address(), into, at, n); // no buffer views: nothing allocated
        } else {
            NdArrays.bytes(d).asFloatBuffer().get(0, into, at, n);
        }
        return into;
    }

    /**
     * The elements of an integer or floating-point array in C order, cast to long as ND4J's cast does
     * (floating-point values truncated toward zero): ids that a layer has already validated.
     */
    public static long[] readLongs(INDArray a) {
        return readLongs(a, new long[Math.toIntExact(a.length())]);
    }

    /**
     * {@link #readLongs(INDArray)} into the start of {@code into} (which must hold {@code a.length()} values),
     * without a temporary array; returns {@code into}.
     */
    public static long[] readLongs(INDArray a, long[] into) {
        INDArray d = NdArrays.dense(a);
        int n = Math.toIntExact(d.length());
        if (into.length < n) {
            throw new IllegalArgumentException(n + " longs do not fit in an array of " + into.length);
        }
        if (n > 0 && NativeMemory.AVAILABLE && (d.dataType() == DataType.LONG || d.dataType() == DataType.INT)) {
            long address = d.data().address(); // no buffer views: nothing allocated
            if (d.dataType() == DataType.LONG) {
                NativeMemory.copyToLongs(address, into, n);
            } else {
                for (int i = 0; i < n; i++) {
                    into[i] = NativeMemory.getInt(address + (long) i * Integer.BYTES);
                }
            }
            return into;
        }
        ByteBuffer b = NdArrays.bytes(d);
        switch (d.dataType()) {
            case LONG:
                b.asLongBuffer().get(0, into, 0, n);
                break;
            case INT: {
                java.nio.IntBuffer v = b.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    into[i] = v.get(i);
                }
                break;
            }
            case FLOAT: {
                FloatBuffer v = b.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    into[i] = (long) v.get(i);
                }
                break;
            }
            case DOUBLE: {
                java.nio.DoubleBuffer v = b.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    into[i] = (long) v.get(i);
                }
                break;
            }
            default:
                long[] cast = d.castTo(DataType.LONG).toLongVector();
                System.arraycopy(cast, 0, into, 0, n);
        }
        return into;
    }

    /**
     * A new float32 array of {@code shape} holding {@code values[0 .. length)} in C order (from
     * {@link OutputBuffers}: large arrays reuse warm native memory).
     */
    public static INDArray floats(float[] values, long... shape) {
        INDArray out = OutputBuffers.uninitialized(DataType.FLOAT, shape);
        int n = Math.toIntExact(out.length());
        if (values.length < n) {
            throw new IllegalArgumentException(values.length + " values for shape " + Shape.of(shape));
        }
        if (n > 0 && NativeMemory.AVAILABLE) {
            NativeMemory.copyFromFloats(values, out.data().address(), n);
        } else {
            NdArrays.bytes(out).asFloatBuffer().put(0, values, 0, n);
        }
        return out;
    }

    /**
     * Rows {@code [start, end)} of {@code a} (rows along axis 0) as a new dense array: one bulk copy when
     * {@code a} is dense, else a copy of the view.
     */
    public static INDArray copyRows(INDArray a, long start, long end) {
        long n = a.size(0);
        if (start < 0 || end < start || end > n) {
            throw new IllegalArgumentException("rows [" + start + ", " + end + ") of an array of " + n + " rows");
        }
        if (a.dataType() == DataType.UTF8) {
            return StringArrays.rows(a, start, end);
        }
        long[] shape = a.shape().clone();
        shape[0] = end - start;
        if (!NdArrays.isDense(a)) {
            return a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end)).dup('c').reshape('c', shape);
        }
        long rowBytes = n == 0 ? 0 : a.length() / n * a.dataType().width();
        INDArray out = OutputBuffers.uninitialized(a.dataType(), shape); // pooled: no native calls once warm
        int bytes = Math.toIntExact((end - start) * rowBytes);
        if (bytes > 0) {
            NdArrays.bytes(out).put(0, NdArrays.bytes(a), Math.toIntExact(start * rowBytes), bytes);
        }
        return out;
    }

    /**
     * Rows {@code order[from], ..., order[to - 1]} of {@code a} (rows along axis 0) as a new dense array, one bulk
     * copy per row: a shuffled training batch, gathered straight from the data. {@code a} should be dense (else it
     * is copied to a dense array first, on every call).
     */
    public static INDArray gatherRows(INDArray a, int[] order, int from, int to) {
        if (from < 0 || to < from || to > order.length) {
            throw new IllegalArgumentException("order positions [" + from + ", " + to + ") of " + order.length);
        }
        if (a.dataType() == DataType.UTF8) {
            return StringArrays.gatherRows(a, order, from, to);
        }
        INDArray d = NdArrays.dense(a);
        long n = d.size(0);
        long[] shape = d.shape().clone();
        shape[0] = to - from;
        INDArray out = OutputBuffers.uninitialized(d.dataType(), shape); // pooled: no native calls once warm
        int rowBytes = n == 0 ? 0 : Math.toIntExact(d.length() / n * d.dataType().width());
        if (rowBytes == 0) {
            return out;
        }
        ByteBuffer src = NdArrays.bytes(d);
        ByteBuffer dst = NdArrays.bytes(out);
        for (int k = from; k < to; k++) {
            int row = order[k];
            if (row < 0 || row >= n) {
                throw new IllegalArgumentException("row " + row + " is outside [0, " + n + ")");
            }
            dst.put((k - from) * rowBytes, src, Math.multiplyExact(row, rowBytes), rowBytes);
        }
        return out;
    }
}
