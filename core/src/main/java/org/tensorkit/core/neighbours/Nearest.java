package org.tensorkit.core.neighbours;

import java.util.Locale;
import java.util.Objects;

/**
 * The answer of a {@link Neighbours} search: for each query, the ids of its nearest rows, best first, and their
 * scores. Immutable (accessors return copies).
 */
public final class Nearest {
    private final int[][] ids;
    private final float[][] scores;
    private final Metric metric;

    Nearest(int[][] ids, float[][] scores, Metric metric) {
        this.ids = ids;
        this.scores = scores;
        this.metric = Objects.requireNonNull(metric, "metric");
    }

    /** How many queries were answered. */
    public int queries() {
        return ids.length;
    }

    /**
     * The nearest rows of query {@code q}, best first.
     *
     * @param q the query's position
     * @return its neighbours' row ids
     */
    public int[] ids(int q) {
        return ids[q].clone();
    }

    /**
     * The scores of query {@code q}'s neighbours, in {@link #ids(int)}'s order.
     *
     * @param q the query's position
     * @return their scores
     */
    public float[] scores(int q) {
        return scores[q].clone();
    }

    /** All ids, one row per query (a copy). */
    public int[][] ids() {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i].clone();
        }
        return out;
    }

    /** All scores, one row per query (a copy). */
    public float[][] scores() {
        float[][] out = new float[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i].clone();
        }
        return out;
    }

    /** The metric of the scores. */
    public Metric metric() {
        return metric;
    }

    /** {@code Nearest(cosine, 2 queries: [7 0.9812, 3 0.9701], [...])}, at most 5 neighbours shown per query. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Nearest(").append(metric.name().toLowerCase(Locale.ROOT)).append(", ")
                .append(ids.length).append(ids.length == 1 ? " query:" : " queries:");
        for (int q = 0; q < Math.min(ids.length, 5); q++) {
            s.append(q == 0 ? " [" : ", [");
            for (int j = 0; j < Math.min(ids[q].length, 5); j++) {
                s.append(j == 0 ? "" : ", ").append(ids[q][j])
                        .append(String.format(Locale.ROOT, " %.4f", scores[q][j]));
            }
            s.append(ids[q].length > 5 ? ", ...]" : "]");
        }
        return s.append(ids.length > 5 ? ", ...)" : ")").toString();
    }
}
