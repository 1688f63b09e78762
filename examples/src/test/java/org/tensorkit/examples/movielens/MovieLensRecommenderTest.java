package org.tensorkit.examples.movielens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.layers.Embedding;
import org.tensorkit.models.training.Verbosity;

/** The recommender end to end on a small synthetic MovieLens-format data set. */
class MovieLensRecommenderTest {
    @org.junit.jupiter.api.BeforeEach
    void resetNames() {
        org.tensorkit.layers.Names.reset(); // each run names its layers from the start, as a fresh program does
    }

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private static MovieLensRecommender.Result run(Path dir, String model, int epochs, ByteArrayOutputStream bytes,
                                                   String... more) throws Exception {
        Path data = dir.resolve("ml");
        SyntheticRatings.write(data, 200, 300, 20_000, 2, 0.1, 5);
        List<String> args = new java.util.ArrayList<>(List.of("--data", data.toString(),
                "--model", model, "--epochs", Integer.toString(epochs), "--similar-to", "7",
                "--plot", dir.resolve("loss.png").toString(), "--seed", "3", "--verbose", "2"));
        args.addAll(List.of(more));
        MovieLensRecommender.Options o = MovieLensRecommender.Options.parse(args.toArray(String[]::new));
        return MovieLensRecommender.run(MovieLens.load(data), o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    @Test
    void theDotModelLearnsTheRatingsAndFindsNeighbours(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MovieLensRecommender.Result r = run(dir, "dot", 15, bytes);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(r.testMae() < 0.6 * r.meanPredictorMae(),
                "test MAE " + r.testMae() + " should be far below the mean predictor's " + r.meanPredictorMae());
        assertTrue(r.history().last("val_loss") < r.history().get("val_loss").get(0), out);
        assertEquals(List.of("loss", "val_loss"), List.copyOf(r.history().history().keySet()));

        assertEquals(10, r.similar().size());
        assertTrue(r.similar().stream().noneMatch(s -> s.itemId() == 7), "the query is not its own neighbour");
        assertEquals(10, r.similar().stream().map(MovieLensRecommender.Similar::itemId).distinct().count());
        for (int k = 1; k < 10; k++) {
            assertTrue(r.similar().get(k - 1).similarity() >= r.similar().get(k).similarity(), "sorted");
        }

        byte[] png = Files.readAllBytes(r.plot());
        assertTrue(png.length > 1000, "a real image");
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));

        assertTrue(out.contains("Model: \"dot_model\""), out);
        assertTrue(out.contains("user_embedding (Embedding)") && out.contains("item_embedding (Embedding)"), out);
        assertTrue(out.contains("Epoch 15/15"), out);
        assertTrue(out.contains("Test MAE: "), out);
        assertTrue(out.contains("Movies most similar to Movie 7 ("), out);
    }

    @Test
    void theDeepModelTrainsAndHasTheLabsLayers(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MovieLensRecommender.Result r = run(dir, "deep", 6, bytes);
        String out = bytes.toString(StandardCharsets.UTF_8);
        // few epochs: the deep model (dropout 0.5 on its embeddings) gets to about the mean predictor's error; the
        // dot model's test above checks learning far past it
        List<Double> loss = r.history().get("loss");
        assertTrue(loss.get(loss.size() - 1) < 0.6 * loss.get(0), out);
        assertTrue(r.history().last("val_loss") < r.history().get("val_loss").get(0), out);
        for (String layer : List.of("concatenate (Concatenate)", "dropout (Dropout)", "dense (Dense)",
                "dense_1 (Dense)")) {
            assertTrue(out.contains(layer), layer + " in\n" + out);
        }
        assertEquals(64, ((Embedding) r.model().getLayer("item_embedding")).outputDim());
        assertEquals(301, ((Embedding) r.model().getLayer("item_embedding")).inputDim(), "max item id + 1");
    }

    @Test
    void theHybridModelReadsRawIdsAndItemFeaturesAndRecommendsUnratedMovies(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path saved = dir.resolve("hybrid.keras");
        Path projection = dir.resolve("items.png");
        MovieLensRecommender.Result r = run(dir, "hybrid", 20, bytes, "--recommend", "12", "--save", saved.toString(),
                "--projection", projection.toString());
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(r.testMae() < 0.6 * r.meanPredictorMae(),
                "test MAE " + r.testMae() + " should be below the mean predictor's " + r.meanPredictorMae() + "\n" + out);
        for (String layer : List.of("user_lookup (StringLookup)", "item_lookup (StringLookup)",
                "popularity_bins (Discretizatio", "year_normalization (Normalizati", // Keras cuts the column
                "genre_embedding (EmbedReduce)", "dense_2 (Dense)")) {
            assertTrue(out.contains(layer), layer + " in\n" + out);
        }
        assertEquals(10, r.similar().size());
        assertEquals(10, r.recommended().size());
        MovieLens data = MovieLens.load(dir.resolve("ml"));
        java.util.Set<Integer> rated = new java.util.HashSet<>();
        for (int k = 0; k < data.all().size(); k++) {
            if (data.all().userIds()[k] == 12) {
                rated.add(data.all().itemIds()[k]);
            }
        }
        for (int k = 0; k < 10; k++) {
            assertFalse(rated.contains(r.recommended().get(k).itemId()), "recommends only movies the user has not rated");
            assertTrue(k == 0 || r.recommended().get(k - 1).rating() >= r.recommended().get(k).rating(), "sorted");
        }
        assertTrue(out.contains("Top 10 movies for user 12 among those they have not rated:"), out);
        assertEquals(30, r.projection().size());       // the 30 most rated movies, most rated first, through the lookup
        for (int k = 1; k < 30; k++) {
            assertTrue(r.projection().get(k - 1).ratings() >= r.projection().get(k).ratings(), "by ratings");
        }
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(projection.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(900, image.getHeight());
        // the saved model maps raw ids itself: it predicts from strings as the trained one did
        org.tensorkit.models.Network loaded = org.tensorkit.models.Models.load(saved);
        Hybrid features = Hybrid.of(data, data.split(0.2, 3).train());
        List<org.tensorkit.core.Tensor> x = features.of(new int[] {12, 40, 7}, new int[] {5, 77, 300});
        assertArrayEquals(r.model().predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
    }

    @Test
    void recommendRefusesAUserWithoutRatings(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("ml");
        SyntheticRatings.write(data, 20, 30, 200, 2, 0.1, 5);
        MovieLens ml = MovieLens.load(data);
        org.tensorkit.models.Model model = MovieLensRecommender.dotModel(ml.maxUserId(), ml.maxItemId(), 1);
        MovieLensRecommender.Features ids = (u, i) -> List.of(org.tensorkit.core.Tensor.of(u),
                org.tensorkit.core.Tensor.of(i));
        assertEquals("--recommend 999: no user with that id has rated anything", assertThrows(
                IllegalArgumentException.class, () -> MovieLensRecommender.recommend(model, ids, ml, 999, 10))
                .getMessage());
        assertEquals(10, MovieLensRecommender.recommend(model, ids, ml, 3, 10).size());
    }

    @Test
    void genresAndYearsAreReadFromTheItems(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("ml");
        SyntheticRatings.write(data, 20, 30, 200, 2, 0.1, 5);
        MovieLens ml = MovieLens.load(data);
        assertEquals(30, ml.years().size());
        assertTrue(ml.years().values().stream().allMatch(y -> y >= 1930 && y <= 1998));
        assertTrue(ml.genres().values().stream().allMatch(g -> g.length >= 1 && g.length <= 3));
        assertEquals(1995, MovieLens.year("01-Jan-1995"));
        assertEquals(MovieLens.MISSING_YEAR, MovieLens.year(""));
        assertEquals(MovieLens.MISSING_YEAR, MovieLens.year("unknown"));
    }

    @Test
    void commandLine() {
        MovieLensRecommender.Options d = MovieLensRecommender.Options.parse();
        assertEquals("dot", d.model());
        assertEquals(10, d.epochs());
        assertEquals(64, d.batchSize());
        assertEquals(0.1, d.validationSplit());
        assertEquals(1, d.similarTo());
        assertEquals(Path.of("movielens-loss.png"), d.plot());
        assertEquals(Verbosity.AUTO, d.verbosity());
        assertFalse(d.synthetic());
        assertTrue(MovieLensRecommender.Options.parse("--synthetic").synthetic());
        assertEquals(Optional.empty(), d.help());
        assertTrue(MovieLensRecommender.Options.parse("--help").help().orElseThrow()
                .contains("--epochs=N"), "--help gives the usage");
        assertBad("Invalid value for option '--model': expected one of [dot, deep, hybrid] (case-sensitive) but was "
                + "'wide'",
                "--model", "wide");
        assertBad("Missing required parameter for option '--data' (DIR)", "--data");
        assertBad("Unknown options: '--bogus', '1'", "--bogus", "1");
        assertBad("Invalid value for option '--epochs': 'abc' is not an int", "--epochs", "abc");
        assertBad("--epochs must be at least 1, got 0", "--epochs", "0");
        assertBad("--verbose must be 0, 1 or 2, got 3", "--verbose", "3");
        assertEquals(Verbosity.PER_EPOCH, MovieLensRecommender.Options.parse("--verbose", "2").verbosity());
    }

    /** A bad command line: its message starts with picocli's (or tensorkit's) text, then the usage. */
    private static void assertBad(String message, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MovieLensRecommender.Options.parse(args));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        if (e.getCause() != null) {
            assertTrue(e.getMessage().contains("Usage: MovieLensRecommender"), e.getMessage());
        }
    }

    @Test
    void aFailedDownloadSaysWhatFailedEvenWithoutAMessage() {
        assertEquals("UnresolvedAddressException", MovieLensDownload.describe(
                new java.nio.channels.UnresolvedAddressException()));
        assertEquals("ConnectException: Connection refused",
                MovieLensDownload.describe(new java.net.ConnectException("Connection refused")));
    }
}
