package org.tensorkit.core.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-set operations on tables, each costing the number of rows involved, never the size of the table: merging
 * repeated rows, gathering rows and writing them back. Gathers and writes are bulk copies between the table's
 * buffer and a small array's (no native op, so no per-op setup that could scale with the table).
 */
public final class RowSparse {
    private RowSparse() {
    }

    /**
     * Distinct rows in order of first appearance, each with the sum of its contributions: the first {@code count}
     * entries of {@code rows} (an array the {@link Rows} reuses from step to step), and their sums as a Java array
     * ({@code floats}, float32 merged in Java, its first {@code count * rowLength} values) or as an ND4J array
     * ({@code values}); the other is {@code null}.
     */
    public record Merged(long[] rows, int count, long rowLength, INDArray values, float[] floats) {
        /** The distinct rows as an array of exactly {@link #count} (a copy when {@link #rows} is longer). */
        public long[] distinctRows() {
            return rows.length == count ? rows : Arrays.copyOf(rows, count);
        }

        /**
         * The sums as an ND4J array {@code (count, rowLength)}, made from the first {@code count * rowLength}
         * values of {@code floats} if need be.
         */
        public INDArray array() {
            return values != null ? values : BulkData.floats(floats, count, rowLength);
        }
    }

    /**
     * The row contributions one weight received in a step, and the arrays its {@link #merge} reuses from one step
     * to the next (the ids read, the distinct rows, the sums): a step with the sizes of the last one allocates
     * nothing. {@link #clear()} before each step. Not thread-safe.
     */
    public static final class Rows {
        private long[][] ids = new long[2][];
        private boolean[] owned = new boolean[2];
        private int[] counts = new int[2];
        private INDArray[] values = new INDArray[2];
        private int size;
        private long[] distinct = new long[0];
        private float[] sums = new float[0];

        /** Forgets the contributions (the reused arrays stay). */
        public void clear() {
            for (int k = 0; k < size; k++) {
                values[k] = null;
                if (!owned[k]) {
                    ids[k] = null; // the caller's array: not ours to write into next time
                }
            }
            size = 0;
        }

        /** Whether no contribution came since {@link #clear()}. */
        public boolean isEmpty() {
            return size == 0;
        }

        /** The number of contributed rows, repeats included. */
        public int total() {
            int n = 0;
            for (int k = 0; k < size; k++) {
                n += counts[k];
            }
            return n;
        }

        /** A contribution: rows {@code rows} (kept as they are: the caller must not change them) and their values. */
        public void add(long[] rows, INDArray rowValues) {
            int k = next();
            ids[k] = rows;
            owned[k] = false;
            counts[k] = rows.length;
            values[k] = rowValues;
        }

        /**
         * A contribution whose rows are the elements of {@code rowIds} (integers, or floating-point values holding
         * integers, any shape, cast as ND4J casts: validated ids), read into an array of these rows' own that the
         * next step reuses.
         */
        public void addIds(INDArray rowIds, INDArray rowValues) {
            int k = next();
            int n = Math.toIntExact(rowIds.length());
            if (!owned[k] || ids[k] == null || ids[k].length < n) {
                ids[k] = new long[n];
                owned[k] = true;
            }
            BulkData.readLongs(rowIds, ids[k]);
            counts[k] = n;
            values[k] = rowValues;
        }

        private int next() {
            if (size == ids.length) {
                int n = 2 * size;
                ids = Arrays.copyOf(ids, n);
                owned = Arrays.copyOf(owned, n);
                counts = Arrays.copyOf(counts, n);
                values = Arrays.copyOf(values, n);
            }
            return size++;
        }
    }

    /**
     * Sums the contributions of repeated rows: {@code rows}' contributions, each {@code n} rows of {@code rowLength}
     * in C order (any shape); rows are checked against {@code [0, rowCount)}. The distinct rows come out in order of
     * first appearance (found through the workspace's {@link RowIndex}: no sort), and contributions add in input
     * order (contribution by contribution, row by row), so the result is reproducible: in a Java loop for float32
     * up to {@link #JAVA_MAX_ELEMENTS} values, into {@code rows}' reused sums, else as one native segment sum, which
     * adds in the same order. A row's first contribution is copied as it is, later ones are added to it. The result
     * lives in {@code rows}' arrays until its next merge.
     */
    public static Merged merge(String weightName, long rowCount, long rowLength, Rows rows, Workspace workspace) {
        RowIndex index = workspace.index;
        int total = rows.total();
        for (int c = 0; c < rows.size; c++) {
            long[] ids = rows.ids[c];
            for (int k = 0, n = rows.counts[c]; k < n; k++) {
                if (ids[k] < 0 || ids[k] >= rowCount) {
                    throw new IllegalArgumentException("row gradient of " + weightName + " names row " + ids[k]
                            + ", outside [0, " + rowCount + ")");
                }
            }
        }
        index.reset();
        int[] slot = workspace.slots(total);
        for (int c = 0, position = 0; c < rows.size; c++) {
            long[] ids = rows.ids[c];
            for (int k = 0, n = rows.counts[c]; k < n; k++) {
                slot[position++] = index.slot(ids[k]);
            }
        }
        int u = index.size();
        if (rows.distinct.length < u) {
            rows.distinct = new long[Math.max(u, 2 * rows.distinct.length)];
        }
        index.copyRows(rows.distinct);
        INDArray first = rows.values[0];
        if (first.dataType() == DataType.FLOAT && (long) total * rowLength <= JAVA_MAX_ELEMENTS) {
            int width = Math.toIntExact(rowLength);
            if (rows.sums.length < u * width) {
                rows.sums = new float[Math.max(u * width, 2 * rows.sums.length)];
            }
            float[] out = rows.sums;
            if (u == total && exactChunks(rows, width)) {
                // every row once: slot k is contribution k, so the contributions are the sums, read in place
                for (int c = 0, position = 0; c < rows.size; position += rows.counts[c], c++) {
                    BulkData.readFloats(rows.values[c], out, position * width);
                }
                return new Merged(rows.distinct, u, rowLength, null, out);
            }
            int position = 0;
            int filled = 0; // slots are handed out in order: slot == filled is a row's first contribution
            for (int c = 0; c < rows.size; c++) {
                INDArray chunk = rows.values[c];
                float[] values = workspace.read(chunk); // one bulk copy into a reused array
                int n = rows.counts[c];
                for (int r = 0; r < n; r++, position++) {
                    int to = slot[position] * width;
                    int from = r * width;
                    if (slot[position] == filled) {
                        System.arraycopy(values, from, out, to, width);
                        filled++;
                    } else {
                        for (int j = 0; j < width; j++) {
                            out[to + j] += values[from + j];
                        }
                    }
                }
            }
            return new Merged(rows.distinct, u, rowLength, null, out);
        }
        INDArray[] chunks = new INDArray[rows.size];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = asRows(rows.values[c], rows.counts[c]);
        }
        INDArray values = chunks.length == 1 ? chunks[0] : Nd4j.concat(0, chunks);
        INDArray summed = Nd4j.exec(new UnsortedSegmentSum(values, Nd4j.createFromArray(Arrays.copyOf(slot,
                total)), u))[0];
        return new Merged(rows.distinct, u, rowLength, summed, null);
    }

    /**
     * What {@link #merge} reuses from one call to the next, across weights (single-threaded, like training): the row
     * index, the slots and the array the contributions are read into.
     */
    public static final class Workspace {
        private final RowIndex index = new RowIndex();
        private float[] read = new float[0];

        private int[] slots = new int[0];

        /** An array of at least {@code n} ints for the contributions' slots (valid until the next merge). */
        int[] slots(int n) {
            if (slots.length < n) {
                slots = new int[n];
            }
            return slots;
        }

        /** The float32 values of {@code chunk} in C order, in this workspace's array (valid until the next read). */
        float[] read(INDArray chunk) {
            int n = Math.toIntExact(chunk.length());
            if (read.length < n) {
                read = new float[n];
            }
            BulkData.readFloats(chunk, read);
            return read;
        }
    }

    /** Up to this many contributed values, row-set work on float32 runs as Java loops over bulk-read arrays. */
    public static final long JAVA_MAX_ELEMENTS = 1 << 22;

    /** Rows {@code rows} of {@code table} as a new {@code (rows.length, rowLength)} array. */
    public static INDArray gather(INDArray table, long[] rows) {
        long rowLength = table.length() / table.size(0);
        INDArray out = Nd4j.createUninitialized(table.dataType(), new long[] {rows.length, rowLength}, 'c');
        RowGather.gather(table, Nd4j.createFromArray(rows), false, out, (position, value) ->
                new IllegalArgumentException("row " + RowGather.formatIndex(value) + " is outside [0, "
                        + table.size(0) + ")"));
        return out;
    }

    /** Writes row {@code k} of {@code values} over row {@code rows[k]} of {@code table}, in place. */
    public static void scatter(INDArray table, long[] rows, INDArray values) {
        requireDense(table);
        INDArray src = values.dataType() == table.dataType() ? values : values.castTo(table.dataType());
        src = NdArrays.dense(src);
        int rowBytes = Math.toIntExact(table.length() / table.size(0) * table.dataType().width());
        if (src.length() * src.dataType().width() != (long) rows.length * rowBytes) {
            throw new IllegalArgumentException("scatter of " + rows.length + " rows of " + rowBytes + " bytes got "
                    + src.shapeInfoToString());
        }
        ByteBuffer to = NdArrays.bytes(table);
        ByteBuffer from = NdArrays.bytes(src);
        for (int k = 0; k < rows.length; k++) {
            to.put(Math.toIntExact(rows[k] * rowBytes), from, k * rowBytes, rowBytes);
        }
    }

    /** Whether each chunk of {@code rows} holds exactly its counted rows of {@code width} values. */
    private static boolean exactChunks(Rows rows, int width) {
        for (int c = 0; c < rows.size; c++) {
            if (rows.values[c].length() != (long) rows.counts[c] * width) {
                return false;
            }
        }
        return true;
    }

    /** The values as {@code (n, rowLength)}. */
    public static INDArray asRows(INDArray values, long n) {
        return values.reshape('c', n, values.length() / Math.max(n, 1));
    }

    private static void requireDense(INDArray table) {
        if (!NdArrays.isDense(table)) {
            throw new IllegalStateException("row-sparse updates need a dense C-ordered table, got "
                    + table.shapeInfoToString());
        }
        if (table.dataType() != DataType.FLOAT && table.dataType() != DataType.DOUBLE
                && table.dataType() != DataType.HALF) {
            throw new IllegalStateException("row-sparse updates need a floating-point table, got "
                    + table.dataType());
        }
    }
}
