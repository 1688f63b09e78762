package org.tensorkit.spark.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The partitions' results combined: by the rule asked for, and the same whatever order Spark delivers them in. */
class MeansTest {
    @Test
    void oneContributionIsTakenAsItIs() {
        float[] state = {0.1f, 0.2f, 0.3f};
        List<Means.Contribution> one = List.of(new Means.Contribution(3, state));
        assertSame(state, Means.row(new float[3], one, 1, false));
        assertSame(state, Means.row(new float[3], one, 1, true));
    }

    @Test
    void averageOrAddChangesForTheValuesAndAlwaysTheMeanForTheSlots() {
        float[] old = {1f, 1f, 0.5f, 0.5f};         // width 2: two values, then one slot of two
        List<Means.Contribution> two = List.of(new Means.Contribution(0, new float[] {2f, 1f, 1f, 0f}),
                new Means.Contribution(1, new float[] {4f, 0f, 0f, 1f}));
        assertArrayEquals(new float[] {3f, 0.5f, 0.5f, 0.5f}, Means.row(old, two, 2, false), 0f);
        // 1 + (2 - 1) + (4 - 1) = 5; 1 + (1 - 1) + (0 - 1) = 0
        assertArrayEquals(new float[] {5f, 0f, 0.5f, 0.5f}, Means.row(old, two, 2, true), 0f);
    }

    @Test
    void theResultDoesNotDependOnTheOrderOfArrival() {
        Random rng = new Random(1);
        List<Means.Contribution> list = new ArrayList<>();
        for (int p = 0; p < 9; p++) {
            float[] s = new float[6];
            for (int k = 0; k < s.length; k++) {
                s[k] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(12) - 6));
            }
            list.add(new Means.Contribution(p, s));
        }
        float[] old = new float[6];
        float[] first = Means.row(old, list, 3, false);
        float[] added = Means.row(old, list, 3, true);
        for (int trial = 0; trial < 20; trial++) {
            Collections.shuffle(list, rng);
            assertArrayEquals(first, Means.row(old, list, 3, false), 0f);
            assertArrayEquals(added, Means.row(old, list, 3, true), 0f);
        }
    }

    private static LocalRound.Result result(int partition, long rows, float[] dense, double loss) {
        return new LocalRound.Result(partition, rows, 1, Map.of("loss", loss), new float[][] {dense}, new long[0],
                new float[0][], 0, 0);
    }

    @Test
    void theBroadcastSumIsExactSoTreeOrderCannotChangeIt() {
        Random rng = new Random(2);
        List<LocalRound.Result> results = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            float[] d = new float[5];
            for (int k = 0; k < d.length; k++) {
                d[k] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(16) - 8));
            }
            results.add(result(p, 10 + p, d, rng.nextDouble()));
        }
        Means.Sum left = new Means.Sum();
        results.forEach(left::add);
        float[][] expected = left.denseMean();
        Map<String, Double> logs = left.logs("");
        for (int trial = 0; trial < 10; trial++) {
            Collections.shuffle(results, rng);
            Means.Sum a = new Means.Sum();
            Means.Sum b = new Means.Sum();
            for (int k = 0; k < results.size(); k++) {
                (k % 2 == 0 ? a : b).add(results.get(k));
            }
            Means.Sum merged = b.merge(a);
            assertArrayEquals(expected[0], merged.denseMean()[0], 0f);
            assertEquals(logs, merged.logs(""));
        }
        Means.Sum single = new Means.Sum().add(result(0, 7, new float[] {0.1f, -3e-9f}, 0.123456789));
        assertArrayEquals(new float[] {0.1f, -3e-9f}, single.denseMean()[0], 0f);
        assertEquals(0.123456789, single.logs("").get("loss"));
        Means.Sum nan = new Means.Sum().add(result(0, 1, new float[] {Float.NaN, 1f}, Double.NaN))
                .add(result(1, 1, new float[] {2f, 3f}, 1.0));
        assertEquals(Float.NaN, nan.denseMean()[0][0]);
        assertEquals(2f, nan.denseMean()[0][1]);
        assertEquals(Double.NaN, nan.logs("val_").get("val_loss"));
    }
}
