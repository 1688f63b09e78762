package org.tensorkit.examples.movielens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.testing.Similarity;
import org.tensorkit.layers.Embedding;
import org.tensorkit.vectors.Pca;

/** The projection's points and labels, and mostSimilar against a brute-force ranking in double precision. */
class ItemProjectionTest {
    private static Embedding table(int rows, long seed) {
        Random rng = new Random(seed);
        float[][] t = new float[rows][6];
        for (float[] r : t) {
            for (int k = 0; k < r.length; k++) {
                r[k] = (float) rng.nextGaussian();
            }
        }
        return Embedding.builder().inputDim(rows).outputDim(6).weights(Tensor.of(t)).build();
    }

    @Test
    void theMostRatedMoviesAreProjectedOnThePcaOfEveryMoviesRow() {
        Embedding items = table(41, 1);                       // row 0 is padding: no movie
        Map<Integer, String> titles = new HashMap<>();
        for (int id = 1; id <= 40; id++) {
            titles.put(id, "Movie " + id);
        }
        int[] itemIds = {5, 5, 5, 9, 9, 2, 2, 2, 2, 40};
        Ratings train = new Ratings(new int[itemIds.length], itemIds, new float[itemIds.length]);
        List<ItemProjection.Point> points = ItemProjection.of(items, titles, train, id -> id, 4);
        assertEquals(List.of(2, 5, 9, 40), points.stream().map(ItemProjection.Point::itemId).toList());
        assertEquals(List.of(4, 3, 2, 1), points.stream().map(ItemProjection.Point::ratings).toList());
        int[] movieRows = new int[40];
        for (int i = 0; i < 40; i++) {
            movieRows[i] = i + 1;
        }
        double[][] expected = Pca.fit(items.embeddings().read(), movieRows, 2).project(items.embeddings().read(),
                new int[] {2, 5, 9, 40});
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expected[i], new double[] {points.get(i).x(), points.get(i).y()}, 0);
        }
    }

    @Test
    void labelsOfNearbyPointsDoNotOverlapWhenThereIsRoom() {
        List<ItemProjection.Point> points = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            points.add(new ItemProjection.Point(i, "A title of twenty ch", 10 - i, i * 0.01, 0));   // a tight row
        }
        points.add(new ItemProjection.Point(9, "far", 1, 10, 10));
        double[] xr = ItemProjection.range(points.stream().mapToDouble(ItemProjection.Point::x).toArray());
        double[] yr = ItemProjection.range(points.stream().mapToDouble(ItemProjection.Point::y).toArray());
        List<ItemProjection.Label> labels = ItemProjection.place(points, xr, yr);
        double pxX = 1100 / (xr[1] - xr[0]);
        double pxY = 780 / (yr[1] - yr[0]);
        for (int a = 0; a < 6; a++) {
            for (int b = a + 1; b < 6; b++) {
                ItemProjection.Label la = labels.get(a);
                ItemProjection.Label lb = labels.get(b);
                boolean apartX = Math.abs(la.x() - lb.x()) * pxX >= 20 * 7.2 - 1e-6;
                boolean apartY = Math.abs(la.y() - lb.y()) * pxY >= 14 - 1e-6;
                assertTrue(apartX || apartY, "labels " + a + " and " + b + " overlap: " + la + " " + lb);
            }
        }
        assertEquals("Movie 1 (1999)", ItemProjection.shortTitle(" Movie 1 (1999) "));
        assertEquals("Dr. Strangelove or: How I Lea\u2026",
                ItemProjection.shortTitle("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)"));
    }

    @Test
    void mostSimilarRanksAsABruteForceCosineOverTheTitledRows() {
        Embedding items = table(60, 2);
        Map<Integer, String> titles = new HashMap<>();
        for (int id = 1; id < 60; id += 2) {                   // only odd rows are movies
            titles.put(id, "Movie " + id);
        }
        float[][] t = new float[60][];
        for (int r = 0; r < 60; r++) {
            t[r] = items.embeddings().read().get(r).toFloatArray();
        }
        List<Integer> expected = new ArrayList<>(titles.keySet());
        expected.remove(Integer.valueOf(7));
        expected.sort(Comparator.comparingDouble((Integer id) -> -Similarity.cosine(t[id], t[7])).thenComparingInt(id -> id));
        List<MovieLensRecommender.Similar> got = MovieLensRecommender.mostSimilar(items, titles, 7, 10);
        assertEquals(expected.subList(0, 10), got.stream().map(MovieLensRecommender.Similar::itemId).toList());
        for (MovieLensRecommender.Similar s : got) {
            assertEquals(Similarity.cosine(t[s.itemId()], t[7]), s.similarity(), 1e-5);
        }
    }
}
