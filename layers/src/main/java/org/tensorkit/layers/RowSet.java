package org.tensorkit.layers;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * An immutable set of table rows, such as the rows of an {@link Embedding} that training leaves alone
 * ({@link Weight#freezeRows}). Kept as sorted, disjoint, half-open ranges {@code [start, end)}: the pretrained hits
 * of a vocabulary are often long runs, so a set of millions of rows can take a few numbers.
 */
public final class RowSet {
    private static final RowSet EMPTY = new RowSet(new long[0], 0);

    /** start0, end0, start1, end1, ...: sorted, disjoint, not touching. */
    private final long[] ranges;
    private final long size;

    private RowSet(long[] ranges, long size) {
        this.ranges = ranges;
        this.size = size;
    }

    /** The empty set. */
    public static RowSet empty() {
        return EMPTY;
    }

    /**
     * The set of {@code rows} (any order, repeats allowed).
     *
     * @param rows row numbers, each at least 0
     * @return their set
     * @throws IllegalArgumentException if a row is negative (named with its position)
     */
    public static RowSet of(long... rows) {
        Objects.requireNonNull(rows, "rows");
        long[] sorted = rows.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) {
                throw new IllegalArgumentException("rows[" + i + "] = " + sorted[i] + " is negative; rows are >= 0");
            }
        }
        Arrays.sort(sorted);
        long[] out = new long[2 * sorted.length];
        int n = 0;
        long size = 0;
        for (int i = 0; i < sorted.length;) {
            long start = sorted[i];
            long end = start + 1;
            while (++i < sorted.length && sorted[i] <= end) {
                end = Math.max(end, sorted[i] + 1);
            }
            out[n++] = start;
            out[n++] = end;
            size += end - start;
        }
        return n == 0 ? EMPTY : new RowSet(Arrays.copyOf(out, n), size);
    }

    /**
     * The set of {@code rows}.
     *
     * @param rows row numbers, each at least 0
     * @return their set
     * @throws IllegalArgumentException if a row is negative
     */
    public static RowSet of(int... rows) {
        return of(Arrays.stream(Objects.requireNonNull(rows, "rows")).asLongStream().toArray());
    }

    /**
     * The rows {@code [start, end)}.
     *
     * @param start the first row
     * @param end one past the last row
     * @return the range as a set
     * @throws IllegalArgumentException unless {@code 0 <= start <= end}
     */
    public static RowSet range(long start, long end) {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("a row range needs 0 <= start <= end, got [" + start + ", " + end
                    + ")");
        }
        return start == end ? EMPTY : new RowSet(new long[] {start, end}, end - start);
    }

    /**
     * The set of half-open ranges given as {@code start, end} pairs (any order, overlaps allowed).
     *
     * @param pairs an even number of values
     * @return their union
     * @throws IllegalArgumentException for an odd count or a range that is not {@code 0 <= start <= end}
     */
    public static RowSet ofRanges(long... pairs) {
        Objects.requireNonNull(pairs, "pairs");
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("ranges come as start, end pairs; got " + pairs.length + " values");
        }
        RowSet out = EMPTY;
        for (int i = 0; i < pairs.length; i += 2) {
            out = out.union(range(pairs[i], pairs[i + 1]));
        }
        return out;
    }

    /**
     * The rows in this set or in {@code other}.
     *
     * @param other another set
     * @return the union
     */
    public RowSet union(RowSet other) {
        long[] merged = new long[ranges.length + other.ranges.length];
        int a = 0;
        int b = 0;
        int n = 0;
        long size = 0;
        while (a < ranges.length || b < other.ranges.length) {
            long[] src;
            int at;
            if (b >= other.ranges.length || (a < ranges.length && ranges[a] <= other.ranges[b])) {
                src = ranges;
                at = a;
                a += 2;
            } else {
                src = other.ranges;
                at = b;
                b += 2;
            }
            if (n > 0 && src[at] <= merged[n - 1]) {
                if (src[at + 1] > merged[n - 1]) {
                    size += src[at + 1] - merged[n - 1];
                    merged[n - 1] = src[at + 1];
                }
            } else {
                merged[n++] = src[at];
                merged[n++] = src[at + 1];
                size += src[at + 1] - src[at];
            }
        }
        return n == 0 ? EMPTY : new RowSet(Arrays.copyOf(merged, n), size);
    }

    /** How many rows the set holds. */
    public long size() {
        return size;
    }

    /** Whether the set is empty. */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Whether {@code row} is in the set (a binary search over the ranges).
     *
     * @param row a row number
     * @return whether it is in the set
     */
    public boolean contains(long row) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (row < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (row >= ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** One past the largest row, or 0 when empty. */
    public long end() {
        return ranges.length == 0 ? 0 : ranges[ranges.length - 1];
    }

    /** The ranges as {@code start, end} pairs, sorted (a copy). */
    public long[] ranges() {
        return ranges.clone();
    }

    /**
     * The rows in ascending order.
     *
     * @return them
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8}
     */
    public long[] toArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a set of " + size + " rows does not fit an array");
        }
        long[] out = new long[(int) size];
        int n = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            for (long r = ranges[i]; r < ranges[i + 1]; r++) {
                out[n++] = r;
            }
        }
        return out;
    }

    /** The rows as a bit set over {@code [0, end())}. */
    public BitSet toBitSet() {
        BitSet bits = new BitSet();
        for (int i = 0; i < ranges.length; i += 2) {
            bits.set(Math.toIntExact(ranges[i]), Math.toIntExact(ranges[i + 1]));
        }
        return bits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowSet r && Arrays.equals(ranges, r.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }

    /** {@code RowSet[0, 5) [9, 10) (6 rows)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RowSet");
        for (int i = 0; i < ranges.length && i < 20; i += 2) {
            s.append(" [").append(ranges[i]).append(", ").append(ranges[i + 1]).append(')');
        }
        if (ranges.length > 20) {
            s.append(" ...");
        }
        return s.append(" (").append(size).append(size == 1 ? " row)" : " rows)").toString();
    }
}
