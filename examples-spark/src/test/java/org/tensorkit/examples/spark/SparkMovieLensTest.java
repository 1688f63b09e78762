package org.tensorkit.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;
import org.tensorkit.core.neighbours.Neighbours;
import org.tensorkit.examples.movielens.MovieLens;
import org.tensorkit.examples.movielens.SyntheticRatings;
import org.tensorkit.spark.Round;

/** SparkMovieLens on a small synthetic MovieLens, in local[2]. */
class SparkMovieLensTest {
    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkMovieLens.session(2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void trainsOnSparkComparesWithOneMachineAndAlsAndWritesEveryUsersTopTen() throws IOException {
        Path data = dir.resolve("ml");
        java.nio.file.Files.createDirectories(data);
        SyntheticRatings.write(data, 120, 200, 6000, 2, 0.1, 3);
        MovieLens movies = MovieLens.load(data);
        Path out = dir.resolve("recs");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SparkMovieLens.Result r = SparkMovieLens.run(spark, movies, SparkMovieLens.Options.parse("--rounds", "8",
                "--epochs", "4", "--learning-rate", "0.01", "--output", out.toString(), "--seed", "5"), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        double mean = meanPredictorMae(movies);
        assertTrue(r.sparkMae() < mean, "beats the mean predictor " + mean + ": " + text);
        assertTrue(r.alsMae() < mean && r.alsRows() > 0, text);
        assertTrue(r.singleMachineMae() < mean, text);
        assertEquals(8, r.history().epochs());
        assertEquals(8, r.rounds().size());
        for (Round round : r.rounds()) {
            // each of 2 partitions needs at most all 121 user rows and 201 item rows
            assertTrue(round.rowsShipped() <= 2 * (121 + 201), round.toString());
            assertEquals(4800, round.samples());
        }
        assertTrue(text.contains("Round 8/8 - ") && text.contains("Test MAE, MLlib ALS (rank 10"), text);

        // the written top 10s are the trained tables' own: one JVM's search over the same rows
        Tensor users = r.model().getLayer("user_embedding").getWeights().get(0);
        Tensor items = r.model().getLayer("item_embedding").getWeights().get(0);
        Neighbours search = Neighbours.of(items, Metric.DOT);
        float[] userRows = users.toFloatArray();
        int width = (int) users.shape().dim(1);
        List<Row> written = spark.read().json(out.toString()).collectAsList();
        Set<Long> seen = new HashSet<>();
        for (Row row : written) {
            long user = row.getLong(row.fieldIndex("user"));
            assertTrue(seen.add(user), "one row per user");
            List<Row> recs = row.getList(row.fieldIndex("recommendations"));
            assertEquals(10, recs.size());
            Nearest nearest = search.nearestToVectors(Tensor.of(java.util.Arrays.copyOfRange(userRows,
                    (int) user * width, ((int) user + 1) * width)), 11);
            int[] ids = java.util.Arrays.stream(nearest.ids(0)).filter(id -> id != 0).limit(10).toArray();
            for (int k = 0; k < 10; k++) {
                assertEquals(ids[k], recs.get(k).getLong(recs.get(k).fieldIndex("item")), "user " + user + " #" + k);
            }
        }
        assertEquals(120, seen.size(), "every user of the training rows");
    }

    private static double meanPredictorMae(MovieLens movies) {
        MovieLens.Split split = movies.split(0.2, 5);
        double mean = split.train().meanRating();
        double sum = 0;
        for (float y : split.test().ratings()) {
            sum += Math.abs(y - mean);
        }
        return sum / split.test().size();
    }

    @Test
    void badCommandLinesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMovieLens.Options.parse("--local", "0"))
                .getMessage().startsWith("--local must be at least 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMovieLens.Options.parse("--rounds", "x"))
                .getMessage().startsWith("Invalid value for option '--rounds': 'x' is not an int"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMovieLens.Options.parse(
                "--learning-rate", "0")).getMessage().startsWith("--learning-rate must be a finite number > 0, got 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMovieLens.Options.parse("--als-reg",
                "-1")).getMessage().startsWith("--als-reg must be >= 0, got -1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMovieLens.Options.parse("--row-update",
                "median")).getMessage().contains("--row-update"));
        assertTrue(SparkMovieLens.Options.parse("--help").help().orElseThrow().contains("--rounds=N"));
    }
}
