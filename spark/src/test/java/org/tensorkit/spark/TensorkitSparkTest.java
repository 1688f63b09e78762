package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Concatenate;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.EmbedReduce;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.layers.preprocessing.OutputMode;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Model;
import org.tensorkit.models.Network;

/** Spark in local[2] inside JUnit (loopback only, no UI): scoring and vocabularies against one JVM's answers. */
class TensorkitSparkTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = TensorkitSpark.localSession("tensorkit-spark-test", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private byte[] saved(Model model) throws IOException {
        Path file = dir.resolve(model.name() + ".keras");
        model.save(file);
        return Files.readAllBytes(file);
    }

    private static Model dotModel() {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        SymbolicTensor u = Flatten.create().call(Embedding.builder().inputDim(50).outputDim(8).seed(1).build()
                .call(user));
        SymbolicTensor i = Flatten.create().call(Embedding.builder().inputDim(60).outputDim(8).seed(2).build()
                .call(item));
        return Model.builder().inputs(user, item).outputs(Dot.builder().axes(1).build().call(u, i)).name("dot")
                .build();
    }

    @Test
    void scoresEveryRowAsOneJvmDoesToTheLastBit() throws IOException {
        Model model = dotModel();
        Random rng = new Random(3);
        List<Row> rows = new ArrayList<>();
        int[][] users = new int[500][1];
        long[][] items = new long[500][1];
        for (int r = 0; r < 500; r++) {
            users[r][0] = rng.nextInt(50);
            items[r][0] = rng.nextInt(60);
            rows.add(RowFactory.create(r, users[r][0], items[r][0]));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("user", DataTypes.IntegerType)
                .add("item", DataTypes.LongType);
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(4);
        Dataset<Row> scored = TensorkitSpark.predict(data, saved(model), List.of("user", "item"), "rating", 37);
        assertEquals(DataTypes.FloatType, scored.schema().apply("rating").dataType());
        float[] expected = model.predict(List.of(Tensor.of(users), Tensor.of(items))).get(0).toFloatArray();
        List<Row> got = scored.collectAsList();
        assertEquals(500, got.size());
        for (Row r : got) {
            int id = r.getInt(0);
            assertEquals(Float.floatToIntBits(expected[id]), Float.floatToIntBits(r.getFloat(3)), "row " + id);
            assertEquals(users[id][0], r.getInt(1));
        }
    }

    @Test
    void numbersAndVectorsInBatchesOfAnySizeScoreAsOneJvmDoes() throws IOException {
        // float inputs of two shapes, a vector output, and batches (7 rows) that end short in every partition: each
        // partition reuses its input arrays from batch to batch, so a batch must never see the one before
        SymbolicTensor features = Input.builder().shape(3).name("features").build();
        SymbolicTensor weight = Input.builder().shape(1).name("weight").build();
        SymbolicTensor x = Concatenate.create().call(features, weight);
        SymbolicTensor y = Dense.builder().units(2).seed(5).build().call(x);
        Model model = Model.builder().inputs(features, weight).outputs(y).name("dense").build();
        Random rng = new Random(6);
        float[][] f = new float[50][3];
        float[][] w = new float[50][1];
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 50; r++) {
            List<Double> v = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                f[r][k] = (float) rng.nextGaussian();
                v.add((double) f[r][k]);
            }
            w[r][0] = rng.nextFloat();
            rows.add(RowFactory.create(r, v, (double) w[r][0]));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("weight", DataTypes.DoubleType);
        Dataset<Row> scored = TensorkitSpark.predict(spark.createDataFrame(rows, schema).repartition(3), saved(model),
                List.of("features", "weight"), "scores", 7);
        float[] expected = model.predict(List.of(Tensor.of(f), Tensor.of(w))).get(0).toFloatArray();
        List<Row> got = scored.collectAsList();
        assertEquals(50, got.size());
        for (Row r : got) {
            int id = r.getInt(0);
            List<Float> v = r.getList(3);
            assertEquals(2, v.size());
            for (int k = 0; k < 2; k++) {
                assertEquals(Float.floatToIntBits(expected[id * 2 + k]), Float.floatToIntBits(v.get(k)),
                        "row " + id + ", value " + k);
            }
        }
    }

    @Test
    void stringKeysGoThroughTheModelsLookupsAndArraysFillVectorInputs() throws IOException {
        StringLookup words = StringLookup.builder().vocabulary(List.of("a", "b", "c")).name("words").build();
        SymbolicTensor bag = Input.builder().shape(3).dtype(DType.STRING).name("bag").build();
        SymbolicTensor ids = words.call(bag);
        SymbolicTensor pooled = EmbedReduce.builder().inputDim(4).outputDim(5).combiner(EmbedReduce.Combiner.SUM).seed(4).build()
                .call(ids);
        Model model = Model.builder().inputs(bag).outputs(pooled).name("bags").build();
        String[][] bags = {{"a", "b", "zz"}, {"c", "c", "c"}, {"b", "a", "a"}};
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < bags.length; r++) {
            rows.add(RowFactory.create(r, Arrays.asList(bags[r])));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("bag", DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> scored = TensorkitSpark.predict(spark.createDataFrame(rows, schema), saved(model),
                List.of("bag"), "vector");
        float[] expected = model.predict(Tensor.of(bags)).toFloatArray();
        for (Row r : scored.collectAsList()) {
            int id = r.getInt(0);
            List<Float> v = r.getList(2);
            float[] got = new float[v.size()];
            for (int k = 0; k < got.length; k++) {
                got[k] = v.get(k);
            }
            assertArrayEquals(Arrays.copyOfRange(expected, id * 5, id * 5 + 5), got, 0f, "row " + id);
        }
    }

    @Test
    void vocabulariesCountedBySparkEqualOneJvmsAdapt() {
        Random rng = new Random(5);
        List<String> keys = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 3000; r++) {
            String k = "user_" + (int) Math.floor(Math.pow(rng.nextDouble(), 3) * 400);
            keys.add(k);
            tags.addAll(List.of(k, "x" + (r % 7)));
            rows.add(RowFactory.create(k, List.of(k, "x" + (r % 7))));
        }
        StructType schema = new StructType().add("user", DataTypes.StringType)
                .add("tags", DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(3);
        StringLookup local = StringLookup.builder().maxTokens(100).build();
        local.adapt(keys);
        StringLookup distributed = StringLookup.builder().maxTokens(100).build();
        TensorkitSpark.adapt(distributed, data, "user");
        assertEquals(local.getVocabulary(), distributed.getVocabulary());
        assertArrayEquals(local.vocabularyCounts(), distributed.vocabularyCounts());

        StringLookup localTags = StringLookup.builder().build();
        localTags.adapt(tags);
        StringLookup sparkTags = StringLookup.builder().build();
        TensorkitSpark.adapt(sparkTags, data, "tags");
        assertEquals(localTags.getVocabulary(), sparkTags.getVocabulary());

        long big = (1L << 53) + 1;           // a key a double would round
        Dataset<Row> longs = spark.createDataFrame(List.of(RowFactory.create(big), RowFactory.create(big),
                RowFactory.create(7L)), new StructType().add("key", DataTypes.LongType));
        IntegerLookup ints = IntegerLookup.builder().build();
        TensorkitSpark.adapt(ints, longs, "key");
        assertEquals(List.of(-1L, big, 7L), ints.getVocabulary());
    }

    private static Tensor table(int rows, int dim, long seed) {
        Random rng = new Random(seed);
        float[][] t = new float[rows][dim];
        for (float[] r : t) {
            for (int k = 0; k < dim; k++) {
                r[k] = (float) rng.nextGaussian();
            }
        }
        return Tensor.of(t);
    }

    @Test
    void recommendationsAndSimilarItemsEqualOneJvmsNeighbours() {
        Tensor users = table(120, 8, 6);
        Tensor items = table(300, 8, 7);
        Dataset<Row> recs = TensorkitSpark.recommendForAllUsers(spark, users, items, 5);
        assertEquals("struct<user:int,recommendations:array<struct<item:int,rating:float>>>",
                recs.schema().simpleString());
        org.tensorkit.core.neighbours.Neighbours byDot = org.tensorkit.core.neighbours.Neighbours.of(items,
                org.tensorkit.core.neighbours.Metric.DOT);
        List<Row> got = recs.collectAsList();
        assertEquals(120, got.size());
        for (Row r : got) {
            int u = r.getInt(0);
            org.tensorkit.core.neighbours.Nearest expected = byDot.nearestToVectors(users.get(u), 5);
            List<Row> list = r.getList(1);
            for (int j = 0; j < 5; j++) {
                assertEquals(expected.ids(0)[j], list.get(j).getInt(0), "user " + u + " rank " + j);
                assertEquals(Float.floatToIntBits(expected.scores(0)[j]), Float.floatToIntBits(list.get(j).getFloat(1)));
            }
        }
        Dataset<Row> some = spark.createDataFrame(List.of(RowFactory.create(7L), RowFactory.create(7L),
                RowFactory.create(3L)), new StructType().add("who", DataTypes.LongType));
        List<Row> subset = TensorkitSpark.recommendForUserSubset(some, "who", users, items, 2).collectAsList();
        assertEquals(2, subset.size());
        Dataset<Row> similar = TensorkitSpark.similarItems(spark, items, 4);
        org.tensorkit.core.neighbours.Neighbours byCosine = org.tensorkit.core.neighbours.Neighbours.of(items,
                org.tensorkit.core.neighbours.Metric.COSINE);
        for (Row r : similar.collectAsList()) {
            int i = r.getInt(0);
            int[] expected = byCosine.nearestToRows(new int[] {i}, 4, true).ids(0);
            List<Row> list = r.getList(1);
            for (int j = 0; j < 4; j++) {
                assertEquals(expected[j], list.get(j).getInt(0), "item " + i + " rank " + j);
            }
        }
        assertEquals("k = 300 must be in [1, 299]: the item table has 300 rows, less each item itself",
                assertThrows(IllegalArgumentException.class, () -> TensorkitSpark.similarItems(spark, items, 300))
                        .getMessage());
        Dataset<Row> stranger = spark.createDataFrame(List.of(RowFactory.create(500L)),
                new StructType().add("who", DataTypes.LongType));
        SparkException e = assertThrows(SparkException.class, () -> TensorkitSpark.recommendForUserSubset(stranger,
                "who", users, items, 2).collectAsList());
        assertTrue(e.getMessage().contains("user 500 is not a row of the user table [0, 120)"), e.getMessage());
    }

    @Test
    void anExecutorKeepsOnlyTheLastFewModelsAndReusesTheSameBytesModel() throws IOException {
        byte[] first = saved(dotModel());
        Network a = TensorkitSpark.model(first);
        org.junit.jupiter.api.Assertions.assertSame(a, TensorkitSpark.model(first.clone()));   // by content
        for (int m = 0; m < 5; m++) {
            org.tensorkit.layers.Names.reset();
            Model other = dotModel();
            double fill = 0.01 * (m + 1);
            other.setWeights(other.getWeights().stream().map(t -> Tensor.full(fill, DType.FLOAT32,
                    t.shape().toArray())).toList());
            TensorkitSpark.model(saved(other));
        }
        assertEquals(4, TensorkitSpark.cachedModels());
        org.junit.jupiter.api.Assertions.assertNotSame(a, TensorkitSpark.model(first));         // evicted, reloaded
    }

    @Test
    void refusesColumnsThatDoNotFitTheModelNamingThem() throws IOException {
        byte[] model = saved(dotModel());
        Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create(1, "x")),
                new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.StringType));
        assertEquals("the model has 2 inputs and 1 input columns were given [user]", assertThrows(
                IllegalArgumentException.class, () -> TensorkitSpark.predict(data, model, List.of("user"), "r"))
                .getMessage());
        assertEquals("input column 'nope' is not a column of the data [user, item]", assertThrows(
                IllegalArgumentException.class, () -> TensorkitSpark.predict(data, model, List.of("user", "nope"),
                        "r")).getMessage());
        assertEquals("input 1 is float32; column 'item' holds string", assertThrows(IllegalArgumentException.class,
                () -> TensorkitSpark.predict(data, model, List.of("user", "item"), "r")).getMessage());
        assertEquals("output column 'user' is already a column of the data", assertThrows(
                IllegalArgumentException.class, () -> TensorkitSpark.predict(data, model, List.of("user", "user"),
                        "user")).getMessage());
        assertEquals("batchSize must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> TensorkitSpark.predict(data, model, List.of("user", "user"), "r", 0)).getMessage());
        assertEquals("column 'user' holds int; expected strings or arrays of them", assertThrows(
                IllegalArgumentException.class, () -> TensorkitSpark.adapt(StringLookup.builder().build(), data,
                        "user")).getMessage());
        StringLookup tfIdf = StringLookup.builder().outputMode(OutputMode.TF_IDF).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TensorkitSpark.adapt(tfIdf, data, "item"))
                .getMessage().endsWith("adaptCounts cannot learn tf_idf weights, which need each key's document "
                        + "count; adapt the documents instead"));
        Dataset<Row> nulls = spark.createDataFrame(List.of(RowFactory.create(1, null)),
                new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType));
        SparkException e = assertThrows(SparkException.class, () -> TensorkitSpark.predict(nulls, model,
                List.of("user", "item"), "r").collectAsList());
        assertTrue(e.getMessage().contains("input column 'item' holds a null in row [1,null] (partition 0); a model "
                + "input needs a value in every row"), e.getMessage());
        Path missing = dir.resolve("missing.keras");
        IOException io = assertThrows(IOException.class, () -> TensorkitSpark.predict(nulls, missing,
                List.of("user", "item"), "r"));
        assertTrue(io.getMessage().startsWith("cannot read the saved model " + missing), io.getMessage());
        IllegalArgumentException junk = assertThrows(IllegalArgumentException.class, () -> TensorkitSpark.predict(
                nulls, new byte[] {1, 2, 3}, List.of("user", "item"), "r"));
        assertTrue(junk.getMessage().startsWith("savedModel (3 bytes) is not a .keras model tensorkit loads: "),
                junk.getMessage());
        Path file = dir.resolve("dot-again.keras");
        java.nio.file.Files.write(file, model);
        Dataset<Row> fine = spark.createDataFrame(List.of(RowFactory.create(1, 2)),
                new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType));
        assertEquals(TensorkitSpark.predict(fine, model, List.of("user", "item"), "r").collectAsList(),
                TensorkitSpark.predict(fine, file, List.of("user", "item"), "r").collectAsList(),
                "a path is read on the driver and scores as its bytes do");
        Dataset<Row> outside = spark.createDataFrame(List.of(RowFactory.create(1, 2), RowFactory.create(3, 60)),
                new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)).coalesce(1);
        e = assertThrows(SparkException.class, () -> TensorkitSpark.predict(outside, model, List.of("user", "item"),
                "r").collectAsList());
        assertTrue(e.getMessage().contains("input column 'item' holds id 60 in row [3,60] (partition 0); Embedding "
                + "layer"), e.getMessage());
        assertTrue(e.getMessage().contains("has rows [0, 60)"), e.getMessage());
    }

    /**
     * A bad id in the third of four partitions, its scores written to Parquet: the job fails naming the row, its
     * partition and the id, and the output directory holds no file, not even the scores of the partitions that had
     * none (Spark's commit protocol: a task's files are committed to the output only when the whole job is). The
     * same rows with the id fixed write every score.
     */
    @Test
    void anIdOutsideItsTableFailsTheWriteAndLeavesNoOutput() throws IOException {
        byte[] model = saved(dotModel());
        StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 400; r++) {
            rows.add(RowFactory.create(r % 50, r == 250 ? 60 : r % 60));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path out = dir.resolve("scores");
        Dataset<Row> bad = spark.createDataFrame(context.parallelize(rows, 4), schema);
        SparkException e = assertThrows(SparkException.class, () -> TensorkitSpark.predict(bad, model,
                List.of("user", "item"), "r", 16).write().parquet(out.toString()));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("input column 'item' holds id 60 in row [0,60] (partition 2); "
                + "Embedding layer"), messages.toString());
        List<Path> written;
        try (Stream<Path> files = Files.exists(out) ? Files.walk(out) : Stream.of()) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertEquals(List.of(), written, "no output from a failed job");

        rows.set(250, RowFactory.create(0, 10));
        Dataset<Row> good = spark.createDataFrame(context.parallelize(rows, 4), schema);
        TensorkitSpark.predict(good, model, List.of("user", "item"), "r", 16).write().mode("overwrite")
                .parquet(out.toString());
        assertEquals(400, spark.read().parquet(out.toString()).count());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
    }
}
