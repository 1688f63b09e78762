package org.tensorkit.core.internal;

import java.nio.FloatBuffer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rows of a dense float32 table, read and written a segment at a time between its native memory and Java arrays:
 * by address ({@link NativeMemory}) with one range check per call, or through a {@code FloatBuffer} when the JVM
 * hides Unsafe. For loops over scattered rows (an optimizer's row step), where a buffer's bulk get costs its
 * precondition and scope checks on every row. Holds the table's buffer, not a copy: the table must stay alive and
 * unresized while this is used. Safe to share between threads that touch distinct rows.
 */
public final class TableRows {
    private final INDArray table;
    private final long address;
    private final long rows;
    private final int width;
    private final FloatBuffer buffer;

    private TableRows(INDArray table, int width) {
        this.table = table;
        this.rows = table.length() / width;
        this.width = width;
        this.address = NativeMemory.AVAILABLE ? table.data().address() : 0;
        this.buffer = NativeMemory.AVAILABLE ? null : BulkData.floatBuffer(table);
    }

    /**
     * The rows of {@code table}, a dense float32 array, as rows of {@code width} floats (its last axis, or a multiple
     * of it when rows of several arrays are interleaved in one buffer).
     *
     * @throws IllegalArgumentException if the table is not dense float32 or its length is not a multiple of width
     */
    public static TableRows of(INDArray table, int width) {
        if (table.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || !NdArrays.isDense(table)) {
            throw new IllegalArgumentException("need a dense float32 table, got " + table.shapeInfoToString());
        }
        if (width < 1 || table.length() % width != 0) {
            throw new IllegalArgumentException("a table of " + table.length() + " floats has no rows of " + width);
        }
        return new TableRows(table, width);
    }

    /** The array these rows are of. */
    public INDArray table() {
        return table;
    }

    /** Copies floats {@code [offset, offset + n)} of row {@code row} into {@code into[at, at + n)}. */
    public void read(long row, int offset, float[] into, int at, int n) {
        check(row, offset, n, into, at);
        if (buffer == null) {
            NativeMemory.copyToFloats(address + (row * width + offset) * Float.BYTES, into, at, n);
        } else {
            buffer.get(Math.toIntExact(row * width + offset), into, at, n);
        }
    }

    /** Copies {@code from[at, at + n)} into floats {@code [offset, offset + n)} of row {@code row}. */
    public void write(long row, int offset, float[] from, int at, int n) {
        check(row, offset, n, from, at);
        if (buffer == null) {
            NativeMemory.copyFromFloats(from, at, address + (row * width + offset) * Float.BYTES, n);
        } else {
            buffer.put(Math.toIntExact(row * width + offset), from, at, n);
        }
    }

    private void check(long row, int offset, int n, float[] array, int at) {
        if (row < 0 || row >= rows || offset < 0 || n < 0 || offset > width - n || at < 0 || at > array.length - n) {
            throw new IndexOutOfBoundsException("row " + row + " floats [" + offset + ", " + (offset + n)
                    + ") of a table of " + rows + " rows of " + width + ", at " + at + " of an array of "
                    + array.length);
        }
    }
}
