package org.tensorkit.core.internal;

import java.util.Arrays;

/**
 * A reusable open-addressing map from row ids to dense slots {@code 0, 1, 2, ...} in order of first appearance:
 * the distinct rows of a training step without a sort. {@link #reset()} empties it in constant time (a
 * generation stamp marks the live entries), so one instance serves every step; it grows to the largest step seen.
 * Not thread-safe.
 */
public final class RowIndex {
    /**
     * Two longs per entry, so that a probe reads one cache line: {@code [2i]} the row, {@code [2i + 1]} the
     * generation that wrote it (high 32 bits) and its slot (low 32 bits). An entry of another generation is free.
     */
    private long[] entries = new long[32];
    private long[] rows = new long[8];
    private int generation = 1;
    private int size;

    /** Forgets every row. */
    public void reset() {
        size = 0;
        if (++generation == 0) { // wrapped around: clear the stamps once every 2^32 resets
            Arrays.fill(entries, 0);
            generation = 1;
        }
    }

    /** The slot of {@code row}: its existing one, or the next free one if it is new. */
    public int slot(long row) {
        if (4 * (size + 1) > entries.length) { // at most half the entries in use
            grow();
        }
        long[] e = entries;
        int mask = e.length / 2 - 1;
        int i = hash(row) & mask;
        for (long tag; (int) ((tag = e[2 * i + 1]) >>> 32) == generation; i = (i + 1) & mask) {
            if (e[2 * i] == row) {
                return (int) tag;
            }
        }
        put(e, i, row, size);
        if (size == rows.length) {
            rows = Arrays.copyOf(rows, 2 * size);
        }
        rows[size] = row;
        return size++;
    }

    /** The number of distinct rows since the last reset. */
    public int size() {
        return size;
    }

    /** Copies the distinct rows since the last reset, in order of first appearance, into the start of {@code into}. */
    public void copyRows(long[] into) {
        System.arraycopy(rows, 0, into, 0, size);
    }

    private void put(long[] e, int i, long row, int slot) {
        e[2 * i] = row;
        e[2 * i + 1] = ((long) generation << 32) | (slot & 0xFFFFFFFFL);
    }

    private void grow() {
        long[] e = new long[entries.length * 2];
        entries = e;
        generation = 1;
        int mask = e.length / 2 - 1;
        for (int s = 0; s < size; s++) {
            int i = hash(rows[s]) & mask;
            while ((int) (e[2 * i + 1] >>> 32) == generation) {
                i = (i + 1) & mask;
            }
            put(e, i, rows[s], s);
        }
    }

    private static int hash(long row) {
        long h = row * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
