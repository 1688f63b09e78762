package org.tensorkit.core.neighbours;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.testing.Similarity;

/** Exact answers against a brute-force sort of every score, in double precision, ties by row id. */
class NeighboursTest {
    private static float[][] randomTable(int rows, int dim, long seed) {
        Random rng = new Random(seed);
        float[][] t = new float[rows][dim];
        for (float[] r : t) {
            for (int k = 0; k < dim; k++) {
                r[k] = (float) rng.nextGaussian();
            }
        }
        return t;
    }

    private static double score(float[] a, float[] b, Metric m) {
        return m == Metric.DOT ? Similarity.dot(a, b) : Similarity.cosine(a, b);
    }

    private static int[] bruteForce(float[][] table, float[] q, int k, Metric m, int skip) {
        return IntStream.range(0, table.length).filter(r -> r != skip).boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -score(table[r], q, m)).thenComparingInt(r -> r))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void findsTheSameRowsAsSortingEveryScoreAcrossBlocks() {
        float[][] table = randomTable(20_000, 16, 1);       // more rows than one block of 8,192
        Tensor t = Tensor.of(table);
        int[] queries = new Random(2).ints(300, 0, table.length).toArray();   // more than one block of 256
        for (Metric m : Metric.values()) {
            Neighbours n = Neighbours.of(t, m);
            Nearest r = n.nearestToRows(queries, 7, true);
            assertEquals(300, r.queries());
            for (int i = 0; i < queries.length; i++) {
                int[] expected = bruteForce(table, table[queries[i]], 7, m, queries[i]);
                assertArrayEquals(expected, r.ids(i), m + " query " + i);
                float[] s = r.scores(i);
                for (int j = 0; j < 7; j++) {
                    assertEquals(score(table[expected[j]], table[queries[i]], m), s[j], 1e-4 * Math.max(1,
                            Math.abs(s[j])), m + " score " + j);
                }
            }
        }
    }

    @Test
    void aFewQueriesTakeTheOnePassPathWithTheSameAnswers() {
        float[][] table = randomTable(20_000, 13, 5);        // a dimension that is not a multiple of 8
        int[] queries = {3, 19_999, 7_000};
        for (Metric m : Metric.values()) {
            Nearest r = Neighbours.of(Tensor.of(table), m).nearestToRows(queries, 9, true);
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(bruteForce(table, table[queries[i]], 9, m, queries[i]), r.ids(i), m + " " + i);
                assertEquals(score(table[r.ids(i)[0]], table[queries[i]], m), r.scores(i)[0], 1e-4, m + " " + i);
            }
        }
    }

    @Test
    void queriesByVectorAndASingleQuery() {
        float[][] table = randomTable(1000, 8, 3);
        Neighbours n = Neighbours.of(Tensor.of(table), Metric.DOT);
        float[] q = {1, 0, 0, 0, 0, 0, 0, 0};
        Nearest one = n.nearestToVectors(Tensor.of(q), 5);
        assertArrayEquals(bruteForce(table, q, 5, Metric.DOT, -1), one.ids(0));
        Nearest two = n.nearestToVectors(Tensor.of(new float[][] {q, table[17]}), 1000);
        assertArrayEquals(one.ids(0), Arrays.copyOf(two.ids(0), 5));
        assertEquals(1000, two.ids(1).length);
        Nearest self = Neighbours.of(Tensor.of(table), Metric.COSINE).nearestToRows(new int[] {17}, 1, false);
        assertArrayEquals(new int[] {17}, self.ids(0));          // a row is its own nearest unless excluded
        assertEquals(1f, self.scores(0)[0], 1e-6f);
    }

    @Test
    void tiesGoToTheSmallerRowAndNaNRanksLast() {
        float[][] table = {{1, 0}, {0, 1}, {1, 0}, {Float.NaN, 0}, {1, 0}, {0, 0}};
        Neighbours dot = Neighbours.of(Tensor.of(table), Metric.DOT);
        Nearest r = dot.nearestToVectors(Tensor.of(1f, 0f), 6);
        assertArrayEquals(new int[] {0, 2, 4, 1, 5, 3}, r.ids(0));
        assertTrue(Float.isNaN(r.scores(0)[5]));
        Nearest cos = Neighbours.of(Tensor.of(table), Metric.COSINE).nearestToVectors(Tensor.of(1f, 0f), 4);
        assertArrayEquals(new int[] {0, 2, 4, 1}, cos.ids(0));   // the zero row scores 0, as row 1 does: 1 first
        assertEquals("Nearest(cosine, 1 query: [0 1.0000, 2 1.0000, 4 1.0000, 1 0.0000])", cos.toString());
    }

    @Test
    void refusesBadKQueriesAndTables() {
        Neighbours n = Neighbours.of(Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}}), Metric.COSINE);
        assertEquals("k = 0 must be in [1, 3]: the table has 3 rows", assertThrows(IllegalArgumentException.class,
                () -> n.nearestToRows(new int[] {0}, 0, false)).getMessage());
        assertEquals("k = 3 must be in [1, 2]: the table has 3 rows, less each query's own",
                assertThrows(IllegalArgumentException.class, () -> n.nearestToRows(new int[] {0}, 3, true))
                        .getMessage());
        assertEquals("queryRows[1] = 3 is not a row of the table [0, 3)", assertThrows(
                IllegalArgumentException.class, () -> n.nearestToRows(new int[] {0, 3}, 1, false)).getMessage());
        assertEquals("queries must be floating-point vectors of dimension 2 ((q, 2) or (2,)), got float32 (3,)",
                assertThrows(IllegalArgumentException.class, () -> n.nearestToVectors(Tensor.of(1f, 2f, 3f), 1))
                        .getMessage());
        assertEquals("a nearest-neighbour table must be 2-D floating point, got int32 (2,)",
                assertThrows(IllegalArgumentException.class, () -> Neighbours.of(Tensor.of(1, 2), Metric.DOT))
                        .getMessage());
    }
}
