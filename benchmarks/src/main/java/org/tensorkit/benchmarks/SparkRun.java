package org.tensorkit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.tensorkit.core.Tensor;
import org.tensorkit.examples.movielens.MovieLensRecommender;
import org.tensorkit.models.Model;
import org.tensorkit.models.Predictor;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.Verbosity;
import org.tensorkit.spark.Round;
import org.tensorkit.spark.ShardedModel;
import org.tensorkit.spark.SparkFitOptions;
import org.tensorkit.spark.TensorkitSpark;

/**
 * tensorkit on Spark, timed in {@code local[N]} ({@code benchmarks/spark.sh} runs it; never part of the tests):
 * <ul>
 *   <li>{@code scoring ROWS}: rows per second of {@code TensorkitSpark.predict} over a cached Dataset of
 *       {@code (user, item)} ids in {@code local[1]} and {@code local[2]}, against single-machine {@code predict}
 *       of the same rows (batches of 1,024 both) and against a single-machine {@code Predictor} over batches of 1,024
 *       rows (what each partition runs), with the MovieLens example's dot model; the median of 9 runs.</li>
 *   <li>{@code round ROWS}: one training round of that model on {@code ROWS} ratings in 2 partitions
 *       ({@code local[2]}) against one single-machine epoch of the same rows and batch size (64), and the bytes a
 *       round moves against the tables' size; the median of 5 rounds after one.</li>
 *   <li>{@code large ROWS_OF_TABLE ROWS ROUNDS}: a user table of {@code ROWS_OF_TABLE x 16} (with Adam's moments,
 *       3 x 64 bytes a row) drawn on the executors ({@code ShardedModel.fromJson}, {@code MEMORY_AND_DISK_SER}),
 *       trained for {@code ROUNDS} rounds on {@code ROWS} ratings of users drawn from the whole table and 1,000
 *       items, in {@code local[2]}, then saved from the shards ({@code ShardedModel.save}, to a temporary file):
 *       run it with a heap smaller than the table to show it never has to fit.</li>
 * </ul>
 */
public final class SparkRun {
    private SparkRun() {
    }

    private static final StructType IDS = new StructType().add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false).add("rating", DataTypes.FloatType, false);

    /** Runs one of the measurements; prints a few lines of results. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SparkRun scoring ROWS | round ROWS | large TABLE_ROWS ROWS ROUNDS");
            System.exit(2);
        }
        switch (args[0]) {
            case "scoring" -> scoring(Integer.parseInt(args[1]));
            case "round" -> round(Integer.parseInt(args[1]));
            case "large" -> large(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("unknown measurement " + args[0]);
                System.exit(2);
            }
        }
    }

    static SparkSession session(int threads) {
        return TensorkitSpark.localSession("SparkRun", threads);
    }

    private record Ratings(int[] users, int[] items, float[] ratings) {
        /**
         * The ratings as a Dataset read from an RDD, as a cluster's data would be. Not {@code createDataFrame} of a
         * driver-side list: that holds the rows in the query plan (a {@code LocalRelation}), and every query over it,
         * even once it is cached, then costs the driver 180 ns a row to plan and about 350 in all (measured on
         * 1,000,000 rows), which a benchmark would count against Spark.
         */
        Dataset<Row> frame(SparkSession spark, int partitions) {
            List<Row> rows = new ArrayList<>(users.length);
            for (int k = 0; k < users.length; k++) {
                rows.add(RowFactory.create(users[k], items[k], ratings[k]));
            }
            return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1),
                    IDS).repartition(partitions);
        }
    }

    /** Ratings of {@code users x items} with a rank-2 structure plus noise, as the example's synthetic set. */
    private static Ratings ratings(int n, int users, int items, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] u = new int[n];
        int[] i = new int[n];
        float[] r = new float[n];
        for (int k = 0; k < n; k++) {
            u[k] = 1 + rng.nextInt(users);
            i[k] = 1 + rng.nextInt(items);
            double s = Math.sin(u[k] * 0.37) * Math.cos(i[k] * 0.11) + Math.cos(u[k] * 0.21) * Math.sin(i[k] * 0.53);
            r[k] = (float) Math.max(1, Math.min(5, 3.5 + 1.2 * s + rng.nextGaussian() * 0.3));
        }
        return new Ratings(u, i, r);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Timed runs of each scoring measurement (after one untimed): single jobs of a second vary by a third here. */
    private static final int SCORING_RUNS = 9;

    private static void scoring(int n) throws IOException {
        Ratings data = ratings(n, 943, 1682, 1);
        Model model = MovieLensRecommender.dotModel(943, 1682, 42);
        Path file = Files.createTempFile("spark-run-", ".keras");
        model.save(file);
        byte[] saved = Files.readAllBytes(file);
        Files.delete(file);
        List<Tensor> x = List.of(Tensor.of(data.users()), Tensor.of(data.items()));
        double[] single = new double[SCORING_RUNS];
        for (int k = 0; k <= SCORING_RUNS; k++) {
            long t = System.nanoTime();
            try (Tensor p = model.predict(x, 1024).get(0)) {
                p.toFloatArray();
            }
            if (k > 0) {
                single[k - 1] = (System.nanoTime() - t) / 1e9;
            }
        }
        System.out.printf(Locale.ROOT, "single-machine predict: %,.0f rows/s%n", n / median(single));
        // what each partition runs: a Predictor over batches of 1,024 rows
        double[] pooled = new double[SCORING_RUNS];
        for (int k = 0; k <= SCORING_RUNS; k++) {
            long t = System.nanoTime();
            try (Predictor p = model.predictor()) {
                for (int s = 0; s < n; s += 1024) {
                    int e = Math.min(n, s + 1024);
                    try (Tensor u = Tensor.of(Arrays.copyOfRange(data.users(), s, e));
                         Tensor i = Tensor.of(Arrays.copyOfRange(data.items(), s, e))) {
                        p.predict(List.of(u, i)).get(0).toFloatArray();
                    }
                }
            }
            if (k > 0) {
                pooled[k - 1] = (System.nanoTime() - t) / 1e9;
            }
        }
        System.out.printf(Locale.ROOT, "single-machine Predictor, batches of 1,024 (what a partition runs): %,.0f "
                + "rows/s%n", n / median(pooled));
        for (int threads : new int[] {1, 2}) {
            SparkSession spark = session(threads);
            Dataset<Row> frame = data.frame(spark, threads).cache();
            frame.count();
            double[] times = new double[SCORING_RUNS];
            for (int k = 0; k <= SCORING_RUNS; k++) {
                long t = System.nanoTime();
                TensorkitSpark.predict(frame, saved, List.of("user", "item"), "prediction", 1024)
                        .agg(functions.sum("prediction")).first();
                if (k > 0) {
                    times[k - 1] = (System.nanoTime() - t) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "local[%d] TensorkitSpark.predict: %,.0f rows/s (%.2fx single-machine "
                    + "predict's time, %.2fx the Predictor's)%n", threads, n / median(times),
                    median(times) / median(single), median(times) / median(pooled));
            // Spark's own share: the same rows through mapPartitions, each given a constant column
            StructType out = frame.schema().add("prediction", DataTypes.FloatType, false);
            double[] floor = new double[SCORING_RUNS];
            for (int k = 0; k <= SCORING_RUNS; k++) {
                long t = System.nanoTime();
                frame.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it ->
                        new java.util.Iterator<Row>() {
                            @Override
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            @Override
                            public Row next() {
                                Row r = it.next();
                                return RowFactory.create(r.get(0), r.get(1), r.get(2), 1f);
                            }
                        }, org.apache.spark.sql.Encoders.row(out)).agg(functions.sum("prediction")).first();
                if (k > 0) {
                    floor[k - 1] = (System.nanoTime() - t) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "local[%d] the same rows through mapPartitions alone (Spark's Row round "
                    + "trip, no model): %,.0f rows/s (%.2fx single-machine predict's time)%n", threads,
                    n / median(floor), median(floor) / median(single));
            frame.unpersist();
            spark.stop();
        }
    }

    private static void round(int n) {
        Ratings data = ratings(n, 943, 1682, 2);
        Model alone = MovieLensRecommender.dotModel(943, 1682, 42);
        alone.compile(Adam.create(), Losses.mae());
        List<Tensor> x = List.of(Tensor.of(data.users()), Tensor.of(data.items()));
        double[] epochs = new double[5];
        for (int k = 0; k < 6; k++) {
            long t = System.nanoTime();
            alone.fit(x, Tensor.of(data.ratings()), FitOptions.builder().batchSize(64).seed(k)
                    .verbose(Verbosity.SILENT).build());
            if (k > 0) {
                epochs[k - 1] = (System.nanoTime() - t) / 1e9;
            }
        }
        SparkSession spark = session(2);
        Model model = MovieLensRecommender.dotModel(943, 1682, 42);
        model.compile(Adam.create(), Losses.mae());
        Dataset<Row> frame = data.frame(spark, 2).cache();
        frame.count();
        try (ShardedModel sharded = ShardedModel.of(spark, model, 2)) {
            sharded.fit(frame, List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(64).rounds(6)
                    .seed(1).build());
            List<Round> rounds = sharded.rounds();
            double[] times = rounds.subList(1, 6).stream().mapToDouble(Round::seconds).toArray();
            Round last = rounds.get(5);
            long tableBytes = (944L + 1683L) * (8 + 3 * 64 * 4);
            System.out.printf(Locale.ROOT, "single-machine epoch (%d rows, batch 64): %.3f s%n", n, median(epochs));
            System.out.printf(Locale.ROOT, "local[2] round (2 partitions, %d steps each): %.3f s (%.2fx the epoch)%n",
                    last.steps(), median(times), median(times) / median(epochs));
            System.out.printf(Locale.ROOT, "a round ships %,d rows (%.2f MB) and gets back %,d (%.2f MB); the "
                            + "tables with Adam's moments: %.2f MB (%d rows)%n", last.rowsShipped(),
                    last.bytesShipped() / 1e6, last.rowsReturned(), last.bytesReturned() / 1e6, tableBytes / 1e6,
                    944 + 1683);
        }
        frame.unpersist();
        spark.stop();
    }

    private static void large(long tableRows, int n, int roundCount) throws IOException {
        SparkSession spark = session(2);
        // drawn on the executors (a list of a million rows on the driver would not fit a heap this small)
        Dataset<Row> frame = spark.range(0, n, 1, 16).select(
                functions.pmod(functions.xxhash64(functions.col("id"), functions.lit(1)), functions.lit(tableRows))
                        .as("user"),
                functions.pmod(functions.xxhash64(functions.col("id"), functions.lit(2)), functions.lit(1000))
                        .cast(DataTypes.IntegerType).as("item"))
                .withColumn("rating", functions.lit(3).plus(functions.pmod(functions.col("user").multiply(7)
                        .plus(functions.col("item")), functions.lit(5)).minus(2).multiply(0.5))
                        .cast(DataTypes.FloatType));
        // the model's description: built small (Embedding of 1 row), its JSON given the real size
        Model small = MovieLensRecommender.dotModel(0, 999, 42);
        small.compile(Adam.create(), Losses.mse());
        String json = small.toJson().replaceFirst("\"input_dim\":1,", "\"input_dim\":" + tableRows + ",")
                .replaceAll("\"output_dim\":64", "\"output_dim\":16");
        long start = System.nanoTime();
        try (ShardedModel sharded = ShardedModel.fromJson(spark, json, 256, StorageLevel.MEMORY_AND_DISK_SER())) {
            System.out.printf(Locale.ROOT, "table of %,d x 16 (%.0f MB, %.0f MB with Adam's moments) drawn on the "
                            + "executors in %.1f s; heap: %d MB%n", tableRows, tableRows * 64 / 1e6,
                    tableRows * 192 / 1e6, (System.nanoTime() - start) / 1e9,
                    Runtime.getRuntime().maxMemory() >> 20);
            sharded.fit(frame, List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(256)
                    .rounds(roundCount).seed(1).storageLevel(StorageLevel.MEMORY_AND_DISK_SER()).output(System.out)
                    .build());
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tensorkit-spark-save");
            java.nio.file.Path file = dir.resolve("large.keras");
            long saving = System.nanoTime();
            sharded.save(file);
            System.out.printf(Locale.ROOT, "saved from the shards to a .keras of %.0f MB in %.1f s (heap %d MB)%n",
                    java.nio.file.Files.size(file) / 1e6, (System.nanoTime() - saving) / 1e9,
                    Runtime.getRuntime().maxMemory() >> 20);
            java.nio.file.Files.delete(file);
            java.nio.file.Files.delete(dir);
        }
        spark.stop();
    }
}
