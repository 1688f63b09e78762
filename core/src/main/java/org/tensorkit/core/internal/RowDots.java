package org.tensorkit.core.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dot product of one query with every row of a dense float32 table, read where the table lies: the single-query
 * path of nearest-neighbour search. A pass over a table is memory-bound; BLAS's matrix-vector product through ND4J
 * runs it on one core (3 ms for 100,000 x 64 here), while this loop, eight independent partial sums per row split
 * over {@link ParallelRows}, uses both (1.8-2.3 ms). Each row's sum is taken in one fixed order, so the scores do not
 * depend on how the rows are split.
 */
public final class RowDots {
    private static final int ROWS_PER_CHUNK = 1024;
    /** Whether the loop can run here (it reads raw addresses); callers use BLAS otherwise. */
    public static final boolean AVAILABLE = NativeMemory.AVAILABLE;

    private RowDots() {
    }

    /**
     * {@code out[r] = table[r] . query} for every row.
     *
     * @param table a dense float32 {@code (rows, dim)} table ({@link NdArrays#isDense})
     * @param query {@code dim} values
     * @param out at least {@code rows} values
     * @throws IllegalStateException if {@link #AVAILABLE} is false
     */
    public static void dots(INDArray table, float[] query, float[] out) {
        if (table.dataType() != DataType.FLOAT || table.rank() != 2 || !NdArrays.isDense(table)) {
            throw new IllegalArgumentException("RowDots needs a dense float32 table, got " + table.dataType() + " "
                    + java.util.Arrays.toString(table.shape()));
        }
        int rows = (int) table.size(0);
        int dim = (int) table.size(1);
        long bytes = (long) rows * dim * 4;
        if (!AVAILABLE) {
            throw new IllegalStateException("RowDots reads raw addresses, which this JVM does not allow");
        }
        long address = table.data().addressPointer().address();
        ParallelRows.run(rows, ROWS_PER_CHUNK, bytes, (lo, hi) -> {
            unsafeDots(address, query, out, lo, hi, dim);
            return -1;
        });
    }

    private static void unsafeDots(long address, float[] q, float[] out, int lo, int hi, int dim) {
        int body = dim & ~7;
        for (int row = lo; row < hi; row++) {
            long base = address + (long) row * dim * 4;
            float a0 = 0;
            float a1 = 0;
            float a2 = 0;
            float a3 = 0;
            float a4 = 0;
            float a5 = 0;
            float a6 = 0;
            float a7 = 0;
            for (int k = 0; k < body; k += 8) {
                long p = base + k * 4L;
                a0 += NativeMemory.getFloat(p) * q[k];
                a1 += NativeMemory.getFloat(p + 4) * q[k + 1];
                a2 += NativeMemory.getFloat(p + 8) * q[k + 2];
                a3 += NativeMemory.getFloat(p + 12) * q[k + 3];
                a4 += NativeMemory.getFloat(p + 16) * q[k + 4];
                a5 += NativeMemory.getFloat(p + 20) * q[k + 5];
                a6 += NativeMemory.getFloat(p + 24) * q[k + 6];
                a7 += NativeMemory.getFloat(p + 28) * q[k + 7];
            }
            float tail = 0;
            for (int k = body; k < dim; k++) {
                tail += NativeMemory.getFloat(base + k * 4L) * q[k];
            }
            out[row] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + tail;
        }
    }
}
