package org.tensorkit.spark.internal;

import java.io.Serializable;

/**
 * A query's best {@code k} (id, score) pairs from some of the rows, best first: {@code Neighbours}' order (higher
 * score first, NaN below every number, ties by the smaller id). Merging two lists of disjoint rows gives the list of
 * their union, whatever the order of merging: what the partial answers of blocks of rows reduce to.
 *
 * @param ids the ids, best first
 * @param scores their scores
 */
public record TopList(long[] ids, float[] scores) implements Serializable {
    /** The best {@code k} of both. */
    public TopList merge(TopList other, int k) {
        int n = Math.min(k, ids.length + other.ids.length);
        long[] i = new long[n];
        float[] s = new float[n];
        int a = 0;
        int b = 0;
        for (int j = 0; j < n; j++) {
            boolean takeA = b >= other.ids.length || (a < ids.length && before(scores[a], ids[a], other.scores[b],
                    other.ids[b]));
            if (takeA) {
                i[j] = ids[a];
                s[j] = scores[a++];
            } else {
                i[j] = other.ids[b];
                s[j] = other.scores[b++];
            }
        }
        return new TopList(i, s);
    }

    /** Whether (sa, ia) ranks before (sb, ib). */
    static boolean before(float sa, long ia, float sb, long ib) {
        boolean na = Float.isNaN(sa);
        boolean nb = Float.isNaN(sb);
        if (na != nb) {
            return nb;
        }
        if (!na && sa != sb) {
            return sa > sb;
        }
        return ia < ib;
    }
}
