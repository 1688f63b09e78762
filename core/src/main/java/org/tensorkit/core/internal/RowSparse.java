package org.tensorkit.core.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

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
     * Distinct rows in order of first appearance, each with the sum of its contributions: as a Java array ({@code floats},
     * float32 merged in Java) or as an ND4J array ({@code values}); the other is {@code null}.
     */
    public record Merged(long[] rows, long rowLength, INDArray values, float[] floats) {
        /**
         * The sums as an ND4J array {@code (rows.length, rowLength)}, made from the first
         * {@code rows.length * rowLength} values of {@code floats} if need be.
         */
        public INDArray array() {
            return values != null ? values : BulkData.floats(floats, rows.length, rowLength);
        }
    }

    /**
     * Sums the contributions of repeated rows. {@code rowChunks} are the rows of each contribution,
     * {@code valueChunks} the matching gradients ({@code n} rows of {@code rowLength} in C order, any shape);
     * rows are checked against {@code [0, rowCount)}. The distinct rows come out in order of first appearance
     * (found through the workspace's {@link RowIndex}: no sort), and contributions add in input order (chunk by chunk,
     * row by row), so the result is reproducible: in a Java loop for float32 up to {@link #JAVA_MAX_ELEMENTS}
     * values, into {@code sums} when it is large enough (the merged rows' values are then its first
     * {@code rows.length * rowLength} floats; the caller reuses it across steps) or a new array, else as one native
     * segment sum, which adds in the same order. A row's first contribution is copied as it is, later ones are
     * added to it.
     */
    public static Merged merge(String weightName, long rowCount, long rowLength, List<long[]> rowChunks,
                               List<INDArray> valueChunks, Workspace workspace, float[] sums) {
        RowIndex index = workspace.index;
        long[] all = concat(rowChunks);
        for (int k = 0; k < all.length; k++) {
            if (all[k] < 0 || all[k] >= rowCount) {
                throw new IllegalArgumentException("row gradient of " + weightName + " names row " + all[k]
                        + ", outside [0, " + rowCount + ")");
            }
        }
        index.reset();
        int[] slot = workspace.slots(all.length);
        for (int k = 0; k < all.length; k++) {
            slot[k] = index.slot(all[k]);
        }
        int u = index.size();
        long[] unique = index.rows();
        INDArray first = valueChunks.get(0);
        if (first.dataType() == DataType.FLOAT && (long) all.length * rowLength <= JAVA_MAX_ELEMENTS) {
            int width = Math.toIntExact(rowLength);
            float[] out = sums != null && sums.length >= u * width ? sums : new float[u * width];
            int position = 0;
            int filled = 0; // slots are handed out in order: slot == filled is a row's first contribution
            for (INDArray chunk : valueChunks) {
                float[] values = workspace.read(chunk); // one bulk copy into a reused array
                int rows = Math.toIntExact(chunk.length() / Math.max(width, 1));
                for (int r = 0; r < rows; r++, position++) {
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
            return new Merged(unique, rowLength, null, out);
        }
        INDArray[] chunks = new INDArray[valueChunks.size()];
        for (int k = 0; k < chunks.length; k++) {
            chunks[k] = asRows(valueChunks.get(k), rowChunks.get(k).length);
        }
        INDArray values = chunks.length == 1 ? chunks[0] : Nd4j.concat(0, chunks);
        INDArray summed = Nd4j.exec(new UnsortedSegmentSum(values, Nd4j.createFromArray(Arrays.copyOf(slot,
                all.length)), u))[0];
        return new Merged(unique, rowLength, summed, null);
    }

    /**
     * What {@link #merge} reuses from one call to the next (single-threaded, like training): the row index and the
     * array the contributions are read into.
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

    /** The values as {@code (n, rowLength)}. */
    public static INDArray asRows(INDArray values, long n) {
        return values.reshape('c', n, values.length() / Math.max(n, 1));
    }

    private static long[] concat(List<long[]> chunks) {
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        return chunks.stream().flatMapToLong(Arrays::stream).toArray();
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
