package org.tensorkit.core.internal;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;

/**
 * Gathers rows of a table by an index array, validating every index on the way: the kernel behind
 * {@link org.tensorkit.core.Tensor#take(Tensor)} and the Embedding lookup.
 *
 * <p>It reads the indices straight from their buffer and copies whole rows between the table's and the
 * output's buffers, so it allocates nothing on the Java heap that grows with the batch and calls no native op
 * (no OpenMP region, no per-op overhead). Gathers of at least {@link ParallelRows#MIN_BYTES} bytes are split
 * over the calling thread and {@link ParallelRows}'s helpers; the first bad index is still the one reported.
 */
public final class RowGather {
    private RowGather() {
    }

    /** Builds the exception for a bad index: its flat position in the index array and the value read. */
    @FunctionalInterface
    public interface BadIndex {
        /** The exception for the index {@code value} found at C-order position {@code flatPosition} of the indices. */
        RuntimeException create(long flatPosition, double value);
    }

    /**
     * Copies {@code table[indices[p]]} to row {@code p} of {@code out} for every position {@code p} of
     * {@code indices} (C order). {@code table} is {@code (n, ...)}; {@code out} must be a fresh C-ordered
     * array of {@code indices.length() * rowLength} elements of the table's type. Indices may be integer or
     * floating point; a float index must be finite and integral. An index {@code i} is valid when
     * {@code 0 <= i < n}, or {@code -n <= i < 0} when {@code allowNegative} (counted from the end). The first bad
     * index in C order throws what {@code onBad} creates; {@code out} is then partly written.
     */
    public static void gather(INDArray table, INDArray indices, boolean allowNegative, INDArray out,
                              BadIndex onBad) {
        INDArray src = UNSAFE_COPY && NdArrays.startsDense(table) ? table : NdArrays.dense(table);
        INDArray idx = UNSAFE_COPY && NdArrays.startsDense(indices) ? indices : NdArrays.dense(indices);
        long n = src.size(0);
        long count = idx.length();
        int rowBytes = Math.toIntExact(src.length() / Math.max(n, 1) * src.dataType().width());
        if (out.length() * out.dataType().width() != count * rowBytes || out.dataType() != src.dataType()
                || out.isView() || out.ordering() != 'c') {
            throw new IllegalArgumentException("out must be a fresh C-ordered " + src.dataType() + " array of "
                    + count + " rows of " + rowBytes + " bytes, got " + out.shapeInfoToString());
        }
        int rows = Math.toIntExact(count);
        if (rows == 0) {
            return;
        }
        Rows copy = UNSAFE_COPY ? unsafeRows(src, idx, out, n, rowBytes, allowNegative)
                : nioRows(src, idx, out, n, rowBytes, allowNegative);
        long bad;
        try {
            int chunk = Math.max(1, ParallelRows.CHUNK_BYTES / Math.max(rowBytes, 1));
            bad = ParallelRows.run(rows, chunk, (long) rows * rowBytes, copy);
        } finally {
            // The copy works on raw addresses, which keep nothing alive: without these fences a table that
            // setWeights has just replaced could be collected, and its buffer freed, in the middle of the copy.
            Reference.reachabilityFence(src);
            Reference.reachabilityFence(idx);
            Reference.reachabilityFence(out);
        }
        if (bad >= 0) {
            throw onBad.create(bad, IndexReader.of(idx).read(Math.toIntExact(bad)));
        }
    }

    /** Whether rows are copied with {@code Unsafe} between native addresses (default) or with NIO buffers. */
    static final boolean UNSAFE_COPY = NativeMemory.AVAILABLE
            && !"nio".equals(System.getProperty("tensorkit.gather.copy"));

    /**
     * Validates and copies the rows of positions {@code [lo, hi)}; returns the first bad position, or -1. A
     * {@link ParallelRows.Range} itself, so a split gather hands it over without a wrapper.
     */
    @FunctionalInterface
    private interface Rows extends ParallelRows.Range {
    }

    /**
     * The loop on native addresses, specialized per index dtype (int32 and int64 ids are read as integers, never
     * through a double): each id read once, checked, and its row copied.
     */
    private static Rows unsafeRows(INDArray src, INDArray idx, INDArray out, long n, int rowBytes,
                                   boolean allowNegative) {
        long from = src.data().address();
        long to = out.data().address();
        long ids = idx.data().address();
        switch (idx.dataType()) {
            case INT:
                return (lo, hi) -> {
                    for (int p = lo; p < hi; p++) {
                        long row = NativeMemory.getInt(ids + 4L * p);
                        if (row < 0 && allowNegative) {
                            row += n;
                        }
                        if (row < 0 || row >= n) {
                            return p;
                        }
                        NativeMemory.copy(from + row * rowBytes, to + (long) p * rowBytes, rowBytes);
                    }
                    return -1;
                };
            case LONG:
                return (lo, hi) -> {
                    for (int p = lo; p < hi; p++) {
                        long row = NativeMemory.getLong(ids + 8L * p);
                        if (row < 0 && allowNegative && row >= -n) {
                            row += n;
                        }
                        if (row < 0 || row >= n) {
                            return p;
                        }
                        NativeMemory.copy(from + row * rowBytes, to + (long) p * rowBytes, rowBytes);
                    }
                    return -1;
                };
            default:
                return readRows(idx, n, allowNegative,
                        (row, p) -> NativeMemory.copy(from + row * rowBytes, to + (long) p * rowBytes, rowBytes));
        }
    }

    /** The previous loop, on NIO buffers (kept for {@code -Dtensorkit.gather.copy=nio} and the benchmark). */
    private static Rows nioRows(INDArray src, INDArray idx, INDArray out, long n, int rowBytes,
                                boolean allowNegative) {
        ByteBuffer from = NdArrays.bytes(src);
        ByteBuffer to = NdArrays.bytes(out);
        return readRows(idx, n, allowNegative, (row, p) -> to.put(p * rowBytes, from, (int) (row * rowBytes),
                rowBytes));
    }

    /** Copies table row {@code row} to output row {@code p}. */
    @FunctionalInterface
    private interface RowCopy {
        void copy(long row, int p);
    }

    /** The generic loop: ids of any dtype read through an {@link IndexReader}, each checked, its row copied. */
    private static Rows readRows(INDArray idx, long n, boolean allowNegative, RowCopy copy) {
        IndexReader reader = IndexReader.of(idx);
        return (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                long row = checkedRow(reader.read(p), n, allowNegative);
                if (row < 0) {
                    return p;
                }
                copy.copy(row, p);
            }
            return -1;
        };
    }

    /** The row of an index value, or -1 if it is not a valid index (NaN, infinite, fractional, out of range). */
    private static long checkedRow(double raw, long n, boolean allowNegative) {
        long row = (long) raw;
        if (row != raw) { // NaN, infinite or fractional
            return -1;
        }
        if (row < 0 && allowNegative) {
            row += n;
        }
        return row < 0 || row >= n ? -1 : row;
    }

    /** The multi-index of flat position {@code flat} in an array of {@code shape}, as {@code [8, 0]}. */
    public static String position(long flat, long[] shape) {
        return position(flat, shape, 0);
    }

    /**
     * As {@link #position(long, long[])}, with {@code firstAxisOffset} added to the first coordinate: the row of a
     * batch within the caller's whole input.
     */
    public static String position(long flat, long[] shape, long firstAxisOffset) {
        long[] pos = new long[shape.length];
        long rest = flat;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            long d = Math.max(shape[axis], 1);
            pos[axis] = rest % d;
            rest /= d;
        }
        if (pos.length > 0) {
            pos[0] += firstAxisOffset;
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < pos.length; i++) {
            s.append(i == 0 ? "" : ", ").append(pos[i]);
        }
        return s.append(']').toString();
    }

    /** An index value printed as the user wrote it: {@code 12} for integral values, {@code 3.5}, {@code NaN}. */
    public static String formatIndex(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** Reads index values from a buffer of any numeric type without boxing or a Java copy. */
    private interface IndexReader {
        double read(int position);

        static IndexReader of(INDArray indices) {
            ByteBuffer b = NdArrays.bytes(indices);
            DataType type = indices.dataType();
            switch (type) {
                case INT:
                    return b.asIntBuffer()::get;
                case LONG: {
                    var longs = b.asLongBuffer();
                    return p -> {
                        long v = longs.get(p);
                        // keep huge ids out of range rather than rounding them into it
                        return Math.abs(v) < (1L << 53) ? v : Double.POSITIVE_INFINITY * Long.signum(v);
                    };
                }
                case FLOAT:
                    return b.asFloatBuffer()::get;
                case DOUBLE:
                    return b.asDoubleBuffer()::get;
                case SHORT:
                    return b.asShortBuffer()::get;
                case BYTE:
                    return b::get;
                case UBYTE:
                    return p -> b.get(p) & 0xff;
                default:
                    throw new IllegalArgumentException("indices must be integer or floating point, got dtype "
                            + DType.of(type));
            }
        }
    }
}
