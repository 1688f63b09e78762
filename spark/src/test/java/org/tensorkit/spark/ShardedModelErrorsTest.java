package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.EmbedReduce;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;

/** What sharded training refuses, each refusal naming what is wrong, and leaving the model as it was. */
class ShardedModelErrorsTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TensorkitSpark.localSession("tensorkit-sharded-errors", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Model compiled(Function<SymbolicTensor, SymbolicTensor> body) {
        SymbolicTensor in = Input.builder().shape(1).name("user").build();
        Model m = Model.builder().inputs(in).outputs(body.apply(in)).build();
        m.compile(Adam.create(), Losses.mse());
        return m;
    }

    private static SymbolicTensor table(SymbolicTensor in, Embedding.Builder b) {
        return Dense.builder().units(1).seed(2).build().call(Flatten.create().call(b.build().call(in)));
    }

    private static Dataset<Row> rows(Object... userThenRating) {
        StructType schema = new StructType().add("user", DataTypes.LongType).add("rating", DataTypes.FloatType);
        java.util.List<Row> list = new java.util.ArrayList<>();
        for (int k = 0; k < userThenRating.length; k += 2) {
            list.add(RowFactory.create(userThenRating[k], userThenRating[k + 1]));
        }
        return spark.createDataFrame(list, schema).coalesce(1);
    }

    private static String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void modelsItCannotShardAreRefusedNamingTheLayer() {
        SymbolicTensor in = Input.builder().shape(1).name("user").build();
        Model plain = Model.builder().inputs(in).outputs(table(in, Embedding.builder().inputDim(5).outputDim(2)))
                .build();
        assertContains(message(IllegalStateException.class, () -> ShardedModel.of(spark, plain, 2)),
                "must be compiled");

        Model computed = compiled(x -> table(Dense.builder().units(1).name("d").build().call(x),
                Embedding.builder().inputDim(3).outputDim(2).name("emb")));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, computed, 2)),
                "Embedding layer \"emb\" is fed by layer \"d\"", "fed by a model input, straight or through one "
                + "StringLookup or IntegerLookup of int output or Hashing");
        Model sharedLookup = compiled(x -> {
            SymbolicTensor ids = IntegerLookup.builder().vocabulary(List.of(7L, 8L)).name("ids").build().call(x);
            return org.tensorkit.layers.Concatenate.create().call(table(ids, Embedding.builder().inputDim(3)
                    .outputDim(2)), Dense.builder().units(1).name("raw").build().call(ids));
        });
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, sharedLookup, 2)),
                "lookup layer \"ids\" feeds an Embedding and layer \"raw\"");
        Model twoWays = compiled(x -> org.tensorkit.layers.Concatenate.create().call(
                table(x, Embedding.builder().inputDim(9).outputDim(2).name("raw_ids")),
                table(IntegerLookup.builder().vocabulary(List.of(7L, 8L)).name("ids").build().call(x),
                        Embedding.builder().inputDim(3).outputDim(2).name("keys"))));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, twoWays, 2)),
                "input 0 (\"user\") feeds Embedding layer \"raw_ids\" straight and through lookup \"ids\"");
        Model twoLookups = compiled(x -> org.tensorkit.layers.Concatenate.create().call(
                table(IntegerLookup.builder().vocabulary(List.of(7L, 8L)).name("a").build().call(x),
                        Embedding.builder().inputDim(3).outputDim(2)),
                table(IntegerLookup.builder().vocabulary(List.of(8L, 9L)).name("b").build().call(x),
                        Embedding.builder().inputDim(3).outputDim(2))));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, twoLookups, 2)),
                "input 0 (\"user\") feeds tables through lookups \"a\" and \"b\"");
        SymbolicTensor first = Input.builder().shape(1).name("first").build();
        SymbolicTensor second = Input.builder().shape(1).name("second").build();
        IntegerLookup shared = IntegerLookup.builder().vocabulary(List.of(7L, 8L)).name("shared").build();
        Embedding items = Embedding.builder().inputDim(3).outputDim(2).name("items").build();
        Model sharedLookup2 = Model.builder().inputs(first, second).outputs(org.tensorkit.layers.Concatenate.create()
                .call(Flatten.create().call(items.call(shared.call(first))),
                        Flatten.create().call(items.call(shared.call(second))))).build();
        sharedLookup2.compile(Adam.create(), Losses.mse());
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, sharedLookup2, 2)),
                "lookup layer \"shared\" is called on inputs 0 and 1");

        Model reduced = compiled(x -> Dense.builder().units(1).build().call(EmbedReduce.builder().inputDim(4)
                .outputDim(2).name("bag").build().call(x)));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, reduced, 2)),
                "EmbedReduce layer \"bag\"", "Embedding tables only");

        Model both = compiled(x -> org.tensorkit.layers.Concatenate.create().call(
                table(x, Embedding.builder().inputDim(5).outputDim(2)), Dense.builder().units(1).name("raw").build()
                        .call(x)));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, both, 2)),
                "input 0 (\"user\") feeds an Embedding and layer \"raw\"");


        Model fine = compiled(x -> table(x, Embedding.builder().inputDim(5).outputDim(2)));
        assertContains(message(IllegalArgumentException.class, () -> ShardedModel.of(spark, fine, 0)),
                "tablePartitions must be at least 1, got 0");
    }

    @Test
    void aLookupGivingAnIdBeyondItsTableFailsTheFitNamingTheKeyAndChangesNothing() {
        Model model = compiled(x -> table(IntegerLookup.builder().vocabulary(List.of(7L, 8L)).name("ids").build()
                .call(x), Embedding.builder().inputDim(2).outputDim(2).name("small").seed(1)));
        List<Tensor> before = model.getWeights();
        try (ShardedModel sharded = ShardedModel.of(spark, model, 2)) {
            SparkException beyond = assertThrows(SparkException.class, () -> sharded.fit(rows(7L, 1f, 8L, 2f),
                    List.of("user"), "rating", SparkFitOptions.builder().rounds(1).build()));
            assertContains(beyond.getMessage(), "input column 'user' (partition 0): lookup layer \"ids\" maps key 8 to "
                    + "id 2; Embedding layer \"small\" has rows [0, 2)");
            assertEquals(List.of(), sharded.rounds(), "no round ran");
            sharded.collectInto(model);
            assertEquals(before, model.getWeights(), "the model is as it was");
        }
    }

    @Test
    void badColumnsAndBadRowsFailTheCallBeforeAnythingTrains() {
        Model model = compiled(x -> table(x, Embedding.builder().inputDim(5).outputDim(2).name("users").seed(1)));
        List<Tensor> before = model.getWeights();
        SparkFitOptions options = SparkFitOptions.builder().rounds(2).seed(1).build();
        try (ShardedModel sharded = ShardedModel.of(spark, model, 2)) {
            StructType floats = new StructType().add("user", DataTypes.DoubleType).add("rating", DataTypes.FloatType);
            Dataset<Row> floatIds = spark.createDataFrame(List.of(RowFactory.create(1.0, 2f)), floats);
            assertContains(message(IllegalArgumentException.class, () -> sharded.fit(floatIds, List.of("user"),
                    "rating", options)), "input column 'user' holds double; it feeds a sharded table and must hold "
                    + "integer ids");
            StructType words = new StructType().add("user", DataTypes.LongType).add("rating", DataTypes.StringType);
            Dataset<Row> wordTargets = spark.createDataFrame(List.of(RowFactory.create(1L, "good")), words);
            assertContains(message(IllegalArgumentException.class, () -> sharded.fit(wordTargets, List.of("user"),
                    "rating", options)), "target column 'rating' holds string; expected numbers");
            assertContains(message(IllegalArgumentException.class, () -> sharded.fit(rows(1L, 2f), List.of("usr"),
                    "rating", options)), "input column 'usr' is not a column of the data [user, rating]");

            SparkException outside = assertThrows(SparkException.class, () -> sharded.fit(rows(1L, 2f, 3L, 1f, 5L,
                    4f), List.of("user"), "rating", options));
            assertContains(outside.getMessage(), "input column 'user' holds id 5 in row [5,4.0] (partition 0); "
                    + "Embedding layer \"users\" has rows [0, 5)");
            SparkException nulls = assertThrows(SparkException.class, () -> sharded.fit(rows(1L, 2f, null, 1f),
                    List.of("user"), "rating", options));
            assertContains(nulls.getMessage(), "input column 'user' holds a null in row [null,1.0] (partition 0)");
            SparkException nullTarget = assertThrows(SparkException.class, () -> sharded.fit(rows(1L, null),
                    List.of("user"), "rating", options));
            assertContains(nullTarget.getMessage(), "target column 'rating' holds a null in row [1,null]");

            assertContains(message(IllegalArgumentException.class, () -> sharded.fit(rows(1L, 2f).where("user > 1"),
                    List.of("user"), "rating", options)), "fit: the data has no rows; expected at least one");
            assertEquals(List.of(), sharded.rounds(), "no round ran");
            assertEquals(0, sharded.iterations());
            sharded.collectInto(model);
            assertEquals(before, model.getWeights(), "the model is as it was");

            Model other = compiled(x -> table(x, Embedding.builder().inputDim(6).outputDim(2)));
            assertContains(message(IllegalArgumentException.class, () -> sharded.collectInto(other)),
                    "is not of the architecture and compile settings this sharded model was made from");
            assertContains(message(IllegalArgumentException.class, () -> sharded.rows("nope")),
                    "has no sharded table \"nope\"; its tables are [users]");
            assertContains(message(IllegalArgumentException.class, () -> sharded.evaluate(rows(1L, 2f),
                    List.of("user"), "rating", 0)), "batchSize must be a positive integer, got 0");
            sharded.close();
            assertContains(message(IllegalStateException.class, () -> sharded.fit(rows(1L, 2f), List.of("user"),
                    "rating", options)), "is closed");
        }
        assertContains(message(IllegalArgumentException.class, () -> TensorkitSpark.localSession("x", 0)),
                "threads must be at least 1, got 0");
        assertContains(message(IllegalArgumentException.class, () -> SparkFitOptions.builder().rounds(-1)),
                "rounds must be >= 0, got -1");
        assertContains(message(IllegalArgumentException.class, () -> SparkFitOptions.builder().partitions(-2)),
                "partitions must be >= 0, got -2");
        assertContains(message(IllegalArgumentException.class, () -> SparkFitOptions.builder().batchSize(0)),
                "batchSize must be a positive integer, got 0");
    }
}
