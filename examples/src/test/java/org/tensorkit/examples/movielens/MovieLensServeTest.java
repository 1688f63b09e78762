package org.tensorkit.examples.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;

/** Train and save with MovieLensRecommender, then answer from the file with MovieLensServe: the same answers. */
class MovieLensServeTest {
    @Test
    void theSavedRecommenderAnswersAsTheTrainedOne(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("ml");
        SyntheticRatings.write(data, 60, 100, 2_000, 2, 0.1, 5);
        Path saved = dir.resolve("recommender.keras");
        ByteArrayOutputStream trainOut = new ByteArrayOutputStream();
        MovieLensRecommender.Result trained = MovieLensRecommender.run(MovieLens.load(data),
                MovieLensRecommender.Options.parse("--data", data.toString(), "--epochs", "2", "--similar-to", "7",
                        "--plot", dir.resolve("loss.png").toString(), "--verbose", "0", "--save", saved.toString()),
                new PrintStream(trainOut, true, StandardCharsets.UTF_8));
        assertTrue(trainOut.toString(StandardCharsets.UTF_8).contains("Model saved: "));

        ByteArrayOutputStream serveOut = new ByteArrayOutputStream();
        List<Float> ratings = MovieLensServe.run(MovieLensServe.Options.parse("--model", saved.toString(),
                "--data", data.toString(), "--similar-to", "7", "--rate", "3:7", "--rate", "10:20"),
                new PrintStream(serveOut, true, StandardCharsets.UTF_8));
        String out = serveOut.toString(StandardCharsets.UTF_8);

        float[] expected = trained.model().predict(List.of(Tensor.of(new int[][] {{3}, {10}}),
                Tensor.of(new int[][] {{7}, {20}}))).get(0).toFloatArray();
        assertEquals(List.of(expected[0], expected[1]), ratings, "bit for bit");
        // the neighbours are the trained model's
        String title = trained.similar().get(0).title();
        assertTrue(out.contains("Movies most similar to " + MovieLens.load(data).titles().get(7) + ":"), out);
        assertTrue(out.contains(title), out);
    }

    @Test
    void badCommandLinesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MovieLensServe.Options.parse());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MovieLensServe.Options.parse("--model", "m.keras", "--rate", "3-7"));
        assertTrue(e.getMessage().contains("USER:ITEM"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MovieLensRecommender.Options.parse("--save",
                "model.h5")).getMessage().contains("--save must name a .keras file"));
    }

    @Test
    void aModelOfOtherInputsIsRefusedByName(@TempDir Path dir) throws Exception {
        org.tensorkit.layers.SymbolicTensor a = org.tensorkit.layers.Input.shape(1);
        org.tensorkit.layers.SymbolicTensor b = org.tensorkit.layers.Input.shape(1);
        org.tensorkit.layers.SymbolicTensor c = org.tensorkit.layers.Input.shape(1);
        org.tensorkit.models.Model three = org.tensorkit.models.Model.builder().inputs(a, b, c)
                .outputs(org.tensorkit.layers.Concatenate.create().call(a, b, c)).build();
        Path file = dir.resolve("three.keras");
        three.save(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MovieLensServe.run(
                MovieLensServe.Options.parse("--model", file.toString()), System.out));
        assertTrue(e.getMessage().contains("MovieLensServe answers from the dot and deep models (two id inputs); "
                + "this model has 3 inputs"), e.getMessage());
    }
}
