package org.tensorkit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.tensorkit.examples.movielens.MovieLens;
import org.tensorkit.examples.movielens.MovieLensRecommender;
import org.tensorkit.examples.movielens.Ratings;
import org.tensorkit.examples.movielens.SyntheticRatings;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/**
 * Training speed of the MovieLens example's dot model (user and item embeddings of 944 and 1,683 rows by 64,
 * Flatten, {@code Dot(axes=1)}, MAE, Adam) on the example's synthetic ratings (943 users, 1,682 items, 100,000
 * ratings, split 80/20 with seed 42 as the example does):
 * <ul>
 *   <li>{@link #step}: one optimizer step, {@code model.trainOnBatch(...)}, at batch 64 and 4,096; the batches
 *       are consecutive slices of the training rows, cycled, so the ids change from step to step;</li>
 *   <li>{@link #epoch}: one epoch of {@code fit} (the example's options: batch 64, shuffled, silent) on 72,000
 *       rows, the example's training rows after its validation split of 0.1: 1,125 steps.</li>
 * </ul>
 * <ul>
 *   <li>{@link #anchorStep}: the workload measured against PyTorch ({@code benchmarks/pytorch-compare.sh}): two
 *       {@code Embedding(100000, 64)} tables, dot product, MSE, Adam (lr 1e-3), from U(-0.05, 0.05); the ids
 *       cycle over 64 batches. {@code targets=fresh}: the targets cycle over 65 sets, so that no (ids, targets)
 *       pair repeats for 4,160 steps and the loss never reaches zero; {@code targets=learnt}: one fixed batch
 *       trained in the setup until it is learnt (3,000 steps), the case where Adam's moments turn subnormal.</li>
 * </ul>
 * ND4J runs on one thread, as the example sets it. Every call trains the same model further, as training does.
 * Run with {@code benchmarks/training.sh} (see the README's "Training benchmark").
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC"})
public class TrainingBenchmark {
    /** The example's seed. */
    static final long SEED = 42;
    /** The example's training rows after its validation split: 80,000 * 0.9. */
    static final int EPOCH_ROWS = 72_000;

    /** The example's training rows, generated once per JVM. */
    static Ratings trainingRatings() {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tensorkit-training-benchmark");
            SyntheticRatings.write(dir, 943, 1682, 100_000, 2, 0.1, SEED);
            return MovieLens.load(dir).split(0.2, SEED).train();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp directory left behind is harmless
                }
            }
        }
    }

    static Model compiledDotModel() {
        Model model = MovieLensRecommender.dotModel(943, 1682, SEED);
        model.compile(Adam.create(), Losses.mae());
        return model;
    }

    /** A compiled dot model and the training rows cut into batches of {@link #batch}. */
    @State(Scope.Benchmark)
    public static class StepState {
        @Param({"64", "4096"})
        public int batch;

        Model model;
        List<List<Tensor>> inputs;
        Tensor[] ratings;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            Ratings train = trainingRatings();
            int batches = train.size() / batch;
            inputs = new ArrayList<>(batches);
            ratings = new Tensor[batches];
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int to = from + batch;
                // float32 (n, 1) ids and ratings, what fit feeds a step after preparing the user's int arrays
                INDArray users = Nd4j.createFromArray(toFloat(Arrays.copyOfRange(train.userIds(), from, to)))
                        .reshape('c', batch, 1);
                INDArray items = Nd4j.createFromArray(toFloat(Arrays.copyOfRange(train.itemIds(), from, to)))
                        .reshape('c', batch, 1);
                inputs.add(List.of(Tensor.wrap(users), Tensor.wrap(items)));
                ratings[b] = Tensor.of(Arrays.copyOfRange(train.ratings(), from, to));
            }
            model = compiledDotModel();
            double first = model.trainOnBatch(inputs.get(0), ratings[0]);
            if (!(first > 0 && first < 5)) {
                throw new IllegalStateException("first step's MAE " + first + " is not a plausible rating error");
            }
        }
    }

    private static float[] toFloat(int[] ids) {
        float[] f = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            f[i] = ids[i];
        }
        return f;
    }

    /** The dot model and the example's 72,000 training rows, as the int and float tensors fit takes. */
    @State(Scope.Benchmark)
    public static class EpochState {
        Model model;
        List<Tensor> inputs;
        Tensor ratings;
        FitOptions options;

        @Setup(Level.Trial)
        public void setUp() {
            Ratings train = trainingRatings();
            inputs = List.of(Tensor.of(Arrays.copyOf(train.userIds(), EPOCH_ROWS)),
                    Tensor.of(Arrays.copyOf(train.itemIds(), EPOCH_ROWS)));
            ratings = Tensor.of(Arrays.copyOf(train.ratings(), EPOCH_ROWS));
            model = compiledDotModel();
            options = FitOptions.builder().batchSize(64).epochs(1).shuffle(true).seed(SEED)
                    .verbose(Verbosity.SILENT).build();
        }
    }

    /** The PyTorch comparison's workload (see the class comment). */
    @State(Scope.Benchmark)
    public static class AnchorState {
        /** Rows per step. */
        @Param({"64", "4096"})
        public int batch;

        /** {@code fresh}: targets cycled over 65 sets; {@code learnt}: one batch trained until it is learnt. */
        @Param({"fresh", "learnt"})
        public String targets;

        static final int ROWS = 100_000;
        static final int ID_BATCHES = 64;
        static final int TARGET_SETS = 65;
        static final int LEARNT_STEPS = 3_000;

        Model model;
        List<List<Tensor>> inputs;
        Tensor[] targetSets;
        long step;

        @Setup(Level.Trial)
        public void setUp() {
            java.util.SplittableRandom rng = new java.util.SplittableRandom(SEED);
            boolean learnt = targets.equals("learnt");
            int idBatches = learnt ? 1 : ID_BATCHES;
            inputs = new ArrayList<>(idBatches);
            for (int b = 0; b < idBatches; b++) {
                inputs.add(List.of(Tensor.of(rng.ints(batch, 0, ROWS).toArray()),
                        Tensor.of(rng.ints(batch, 0, ROWS).toArray())));
            }
            targetSets = new Tensor[learnt ? 1 : TARGET_SETS];
            for (int t = 0; t < targetSets.length; t++) {
                float[] y = new float[batch];
                for (int i = 0; i < batch; i++) {
                    y[i] = (float) rng.nextDouble(-0.01, 0.01);
                }
                targetSets[t] = Tensor.of(y);
            }
            model = MovieLensRecommender.dotModel(ROWS - 1, ROWS - 1, SEED);
            model.compile(Adam.create(), Losses.mse());
            double loss = Double.NaN;
            for (int i = 0; learnt && i < LEARNT_STEPS; i++) {
                loss = model.trainOnBatch(inputs.get(0), targetSets[0]);
            }
            if (learnt) {
                System.out.printf("learnt batch of %d: loss %.3g after %d steps%n", batch, loss, LEARNT_STEPS);
            }
        }
    }

    /** One optimizer step of the PyTorch comparison's workload. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double anchorStep(AnchorState s) {
        long k = s.step++;
        return s.model.trainOnBatch(s.inputs.get((int) (k % s.inputs.size())),
                s.targetSets[(int) (k % s.targetSets.length)]);
    }

    /** One optimizer step: forward, MAE and its gradient, backward, gradient merge, lazy Adam. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double step(StepState s) {
        int k = s.next;
        s.next = k + 1 == s.ratings.length ? 0 : k + 1;
        return s.model.trainOnBatch(s.inputs.get(k), s.ratings[k]);
    }

    /** One epoch of fit: 1,125 steps of 64 (shuffling and slicing included, no validation). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    public History epoch(EpochState s) {
        History h = s.model.fit(s.inputs, s.ratings, s.options);
        double loss = h.get("loss").get(0);
        if (!(loss > 0 && loss < 5)) {
            throw new IllegalStateException("epoch MAE " + loss + " is not a plausible rating error");
        }
        return h;
    }
}
