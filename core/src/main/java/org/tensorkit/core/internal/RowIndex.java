package org.tensorkit.core.internal;

import java.util.Arrays;

/**
 * A reusable open-addressing map from row ids to dense slots {@code 0, 1, 2, ...} in order of first appearance:
 * the distinct rows of a training step without a sort. {@link #reset()} empties it in constant time (a
 * generation stamp marks the live entries), so one instance serves every step; it grows to the largest step seen.
 * Not thread-safe.
 */
public final class RowIndex {
    private long[] keys = new long[16];
    private int[] slotOf = new int[16];
    private int[] stamp = new int[16];
    private long[] rows = new long[8];
    private int generation = 1;
    private int size;

    /** Forgets every row. */
    public void reset() {
        size = 0;
        if (++generation == 0) { // wrapped around: clear the stamps once every 2^32 resets
            Arrays.fill(stamp, 0);
            generation = 1;
        }
    }

    /** The slot of {@code row}: its existing one, or the next free one if it is new. */
    public int slot(long row) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = hash(row) & mask;
        while (stamp[i] == generation) {
            if (keys[i] == row) {
                return slotOf[i];
            }
            i = (i + 1) & mask;
        }
        stamp[i] = generation;
        keys[i] = row;
        slotOf[i] = size;
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

    /** The distinct rows since the last reset, in order of first appearance (a new array). */
    public long[] rows() {
        return Arrays.copyOf(rows, size);
    }

    private void grow() {
        int capacity = keys.length * 2;
        keys = new long[capacity];
        slotOf = new int[capacity];
        stamp = new int[capacity];
        generation = 1;
        int mask = capacity - 1;
        for (int s = 0; s < size; s++) {
            int i = hash(rows[s]) & mask;
            while (stamp[i] == generation) {
                i = (i + 1) & mask;
            }
            stamp[i] = generation;
            keys[i] = rows[s];
            slotOf[i] = s;
        }
    }

    private static int hash(long row) {
        long h = row * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
