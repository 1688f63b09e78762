package org.tensorkit.examples.movielens;

import java.util.Arrays;
import java.util.Objects;

/**
 * Rating triples as parallel columns (user id, item id, rating), ready to feed a model.
 */
public record Ratings(int[] userIds, int[] itemIds, float[] ratings) {
    public Ratings {
        Objects.requireNonNull(userIds, "userIds");
        Objects.requireNonNull(itemIds, "itemIds");
        Objects.requireNonNull(ratings, "ratings");
        if (userIds.length != itemIds.length || itemIds.length != ratings.length) {
            throw new IllegalArgumentException("columns differ in length: " + userIds.length + " users, "
                    + itemIds.length + " items, " + ratings.length + " ratings");
        }
    }

    public int size() {
        return ratings.length;
    }

    /** The rows at the given positions, in that order. */
    public Ratings select(int[] rows) {
        int[] u = new int[rows.length];
        int[] i = new int[rows.length];
        float[] r = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            u[k] = userIds[rows[k]];
            i[k] = itemIds[rows[k]];
            r[k] = ratings[rows[k]];
        }
        return new Ratings(u, i, r);
    }

    /** Mean rating: the baseline every model must beat. */
    public double meanRating() {
        double sum = 0;
        for (float r : ratings) {
            sum += r;
        }
        return sum / Math.max(1, ratings.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ratings other && Arrays.equals(userIds, other.userIds)
                && Arrays.equals(itemIds, other.itemIds) && Arrays.equals(ratings, other.ratings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(userIds), Arrays.hashCode(itemIds), Arrays.hashCode(ratings));
    }

    @Override
    public String toString() {
        return "Ratings[" + size() + " rows]";
    }
}
