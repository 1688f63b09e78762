package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Names;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.Sequential;
import org.tensorkit.models.optimizers.Adam;

/**
 * Files in the layouts Keras writes (made by {@code models/src/test/python/generate_keras_files.py} with h5py,
 * since Keras cannot run here): Keras 3.3 (dtype strings, empty {@code vars} groups, no name attributes), Keras
 * 3.6 (DTypePolicy objects, {@code ragged}, named inputs as a dict, a group written on Windows as
 * {@code layers\embedding_1}), Keras 3.12 (a Sequential with {@code optional} and {@code quantization_config},
 * int32 ids), Keras 3.6 with lookups (raw string and int64 keys, a learnt vocabulary in {@code assets/}) and tf.keras
 * 2.15 (legacy list-style nodes, {@code batch_input_shape},
 * {@code _layer_checkpoint_dependencies}); ids declared float32 by the input layers, as Keras users often do.
 * Each loads, predicts what numpy computed, and has the file's weights to the last bit.
 */
class KerasFixturesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private Path fixture(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = KerasFixturesTest.class.getResourceAsStream("/keras/" + name)) {
            Files.copy(in, file);
        }
        return file;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expected(String name) throws IOException {
        try (InputStream in = KerasFixturesTest.class.getResourceAsStream("/keras/" + name + ".expected.json")) {
            return Json.parse(in.readAllBytes(), name);
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ((Number) l.get(k)).floatValue();
        }
        return out;
    }

    private static int[][] column(Object list) {
        List<?> l = (List<?>) list;
        int[][] out = new int[l.size()][1];
        for (int k = 0; k < out.length; k++) {
            out[k][0] = ((Number) l.get(k)).intValue();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dot_keras33", "dot_keras36", "dot_tfkeras215"})
    void aFunctionalRecommenderFromKerasPredictsWhatNumpyComputed(String name) throws IOException {
        Map<String, Object> expected = expected(name);
        Network model = Models.load(fixture(name + ".keras"));
        assertInstanceOf(Model.class, model);
        assertEquals("recommender", model.name());
        assertEquals(List.of("user", "item"), model.inputs().stream().map(t -> t.layer().name()).toList());
        List<?> inputs = (List<?>) expected.get("inputs");
        Tensor out = model.predict(List.of(Tensor.of(column(inputs.get(0))), Tensor.of(column(inputs.get(1)))))
                .get(0);
        assertArrayEquals(new long[] {4, 1}, out.shape().toArray());
        assertArrayEquals(floats(expected.get("outputs")), out.toFloatArray(), 1e-6f);
        List<?> weights = (List<?>) expected.get("weights");
        for (int k = 0; k < weights.size(); k++) {
            assertArrayEquals(floats(weights.get(k)), model.getWeights().get(k).toFloatArray(), 0f, "weight " + k);
        }
        // and it saves back in tensorkit's (Keras 3.6) layout with everything intact
        Path again = dir.resolve(name + "-again.keras");
        model.save(again);
        Network reloaded = Models.load(again);
        assertEquals(model.summaryString(), reloaded.summaryString());
        KerasFilesTest.assertSameWeights(model, reloaded);
    }

    @Test
    void aCompiledKeras33FileResumesWithItsOptimizerState() throws IOException {
        Map<String, Object> expected = expected("dot_keras33");
        Path file = fixture("dot_keras33.keras");
        Network model = Models.load(file);
        assertTrue(model.isCompiled());
        Adam adam = assertInstanceOf(Adam.class, model.compiled().orElseThrow().optimizer());
        assertEquals(17, adam.iterations());
        assertEquals(0.001, adam.learningRate(), 1e-9);
        assertEquals("mse", model.compiled().orElseThrow().loss().name());
        assertEquals(List.of("mae"), model.compiled().orElseThrow().metrics().stream().map(m -> m.name()).toList());
        List<Tensor> state = adam.state(model.trainableWeights());
        List<?> saved = (List<?>) expected.get("optimizer_state");
        assertEquals(saved.size(), state.size());
        for (int k = 0; k < saved.size(); k++) {
            assertArrayEquals(floats(saved.get(k)), state.get(k).toFloatArray(), 0f, "optimizer state " + k);
        }
        // compile=false leaves training settings out, as Keras's load_model(compile=False)
        assertFalse(Models.load(file, false).isCompiled());
    }

    @Test
    void aKeras312SequentialWithAWindowsGroupNameLoads() throws IOException {
        Map<String, Object> expected = expected("stack_keras312");
        Network model = Models.load(fixture("stack_keras312.keras"));
        Sequential s = assertInstanceOf(Sequential.class, model);
        assertEquals(List.of("embedding", "flatten", "dense"), s.layers().stream().map(l -> l.name()).toList());
        int[][] x = threeByTwo(expected);
        assertArrayEquals(floats(expected.get("outputs")), model.predict(Tensor.of(x)).toFloatArray(), 1e-6f);
    }

    @Test
    void aTfKeras2WholeModelH5LoadsAndCompilesWithAFreshOptimizer() throws IOException {
        Map<String, Object> expected = expected("dot_tfkeras213");
        Network model = Models.load(fixture("dot_tfkeras213.h5"));
        assertInstanceOf(Model.class, model);
        List<?> inputs = (List<?>) expected.get("inputs");
        Tensor out = model.predict(List.of(Tensor.of(column(inputs.get(0))), Tensor.of(column(inputs.get(1)))))
                .get(0);
        assertArrayEquals(floats(expected.get("outputs")), out.toFloatArray(), 1e-6f);
        List<?> weights = (List<?>) expected.get("weights");
        for (int k = 0; k < weights.size(); k++) {
            assertArrayEquals(floats(weights.get(k)), model.getWeights().get(k).toFloatArray(), 0f, "weight " + k);
        }
        assertTrue(model.isCompiled());
        assertEquals(0, model.compiled().orElseThrow().optimizer().iterations(), "tf.keras 2's optimizer state is "
                + "not read");
        assertEquals("mse", model.compiled().orElseThrow().loss().name());
        // its weights also load into a model built in Java
        Names.reset();
        Network again = Models.load(fixture("dot_tfkeras215.keras"));
        again.loadWeights(dir.resolve("dot_tfkeras213.h5"));
        KerasFilesTest.assertSameWeights(model, again);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stack_tfkeras215", "stack_keras36_legacy"})
    void legacyH5SequentialsLoad(String name) throws IOException {
        Map<String, Object> expected = expected(name);
        Network model = Models.load(fixture(name + ".h5"));
        Sequential s = assertInstanceOf(Sequential.class, model);
        assertEquals(List.of("embedding", "flatten", "dense"), s.layers().stream().map(l -> l.name()).toList());
        int[][] x = threeByTwo(expected);
        assertArrayEquals(floats(expected.get("outputs")), model.predict(Tensor.of(x)).toFloatArray(), 1e-6f);
    }

    /** The Sequential fixtures' input: 3 rows of 2 ids. */
    private static int[][] threeByTwo(Map<String, Object> expected) {
        float[] flat = floats(((List<?>) expected.get("inputs")).get(0));
        int[][] x = new int[3][2];
        for (int k = 0; k < 6; k++) {
            x[k / 2][k % 2] = (int) flat[k];
        }
        return x;
    }

    @Test
    void legacyWeightsOfAnotherArchitectureAreRefusedWithKerassWords() throws IOException {
        Path file = fixture("dot_tfkeras213.h5"); // two layers with weights: embeddings of 12 and 9 rows
        Sequential three = Sequential.of(Embedding.builder().inputDim(12).outputDim(4).inputLength(1).build(),
                Flatten.create(), Dense.builder().units(2).build(), Dense.builder().units(1).build());
        List<Tensor> before = three.getWeights();
        IOException count = assertThrows(IOException.class, () -> three.loadWeights(file));
        assertTrue(count.getMessage().endsWith("dot_tfkeras213.h5: Layer count mismatch when loading weights from "
                + "file. Model expected 3 layers, found 2 saved layers."), count.getMessage());
        Sequential two = Sequential.of(Embedding.builder().inputDim(12).outputDim(4).inputLength(1).build(),
                Flatten.create(), Dense.builder().units(2).name("scores").build());
        IOException weights = assertThrows(IOException.class, () -> two.loadWeights(file));
        assertTrue(weights.getMessage().endsWith("layer #1 (scores) expects 2 weight(s); the file has 1"),
                weights.getMessage());
        for (int k = 0; k < before.size(); k++) {
            assertArrayEquals(before.get(k).toFloatArray(), three.getWeights().get(k).toFloatArray(), 0f,
                    "nothing set");
        }
    }

    @Test
    void aSoftLinkInTheWeightsIsRefused() throws IOException {
        Path file = fixture("dot_softlink.keras");
        IOException e = assertThrows(IOException.class, () -> Models.load(file));
        assertTrue(e.getMessage().contains("dot_softlink.keras") && e.getMessage().contains("link"), e.getMessage());
    }

    @Test
    void aKeras36ModelOfRawKeysMapsThemAsKerasDid() throws IOException {
        Path file = fixture("lookups_keras36.keras");
        Map<String, Object> expected = expected("lookups_keras36");
        Network model = Models.load(file);
        org.tensorkit.layers.preprocessing.StringLookup users =
                (org.tensorkit.layers.preprocessing.StringLookup) model.getLayer("string_lookup");
        assertEquals(expected.get("vocabulary"), users.getVocabulary()); // read from assets/, not the config
        List<?> keys = (List<?>) expected.get("users");
        List<?> ids = (List<?>) expected.get("movies");
        String[][] u = new String[keys.size()][1];
        long[][] m = new long[ids.size()][1];
        for (int k = 0; k < u.length; k++) {
            u[k][0] = (String) keys.get(k);
            m[k][0] = ((Number) ids.get(k)).longValue();
        }
        float[] out = model.predict(List.of(Tensor.of(u), Tensor.of(m))).get(0).toFloatArray();
        assertArrayEquals(floats(expected.get("outputs")), out, 1e-6f);
        // saved again by tensorkit, it keeps the same layout: the vocabulary among the assets
        Path again = dir.resolve("again.keras");
        model.save(again);
        assertEquals(new String(Zips.entries(file).get("assets/layers/string_lookup/vocabulary.txt")),
                new String(Zips.entries(again).get("assets/layers/string_lookup/vocabulary.txt")));
        assertArrayEquals(out, Models.load(again).predict(List.of(Tensor.of(u), Tensor.of(m))).get(0)
                .toFloatArray(), 0f);
    }
}
