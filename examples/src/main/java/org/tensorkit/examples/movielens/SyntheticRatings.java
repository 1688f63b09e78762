package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Writes a MovieLens-format data set ({@code u.data}, {@code u.item}) with a known low-rank structure:
 * rating = round(3 + u . v + effect + noise), clipped to 1..5, for seeded random user and item factors; each movie
 * also gets a release year (1930-1998) and one to three genres, whose effect is known (comedies +0.3, horror -0.3,
 * +0.2 per 25 years after 1975), for the hybrid model to find. A model that learns should predict it far better than
 * the mean rating. Used by tests and benchmarks, since the real data
 * set may not be redistributed.
 */
public final class SyntheticRatings {
    private static final int COMEDY = MovieLens.GENRES.indexOf("Comedy");
    private static final int HORROR = MovieLens.GENRES.indexOf("Horror");

    private SyntheticRatings() {
    }

    /**
     * @param users    number of users (ids 1..users)
     * @param items    number of items (ids 1..items)
     * @param ratings  number of distinct (user, item) pairs to rate; at most users * items / 2
     * @param rank     rank of the hidden structure
     * @param noise    standard deviation of the Gaussian noise added before rounding
     */
    public static void write(Path directory, int users, int items, int ratings, int rank, double noise, long seed)
            throws IOException {
        if (users <= 0 || items <= 0 || rank <= 0 || ratings <= 0 || ratings > (long) users * items / 2) {
            throw new IllegalArgumentException("need positive users, items, rank and 0 < ratings <= users * items / 2;"
                    + " got users " + users + ", items " + items + ", ratings " + ratings + ", rank " + rank);
        }
        Random rng = new Random(seed);
        double scale = 1.2 / Math.sqrt(rank);
        double[][] u = factors(rng, users + 1, rank, scale);
        double[][] v = factors(rng, items + 1, rank, scale);
        // item metadata from its own generator (the ratings' draws stay as they were), with a known effect:
        // comedies +0.3, horror -0.3, and +0.2 per 25 years after 1975
        Random meta = new Random(seed ^ 0x5DEECE66DL);
        int[] year = new int[items + 1];
        boolean[][] genre = new boolean[items + 1][MovieLens.GENRES.size()];
        double[] effect = new double[items + 1];
        for (int item = 1; item <= items; item++) {
            year[item] = 1930 + meta.nextInt(69);
            for (int k = 1 + meta.nextInt(3); k > 0; k--) {
                genre[item][1 + meta.nextInt(MovieLens.GENRES.size() - 1)] = true;
            }
            effect[item] = (genre[item][COMEDY] ? 0.3 : 0) - (genre[item][HORROR] ? 0.3 : 0)
                    + 0.2 * (year[item] - 1975) / 25.0;
        }
        Files.createDirectories(directory);
        Set<Long> seen = new HashSet<>();
        try (Writer out = Files.newBufferedWriter(directory.resolve("u.data"), StandardCharsets.ISO_8859_1)) {
            while (seen.size() < ratings) {
                int user = 1 + rng.nextInt(users);
                int item = 1 + rng.nextInt(items);
                if (!seen.add((long) user * (items + 1) + item)) {
                    continue;
                }
                double score = 3 + dot(u[user], v[item]) + effect[item] + noise * rng.nextGaussian();
                long rating = Math.max(1, Math.min(5, Math.round(score)));
                out.write(user + "\t" + item + "\t" + rating + "\t" + (874_724_710L + seen.size()) + "\n");
            }
        }
        try (Writer out = Files.newBufferedWriter(directory.resolve("u.item"), StandardCharsets.ISO_8859_1)) {
            for (int item = 1; item <= items; item++) {
                StringBuilder flags = new StringBuilder();
                for (boolean g : genre[item]) {
                    flags.append('|').append(g ? 1 : 0);
                }
                out.write(item + "|Movie " + item + " (" + year[item] + ")|01-Jan-" + year[item]
                        + "||http://example.invalid/" + item + flags + "\n");
            }
        }
    }

    private static double[][] factors(Random rng, int rows, int rank, double scale) {
        double[][] f = new double[rows][rank];
        for (double[] row : f) {
            for (int k = 0; k < rank; k++) {
                row[k] = scale * rng.nextGaussian();
            }
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
