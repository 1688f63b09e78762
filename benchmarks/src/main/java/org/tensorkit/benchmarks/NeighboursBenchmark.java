package org.tensorkit.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;
import org.tensorkit.core.neighbours.Neighbours;

/**
 * Nearest neighbours of issue 14: the 10 nearest rows (cosine, the query rows excluded) of {@code queries} rows of a
 * 100,000 x 64 float32 table (N(0, 1), seeded), 1,000 queries at once or a single one (the serving case).
 * {@code neighbours_numpy.py} times numpy's {@code argpartition} over the same product on the same kind of table
 * ({@code neighbours-compare.sh} runs both). The normalisation (numpy) and the inverse norms (tensorkit) are made
 * before the clock, once per table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NeighboursBenchmark {
    @Param({"1000", "1"})
    public int queries;

    private Neighbours neighbours;
    private int[] rows;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(14);
        float[][] table = new float[100_000][64];
        for (float[] r : table) {
            for (int k = 0; k < r.length; k++) {
                r[k] = (float) gaussian(rng);
            }
        }
        neighbours = Neighbours.of(Tensor.of(table), Metric.COSINE);
        rows = rng.ints(queries, 0, table.length).toArray();
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    @Benchmark
    public Nearest nearest() {
        return neighbours.nearestToRows(rows, 10, true);
    }
}
