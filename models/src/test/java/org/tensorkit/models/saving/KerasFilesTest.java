package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.Sequential;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/** Save and load in Keras 3's formats: round trips to the last bit, and the files' layout. */
public class KerasFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    /** The MovieLens shape of model: two ids, two tables, flattened, dotted. */
    public static Model dotModel() {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Embedding users = Embedding.builder().inputDim(30).outputDim(4).name("user_embedding").seed(1).build();
        Embedding items = Embedding.builder().inputDim(40).outputDim(4).name("item_embedding").seed(2).build();
        SymbolicTensor u = Flatten.create().call(users.call(user));
        SymbolicTensor i = Flatten.create().call(items.call(item));
        return Model.builder().inputs(user, item).outputs(Dot.builder().axes(1).build().call(u, i))
                .name("dot_model").build();
    }

    public static List<Tensor> ids(int n, long seed) {
        Random rng = new Random(seed);
        int[][] users = new int[n][1];
        int[][] items = new int[n][1];
        for (int k = 0; k < n; k++) {
            users[k][0] = rng.nextInt(30);
            items[k][0] = rng.nextInt(40);
        }
        return List.of(Tensor.of(users), Tensor.of(items));
    }

    public static Tensor ratings(int n, long seed) {
        Random rng = new Random(seed);
        float[] y = new float[n];
        for (int k = 0; k < n; k++) {
            y[k] = rng.nextInt(5) + 1;
        }
        return Tensor.of(y);
    }

    private static FitOptions fitOptions() {
        return FitOptions.builder().batchSize(16).epochs(2).seed(7).verbose(Verbosity.SILENT).build();
    }

    static void assertSameWeights(Network a, Network b) {
        List<Tensor> wa = a.getWeights();
        List<Tensor> wb = b.getWeights();
        assertEquals(wa.size(), wb.size());
        for (int k = 0; k < wa.size(); k++) {
            assertEquals(wa.get(k).shape(), wb.get(k).shape(), "weight " + k);
            assertArrayEquals(wa.get(k).toFloatArray(), wb.get(k).toFloatArray(), 0f, "weight " + k);
        }
    }

    @Test
    void aTrainedFunctionalModelComesBackBitForBitAndTrainsOnExactlyAsTheOriginal() throws IOException {
        Model model = dotModel();
        model.compile(Adam.builder().learningRate(0.01).build(), Losses.mse(), org.tensorkit.models.losses.Metrics.mae());
        List<Tensor> x = ids(96, 1);
        Tensor y = ratings(96, 2);
        model.fit(x, y, fitOptions());
        Path file = dir.resolve("dot.keras");
        model.save(file);

        Network loaded = Models.load(file);
        assertInstanceOf(Model.class, loaded);
        assertEquals(model.summaryString(), loaded.summaryString());
        assertSameWeights(model, loaded);
        assertArrayEquals(model.predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
        assertTrue(loaded.isCompiled());
        assertEquals(model.compiled().orElseThrow().optimizer().iterations(),
                loaded.compiled().orElseThrow().optimizer().iterations());

        // Adam's moments and step count came back: the next epochs are the same to the last bit
        History h1 = model.fit(x, y, fitOptions());
        History h2 = loaded.fit(x, y, fitOptions());
        assertEquals(h1.history(), h2.history());
        assertSameWeights(model, loaded);
    }

    @Test
    void toJsonIsTheArchivesConfigAndFromJsonRebuildsTheModelWithNewWeights() throws IOException {
        Model model = dotModel();
        model.compile(Adam.builder().learningRate(0.01).build(), Losses.mse(), org.tensorkit.models.losses.Metrics.mae());
        Path file = dir.resolve("dot.keras");
        model.save(file);
        String json = model.toJson();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String stored = new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(stored, json, "the same text save writes");
        }

        Network rebuilt = Models.fromJson(json);
        assertInstanceOf(Model.class, rebuilt);
        assertEquals(model.summaryString(), rebuilt.summaryString());
        assertTrue(rebuilt.isCompiled(), "compiled from the compile settings");
        Adam adam = (Adam) rebuilt.compiled().orElseThrow().optimizer();
        assertEquals(0.01, adam.learningRate());
        assertEquals(0, adam.iterations(), "a fresh optimizer");
        assertEquals(List.of("mae"), rebuilt.compiled().orElseThrow().metrics().stream()
                .map(org.tensorkit.models.losses.Metric::name).toList());
        // the layers' seeds are in their configs: the same initial weights
        assertSameWeights(model, rebuilt);

        Names.reset();
        Network plain = Models.fromJson(dotModel().toJson());
        assertTrue(!plain.isCompiled(), "no compile settings, not compiled");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Models.fromJson("{not json"));
        assertTrue(e.getMessage().contains("the model's JSON"), e.getMessage());
    }

    @Test
    void aSequentialComesBackAsASequential() throws IOException {
        Sequential model = Sequential.builder().name("stack")
                .add(Embedding.builder().inputDim(20).outputDim(3).inputLength(2).seed(3).build(), Flatten.create(),
                        Dense.builder().units(2).activation("relu").seed(4).build())
                .build();
        Path file = dir.resolve("stack.keras");
        model.save(file);
        Network loaded = Models.load(file);
        assertInstanceOf(Sequential.class, loaded);
        assertEquals(model.summaryString(), loaded.summaryString());
        assertSameWeights(model, loaded);
        Tensor x = Tensor.of(new int[][] {{1, 2}, {19, 0}});
        assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
        assertTrue(!loaded.isCompiled());
    }

    @Test
    void theLayersOfRealRecommendersRoundTrip() throws IOException {
        SymbolicTensor words = Input.builder().shape(4).name("words").build();
        SymbolicTensor user = Input.builder().shape(1).name("uid").build();
        SymbolicTensor pooled = org.tensorkit.layers.GlobalAveragePooling1D.create()
                .call(Embedding.builder().inputDim(20).outputDim(6).seed(11).build().call(words));
        SymbolicTensor u = org.tensorkit.layers.Reshape.of(6)
                .call(Embedding.builder().inputDim(8).outputDim(6).seed(12).build().call(user));
        SymbolicTensor sum = org.tensorkit.layers.Add.create().call(pooled, u);
        SymbolicTensor product = org.tensorkit.layers.Multiply.create().call(pooled, u);
        SymbolicTensor diff = org.tensorkit.layers.Subtract.create().call(sum, product);
        SymbolicTensor mean = org.tensorkit.layers.Average.create().call(diff, sum, product);
        SymbolicTensor out = Dense.builder().units(1).seed(13).build()
                .call(org.tensorkit.layers.LeakyReLU.builder().negativeSlope(0.2).build().call(mean));
        Model model = Model.builder().inputs(words, user).outputs(out).name("mixed").build();
        Path file = dir.resolve("mixed.keras");
        model.save(file);
        Network loaded = Models.load(file);
        assertEquals(model.summaryString(), loaded.summaryString());
        assertSameWeights(model, loaded);
        List<Tensor> x = List.of(Tensor.of(new int[][] {{1, 2, 3, 19}, {0, 0, 5, 5}}),
                Tensor.of(new int[][] {{7}, {0}}));
        assertArrayEquals(model.predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
    }

    @Test
    void batchNormalizationTrainsSavesItsMovingStatisticsAndResumesExactly() throws IOException {
        Sequential model = Sequential.builder().name("bn")
                .add(Embedding.builder().inputDim(30).outputDim(4).inputLength(1).seed(21).build(), Flatten.create(),
                        org.tensorkit.layers.BatchNormalization.builder().momentum(0.9).build(),
                        Dense.builder().units(1).seed(22).build())
                .build();
        model.compile(Adam.builder().learningRate(0.01).build(), Losses.mse());
        List<Tensor> ids = ids(64, 5);
        Tensor x = ids.get(0);
        Tensor y = ratings(64, 6);
        model.fit(x, y, fitOptions());
        assertTrue(model.summaryString().contains("Non-trainable params: 8"), model.summaryString());
        Tensor movingMean = model.getLayer("batch_normalization").getWeights().get(2);
        assertTrue(!java.util.Arrays.equals(new float[4], movingMean.toFloatArray()), "training moved the mean");
        Path file = dir.resolve("bn.keras");
        model.save(file);
        Network loaded = Models.load(file);
        assertEquals(model.summaryString(), loaded.summaryString());
        assertSameWeights(model, loaded);
        assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
        History h1 = model.fit(x, y, fitOptions());
        History h2 = loaded.fit(x, y, fitOptions());
        assertEquals(h1.history(), h2.history());
        assertSameWeights(model, loaded);
    }

    @Test
    void aLayerCalledTwiceIsSavedOnceWithTwoNodesAndLoadsShared() throws IOException {
        SymbolicTensor a = Input.builder().shape(1).name("a").build();
        SymbolicTensor b = Input.builder().shape(1).name("b").build();
        Embedding shared = Embedding.builder().inputDim(10).outputDim(3).name("shared").seed(5).build();
        Flatten fa = Flatten.create();
        Flatten fb = Flatten.create();
        Model model = Model.builder().inputs(a, b)
                .outputs(Dot.builder().axes(1).build().call(fa.call(shared.call(a)), fb.call(shared.call(b))))
                .build();
        Path file = dir.resolve("shared.keras");
        model.save(file);

        Map<String, Object> config = config(file);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) ((Map<String, Object>) config.get("config"))
                .get("layers");
        Map<String, Object> entry = layers.stream().filter(l -> l.get("name").equals("shared")).findFirst()
                .orElseThrow();
        assertEquals(2, ((List<?>) entry.get("inbound_nodes")).size());
        assertEquals(1, layers.stream().filter(l -> l.get("name").equals("shared")).count());

        Network loaded = Models.load(file);
        Layer loadedShared = loaded.getLayer("shared");
        assertEquals(2, loadedShared.inboundNodes().size());
        assertEquals(model.layers().size(), loaded.layers().size());
        List<Tensor> x = List.of(Tensor.of(new int[][] {{3}, {9}}), Tensor.of(new int[][] {{3}, {1}}));
        assertArrayEquals(model.predict(x).get(0).toFloatArray(), loaded.predict(x).get(0).toFloatArray(), 0f);
    }

    @Test
    void aLayerSharedWithAnotherModelIsNumberedAmongThisModelsNodes() throws IOException {
        Embedding shared = Embedding.builder().inputDim(10).outputDim(2).name("table").seed(6).build();
        SymbolicTensor first = Input.builder().shape(1).name("first").build();
        Model one = Model.of(first, Flatten.create().call(shared.call(first)));
        SymbolicTensor second = Input.builder().shape(1).name("second").build();
        Model two = Model.of(second, Flatten.create().call(shared.call(second))); // shared's node 1
        Path file = dir.resolve("two.keras");
        two.save(file);
        Network loaded = Models.load(file);
        Tensor x = Tensor.of(new int[][] {{4}, {7}});
        assertArrayEquals(two.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
        assertArrayEquals(one.predict(x).toFloatArray(), loaded.predict(x).toFloatArray(), 0f);
        assertEquals(1, loaded.getLayer("table").inboundNodes().size());
    }

    @Test
    void theArchiveAndTheWeightsFileHaveKerasLayout() throws IOException {
        Model model = dotModel();
        model.compile(Adam.create(), Losses.mse());
        model.fit(ids(32, 3), ratings(32, 4), fitOptions());
        Path file = dir.resolve("layout.keras");
        model.save(file);

        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName() + " is STORED");
            });
            Map<String, Object> metadata = Json.parse(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes(),
                    "metadata");
            assertEquals(KerasFiles.KERAS_VERSION, metadata.get("keras_version"));
            assertTrue(((String) metadata.get("date_saved")).matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"));
        }
        assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), names);

        Map<String, Object> config = config(file);
        assertEquals("keras.src.models.functional", config.get("module"));
        assertEquals("Functional", config.get("class_name"));
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) config.get("config");
        assertEquals(List.of(List.of("user", 0, 0), List.of("item", 0, 0)), inner.get("input_layers"));
        assertEquals(List.of("dot", 0, 0), inner.get("output_layers"));
        @SuppressWarnings("unchecked")
        Map<String, Object> compile = (Map<String, Object>) config.get("compile_config");
        assertEquals("mse", compile.get("loss"));
        assertEquals("Adam", ((Map<?, ?>) compile.get("optimizer")).get("class_name"));

        Path h5 = dir.resolve("extracted.h5");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Files.copy(zip.getInputStream(zip.getEntry("model.weights.h5")), h5);
        }
        try (HdfFile f = new HdfFile(h5)) {
            // Functional numbering: input layers count, per class name
            Dataset users = f.getDatasetByPath("layers/embedding/vars/0");
            Dataset items = f.getDatasetByPath("layers/embedding_1/vars/0");
            assertArrayEquals(new int[] {30, 4}, users.getDimensions());
            assertArrayEquals(new int[] {40, 4}, items.getDimensions());
            assertEquals(float.class, users.getJavaType());
            assertEquals("user_embedding", f.getByPath("layers/embedding/vars").getAttribute("name").getData());
            assertTrue(f.getChildren().keySet().containsAll(List.of("layers", "optimizer")));
            assertTrue(!((io.jhdf.api.Group) f.getByPath("layers")).getChildren().containsKey("input_layer"),
                    "no empty groups");
            Dataset iterations = f.getDatasetByPath("optimizer/vars/0");
            assertTrue(iterations.isScalar());
            assertEquals(4L, iterations.getData()); // 32 rows in batches of 16, 2 epochs
            assertEquals(0.001f, f.getDatasetByPath("optimizer/vars/1").getData());
            // then momentum and velocity per trainable weight
            assertArrayEquals(new int[] {30, 4}, f.getDatasetByPath("optimizer/vars/2").getDimensions());
            assertArrayEquals(new int[] {30, 4}, f.getDatasetByPath("optimizer/vars/3").getDimensions());
            assertArrayEquals(new int[] {40, 4}, f.getDatasetByPath("optimizer/vars/5").getDimensions());
            assertEquals(6, ((io.jhdf.api.Group) f.getByPath("optimizer/vars")).getChildren().size());
        }
    }

    @Test
    void weightsAloneGoIntoAModelOfTheSameArchitecture() throws IOException {
        Model model = dotModel();
        Path file = dir.resolve("dot.weights.h5");
        model.saveWeights(file);
        Names.reset();
        Model other = dotModel();
        other.setWeights(other.getWeights().stream().map(t -> Tensor.zeros(t.dtype(), t.shape().toArray()))
                .toList());
        other.loadWeights(file);
        assertSameWeights(model, other);
        // and from a whole-model archive too
        Path archive = dir.resolve("dot.keras");
        model.save(archive);
        Model third = dotModel();
        third.loadWeights(archive);
        assertSameWeights(model, third);
    }

    @Test
    void loadingKeepsTheLayersOfTheOriginalIntact() throws IOException {
        Model model = dotModel();
        Path file = dir.resolve("dot.keras");
        model.save(file);
        Network loaded = Models.load(file);
        Layer original = model.getLayer("user_embedding");
        assertEquals(1, original.inboundNodes().size(), "loading builds new layers");
        assertTrue(loaded.getLayer("user_embedding") != original);
        assertSame(Model.class, loaded.getClass());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> config(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return Json.parse(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(), "config");
        }
    }
}
