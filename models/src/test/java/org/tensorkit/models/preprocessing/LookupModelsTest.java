package org.tensorkit.models.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.Discretization;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.layers.preprocessing.Normalization;
import org.tensorkit.layers.preprocessing.OutputMode;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.Sequential;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/** Lookup layers as the first layers of models: strings in, predictions out, trained, saved and loaded. */
class LookupModelsTest {
    private static final List<String> USERS = List.of("user_1", "user_2", "user_3", "user_4");
    private static final List<String> MOVIES = List.of("Toy Story (1995)", "GoldenEye (1995)", "Heat (1995)");

    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    /** A dot model over raw keys: user strings through a StringLookup, movie ids through an IntegerLookup. */
    static Model keyedModel(StringLookup users, IntegerLookup movies) {
        SymbolicTensor user = Input.builder().shape(1).dtype(DType.STRING).name("user").build();
        SymbolicTensor movie = Input.builder().shape(1).dtype(DType.INT64).name("movie").build();
        Embedding userTable = Embedding.builder().inputDim(users.vocabularySize()).outputDim(3).seed(1)
                .name("user_embedding").build();
        Embedding movieTable = Embedding.builder().inputDim(movies.vocabularySize()).outputDim(3).seed(2)
                .name("movie_embedding").build();
        SymbolicTensor u = Flatten.create().call(userTable.call(users.call(user)));
        SymbolicTensor m = Flatten.create().call(movieTable.call(movies.call(movie)));
        return Model.builder().inputs(user, movie).outputs(Dot.builder().axes(1).build().call(u, m))
                .name("keyed").build();
    }

    private static List<Tensor> data(int n, long seed) {
        Random rng = new Random(seed);
        String[][] users = new String[n][1];
        long[][] movies = new long[n][1];
        for (int k = 0; k < n; k++) {
            users[k][0] = k % 7 == 6 ? "stranger" : USERS.get(rng.nextInt(USERS.size()));
            movies[k][0] = 100 + rng.nextInt(4); // 103 is not in the vocabulary
        }
        return List.of(Tensor.of(users), Tensor.of(movies));
    }

    private static Tensor targets(int n) {
        float[] y = new float[n];
        for (int k = 0; k < n; k++) {
            y[k] = k % 5;
        }
        return Tensor.of(y);
    }

    @Test
    void predictsFromRawKeysAsFromTheirIndices() {
        StringLookup users = StringLookup.builder().vocabulary(USERS).name("user_lookup").build();
        IntegerLookup movies = IntegerLookup.builder().vocabulary(List.of(100L, 101L, 102L)).name("movie_lookup")
                .build();
        Model model = keyedModel(users, movies);
        List<Tensor> x = data(40, 3);
        float[] byKeys = model.predict(x, 16).get(0).toFloatArray();
        // the same model over the indices the lookups give
        Tensor userIds = users.call(x.get(0));
        Tensor movieIds = movies.call(x.get(1));
        float[] u = model.getLayer("user_embedding").getWeights().get(0).take(userIds.reshape(-1)).toFloatArray();
        float[] m = model.getLayer("movie_embedding").getWeights().get(0).take(movieIds.reshape(-1)).toFloatArray();
        for (int k = 0; k < 40; k++) {
            float dot = 0;
            for (int d = 0; d < 3; d++) {
                dot += u[3 * k + d] * m[3 * k + d];
            }
            assertEquals(dot, byKeys[k], 1e-6f, "row " + k);
        }
        assertEquals("""
                Model: "keyed"
                __________________________________________________________________________________________________
                Layer (type)                    Output Shape         Param #     Connected to                    \s
                ==================================================================================================
                user (InputLayer)               [(None, 1)]          0                                           \s
                __________________________________________________________________________________________________
                movie (InputLayer)              [(None, 1)]          0                                           \s
                __________________________________________________________________________________________________
                user_lookup (StringLookup)      (None, 1)            0           user[0][0]                      \s
                __________________________________________________________________________________________________
                movie_lookup (IntegerLookup)    (None, 1)            0           movie[0][0]                     \s
                __________________________________________________________________________________________________
                user_embedding (Embedding)      (None, 1, 3)         15          user_lookup[0][0]               \s
                __________________________________________________________________________________________________
                movie_embedding (Embedding)     (None, 1, 3)         12          movie_lookup[0][0]              \s
                __________________________________________________________________________________________________
                flatten (Flatten)               (None, 3)            0           user_embedding[0][0]            \s
                __________________________________________________________________________________________________
                flatten_1 (Flatten)             (None, 3)            0           movie_embedding[0][0]           \s
                __________________________________________________________________________________________________
                dot (Dot)                       (None, 1)            0           flatten[0][0]                   \s
                                                                                 flatten_1[0][0]                 \s
                ==================================================================================================
                Total params: 27
                Trainable params: 27
                Non-trainable params: 0
                __________________________________________________________________________________________________
                """, model.summaryString());
    }

    @Test
    void trainsOnRawKeys() {
        Model model = keyedModel(StringLookup.builder().vocabulary(USERS).build(),
                IntegerLookup.builder().vocabulary(List.of(100L, 101L, 102L)).build());
        model.compile(Adam.builder().learningRate(0.05).build(), Losses.mse());
        History h = model.fit(data(64, 5), targets(64), FitOptions.builder().batchSize(16).epochs(20).seed(3)
                .verbose(Verbosity.SILENT).build());
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(loss.size() - 1) < 0.8 * loss.get(0), loss.toString());
    }

    @Test
    void aSequentialStartingWithALookupBuildsForStringData() {
        StringLookup lookup = StringLookup.builder().vocabulary(USERS).build();
        Sequential model = Sequential.of(lookup, Embedding.builder().inputDim(5).outputDim(2).seed(4).build(),
                Flatten.create(), Dense.builder().units(1).build());
        Tensor out = model.predict(new String[][] {{"user_3"}, {"nobody"}});
        assertEquals(2, out.shape().dim(0));
        assertEquals(DType.STRING, model.inputs().get(0).dtype());
    }

    @Test
    void anInvertedLookupOutputsStringsAcrossBatches() {
        SymbolicTensor ids = Input.builder().shape(2).dtype(DType.INT64).name("ids").build();
        Model model = Model.of(ids, StringLookup.builder().vocabulary(USERS).invert(true).build().call(ids));
        long[][] x = new long[70][2];
        for (int k = 0; k < 70; k++) {
            x[k][0] = k % 6;
            x[k][1] = 1;
        }
        Tensor out = model.predict(Tensor.of(x));
        assertEquals(DType.STRING, out.dtype());
        String[] s = out.toStringArray();
        assertEquals(140, s.length);
        assertEquals("[UNK]", s[0]);
        assertEquals("user_3", s[2 * 3]);
        assertEquals("[UNK]", s[2 * 5]);
        assertEquals("user_1", s[139]);
    }

    @Test
    void stringsAndNumbersDoNotConvertIntoEachOther() {
        Model model = keyedModel(StringLookup.builder().vocabulary(USERS).build(),
                IntegerLookup.builder().vocabulary(List.of(100L)).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(List.of(
                Tensor.of(new int[][] {{1}}), Tensor.of(new long[][] {{100}}))));
        assertEquals("predict: input 0 (\"user\") is declared string but received int32 data; strings and numbers "
                + "do not convert into each other (a StringLookup maps keys to ids)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.predict(List.of(
                Tensor.of(new String[][] {{"user_1"}}), Tensor.of(new String[][] {{"100"}}))));
        assertTrue(e.getMessage().startsWith("predict: input 1 (\"movie\") is declared int64 but received string"),
                e.getMessage());
    }

    @Test
    void aGivenVocabularyTravelsInTheConfigAndALearntOneInTheAssets() throws IOException {
        StringLookup users = StringLookup.create();
        users.adapt(Tensor.of("user_2", "user_1", "user_2", "user_4", "user_3", "user_3", "user_3"));
        IntegerLookup movies = IntegerLookup.builder().vocabulary(List.of(100L, 101L, 102L)).numOovIndices(2).build();
        Model model = keyedModel(users, movies);
        model.compile(Adam.create(), Losses.mse());
        model.fit(data(32, 1), targets(32), FitOptions.builder().batchSize(8).epochs(1).seed(1)
                .verbose(Verbosity.SILENT).build());
        Path file = dir.resolve("keyed.keras");
        model.save(file);

        Map<String, byte[]> entries = entries(file);
        assertArrayEquals("[UNK]\nuser_3\nuser_2\nuser_4\nuser_1".getBytes(StandardCharsets.UTF_8),
                entries.get("assets/layers/string_lookup/vocabulary.txt"));
        assertFalse(entries.containsKey("assets/layers/integer_lookup/vocabulary.txt"));
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains("\"vocabulary\":[100,101,102]"), config);

        Network loaded = Models.load(file);
        assertEquals(model.summaryString(), loaded.summaryString());
        List<Tensor> x = data(50, 9);
        assertArrayEquals(model.predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
        StringLookup loadedUsers = (StringLookup) loaded.getLayer(users.name());
        assertEquals(users.getVocabulary(), loadedUsers.getVocabulary());
    }

    @Test
    void aModelWhoseLearntVocabularyIsMissingDoesNotLoad() throws IOException {
        StringLookup users = StringLookup.create();
        users.adapt(Tensor.of("user_1", "user_2"));
        SymbolicTensor in = Input.builder().shape(1).dtype(DType.STRING).build();
        Model model = Model.of(in, users.call(in));
        Path file = dir.resolve("lookup.keras");
        model.save(file);
        Map<String, byte[]> entries = entries(file);
        entries.remove("assets/layers/string_lookup/vocabulary.txt");
        Path broken = dir.resolve("broken.keras");
        java.nio.file.Files.write(broken, org.tensorkit.models.saving.Zips.zip(entries, ZipEntry.STORED));
        IOException e = assertThrows(IOException.class, () -> Models.load(broken));
        assertTrue(e.getMessage().contains("assets/layers/string_lookup: StringLookup \"string_lookup\": the config "
                + "declares a vocabulary of 3 but there is no vocabulary.txt among its assets"), e.getMessage());
        entries.put("assets/layers/string_lookup/vocabulary.txt", "[UNK]\nuser_1".getBytes(StandardCharsets.UTF_8));
        java.nio.file.Files.write(broken, org.tensorkit.models.saving.Zips.zip(entries, ZipEntry.STORED));
        e = assertThrows(IOException.class, () -> Models.load(broken));
        assertTrue(e.getMessage().endsWith("vocabulary.txt gives a vocabulary of 2, the config declares 3"),
                e.getMessage());
    }

    @Test
    void multiHotLookupsLoadWithTheirDepthBeforeTheirAssets() throws IOException {
        StringLookup genres = StringLookup.builder().outputMode(OutputMode.MULTI_HOT).build();
        genres.adapt(Tensor.of(new String[][] {{"Comedy", "Drama"}, {"Drama", "Horror"}}));
        SymbolicTensor in = Input.builder().shape(2).dtype(DType.STRING).build();
        Model model = Model.of(in, Dense.builder().units(2).seed(1).build().call(genres.call(in)));
        Path file = dir.resolve("genres.keras");
        model.save(file);
        Network loaded = Models.load(file);
        Tensor x = Tensor.of(new String[][] {{"Horror", "Comedy"}, {"Western", "Drama"}});
        assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
    }

    @Test
    void anAdaptedTfIdfLookupKeepsItsIdfWeightsAsKerasDoes() throws IOException {
        StringLookup words = StringLookup.builder().outputMode(OutputMode.TF_IDF).build();
        words.adapt(Tensor.of(new String[][] {{"a", "a", "b"}, {"b", "c", "c"}, {"a", "d", "d"}}));
        SymbolicTensor in = Input.builder().shape(3).dtype(DType.STRING).build();
        Model model = Model.of(in, Dense.builder().units(1).seed(3).build().call(words.call(in)));
        Path file = dir.resolve("tfidf.keras");
        model.save(file);
        Map<String, byte[]> entries = entries(file);
        assertTrue(entries.containsKey("assets/layers/string_lookup/vocabulary.txt"));
        Path h5 = dir.resolve("w.h5");
        java.nio.file.Files.write(h5, entries.get("model.weights.h5"));
        try (io.jhdf.HdfFile f = new io.jhdf.HdfFile(h5)) {
            io.jhdf.api.Dataset idf = f.getDatasetByPath("/layers/string_lookup/vars/idf_weights");
            assertArrayEquals(words.idfWeights(), (float[]) idf.getData()); // Keras's save_own_variables path
        }
        Network loaded = Models.load(file);
        Tensor x = Tensor.of(new String[][] {{"a", "b", "z"}, {"d", "d", "c"}});
        assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
        assertArrayEquals(words.idfWeights(), ((StringLookup) loaded.getLayer(words.name())).idfWeights());

        // loadWeights of the weights alone restores the idf weights into the live vocabulary
        Path weights = dir.resolve("tfidf.weights.h5");
        model.saveWeights(weights);
        float[] learnt = words.idfWeights();
        words.setVocabulary(words.getVocabulary(), new float[] {9, 9, 9, 9, 9});
        model.loadWeights(weights);
        assertArrayEquals(learnt, words.idfWeights());
    }

    @Test
    void theReadmeExampleRunsAsWritten() throws IOException {
        SymbolicTensor user = Input.builder().shape(1).dtype(DType.STRING).name("user").build();
        StringLookup users = StringLookup.create();
        users.adapt(Tensor.of("user_2", "user_1", "user_2"));
        assertEquals(List.of("[UNK]", "user_2", "user_1"), users.getVocabulary());
        SymbolicTensor rows = Embedding.builder().inputDim(users.vocabularySize()).outputDim(8).build()
                .call(users.call(user));
        Model model = Model.of(user, Dense.builder().units(1).build().call(Flatten.create().call(rows)));
        Tensor out = model.predict(new String[][] {{"user_1"}, {"never_seen"}});
        assertEquals(org.tensorkit.core.Shape.of(2, 1), out.shape());
        model.save(dir.resolve("m.keras"));
        assertTrue(entries(dir.resolve("m.keras")).containsKey("assets/layers/string_lookup/vocabulary.txt"));
    }

    @Test
    void numericPreprocessingTrainsSavesAndLoads() throws IOException {
        Random rng = new Random(3);
        float[][] years = new float[64][1];
        float[][] counts = new float[64][1];
        float[] y = new float[64];
        for (int k = 0; k < 64; k++) {
            years[k][0] = 1930 + rng.nextInt(70);
            counts[k][0] = rng.nextInt(500);
            y[k] = (years[k][0] - 1960) / 20f + (counts[k][0] > 250 ? 1 : 0);
        }
        Normalization yearNorm = Normalization.builder().name("year_norm").build();
        yearNorm.adapt(Tensor.of(years));
        Discretization popBins = Discretization.builder().numBins(4).outputMode(OutputMode.ONE_HOT)
                .name("popularity_bins").build();
        popBins.adapt(Tensor.of(counts));
        SymbolicTensor year = Input.builder().shape(1).name("year").build();
        SymbolicTensor pop = Input.builder().shape(1).name("popularity").build();
        SymbolicTensor features = org.tensorkit.layers.Concatenate.create().call(yearNorm.call(year),
                popBins.call(pop));
        Model model = Model.builder().inputs(year, pop).outputs(Dense.builder().units(1).seed(2).build()
                .call(features)).name("tabular").build();
        assertEquals(3, model.nonTrainableWeights().size()); // the normalization's mean, variance and count
        model.compile(Adam.builder().learningRate(0.05).build(), Losses.mse());
        List<Tensor> x = List.of(Tensor.of(years), Tensor.of(counts));
        History h = model.fit(x, Tensor.of(y), FitOptions.builder().batchSize(16).epochs(30).seed(1)
                .verbose(Verbosity.SILENT).build());
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), loss.toString());
        Path file = dir.resolve("tabular.keras");
        model.save(file);
        Network loaded = Models.load(file);
        assertEquals(model.summaryString(), loaded.summaryString());
        assertArrayEquals(model.predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
        assertArrayEquals(popBins.binBoundaries(), ((Discretization) loaded.getLayer("popularity_bins"))
                .binBoundaries());
    }

    @Test
    void aBagOfGenreStringsPoolsThroughALookupAndEmbedReduce() throws IOException {
        String[][] genres = {{"Comedy", "Drama", ""}, {"Horror", "", ""}, {"Drama", "Romance", "Comedy"},
            {"Horror", "Thriller", ""}};
        StringLookup lookup = StringLookup.builder().maskToken("").name("genre_lookup").build();
        lookup.adapt(Tensor.of(genres));
        assertEquals(List.of("", "[UNK]", "Horror", "Drama", "Comedy", "Thriller", "Romance"), lookup.getVocabulary());
        SymbolicTensor in = Input.builder().shape(3).dtype(DType.STRING).name("genres").build();
        org.tensorkit.layers.EmbedReduce pool = org.tensorkit.layers.EmbedReduce.builder()
                .inputDim(lookup.vocabularySize()).outputDim(4).maskZero(true).seed(5).name("genre_pool").build();
        Model model = Model.of(in, Dense.builder().units(1).seed(6).build().call(pool.call(lookup.call(in))));
        // padding ("" -> 0) takes no part: a bag of [Horror] equals [Horror, "", ""]
        Tensor one = model.predict(new String[][] {{"Horror", "", ""}});
        assertArrayEquals(one.toFloatArray(), model.predict(new String[][] {{"", "Horror", ""}}).toFloatArray(), 0f);
        model.compile(Adam.builder().learningRate(0.05).build(), Losses.mse());
        History h = model.fit(Tensor.of(genres), Tensor.of(1f, 0f, 1f, 0f), FitOptions.builder().batchSize(2)
                .epochs(25).seed(2).verbose(Verbosity.SILENT).build());
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), loss.toString());
        Path file = dir.resolve("genres.keras");
        model.save(file);
        Network loaded = Models.load(file);
        Tensor x = Tensor.of(genres);
        assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
    }

    private static Map<String, byte[]> entries(Path file) throws IOException {
        return new LinkedHashMap<>(org.tensorkit.models.saving.Zips.entries(file));
    }
}
