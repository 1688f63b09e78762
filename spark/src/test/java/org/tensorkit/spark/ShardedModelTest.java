package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
import org.tensorkit.layers.Add;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.Network;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.losses.Metrics;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/** Data-parallel training with row-sharded tables, in local[2], against one JVM's fit. */
class ShardedModelTest {
    private static SparkSession spark;
    static final StructType SCHEMA = new StructType().add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.LongType, false).add("rating", DataTypes.FloatType, false);

    @BeforeAll
    static void start() {
        spark = TensorkitSpark.localSession("tensorkit-sharded-test", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Users and items with a bias per user and a dense head: tables in two spaces, broadcast weights. */
    static Model recommender() {
        return recommender(null);
    }

    /** {@link #recommender()}, with {@code tables} (when not null) the regularizer of the user and item tables. */
    static Model recommender(org.tensorkit.layers.Regularizer tables) {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Model m = Model.builder().inputs(user, item).outputs(scores(user, item, 70, tables)).name("recommender").build();
        m.compile(Adam.builder().learningRate(0.01).build(), Losses.mse(), Metrics.mae());
        return m;
    }

    /**
     * A user vector and bias (40 rows) and an item vector ({@code items} rows) of the ids, dot, bias, dense head;
     * the vector tables regularized by {@code tables} when it is not null.
     */
    private static SymbolicTensor scores(SymbolicTensor userIds, SymbolicTensor itemIds, int items,
                                         org.tensorkit.layers.Regularizer tables) {
        Embedding.Builder users = Embedding.builder().inputDim(40).outputDim(6).name("users").seed(1);
        Embedding.Builder itemTable = Embedding.builder().inputDim(items).outputDim(6).name("items").seed(3);
        if (tables != null) {
            users.embeddingsRegularizer(tables);
            itemTable.embeddingsRegularizer(tables);
        }
        SymbolicTensor u = Flatten.create().call(users.build().call(userIds));
        SymbolicTensor bias = Flatten.create().call(Embedding.builder().inputDim(40).outputDim(1).name("user_bias")
                .seed(2).build().call(userIds));
        SymbolicTensor i = Flatten.create().call(itemTable.build().call(itemIds));
        SymbolicTensor dot = Dot.builder().axes(1).build().call(u, i);
        return Dense.builder().units(1).seed(4).name("head").build().call(Add.create().call(dot, bias));
    }

    record Data(int[][] users, long[][] items, float[] ratings, List<Row> rows) {
        Dataset<Row> frame(int partitions) {
            return frame(spark, partitions);
        }

        Dataset<Row> frame(SparkSession session, int partitions) {
            Dataset<Row> one = session.createDataFrame(rows, SCHEMA).coalesce(1);
            return partitions == 1 ? one : one.repartition(partitions);   // round robin: 2000 rows, 500 each
        }

        List<Tensor> x() {
            return List.of(Tensor.of(users), Tensor.of(items));
        }
    }

    static Data data(int n, long seed) {
        Random rng = new Random(seed);
        int[][] users = new int[n][1];
        long[][] items = new long[n][1];
        float[] ratings = new float[n];
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            users[r][0] = rng.nextInt(40);
            items[r][0] = rng.nextInt(70);
            ratings[r] = 1 + ((users[r][0] * 7 + items[r][0] * 3) % 5);
            rows.add(RowFactory.create(users[r][0], items[r][0], ratings[r]));
        }
        return new Data(users, items, ratings, rows);
    }

    /** The same weights and Adam slots, to the last bit. */
    private static void assertSameState(Network expected, Network got) {
        List<Tensor> a = expected.getWeights();
        List<Tensor> b = got.getWeights();
        for (int k = 0; k < a.size(); k++) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, "weight " + k);
        }
        List<Tensor> sa = expected.compiled().orElseThrow().optimizer().state(expected.trainableWeights());
        List<Tensor> sb = got.compiled().orElseThrow().optimizer().state(got.trainableWeights());
        for (int k = 0; k < sa.size(); k++) {
            assertArrayEquals(sa.get(k).toFloatArray(), sb.get(k).toFloatArray(), 0f, "Adam slot " + k);
        }
    }

    static void assertSameBits(List<Double> expected, List<Double> got, String what) {
        assertEquals(expected.size(), got.size(), what);
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(Double.doubleToRawLongBits(expected.get(k)), Double.doubleToRawLongBits(got.get(k)),
                    what + " " + k + ": " + expected + " vs " + got);
        }
    }

    @Test
    void withOnePartitionEveryRoundIsExactlyAnEpochOfSingleMachineFit() {
        Data train = data(300, 1);
        Data val = data(75, 2);
        Model alone = recommender();
        // single machine: the validation rows are the last ones of the data, as validationSplit cuts them
        List<Row> all = new ArrayList<>(train.rows());
        all.addAll(val.rows());
        Data joined = new Data(concat(train.users(), val.users()), concat(train.items(), val.items()),
                concat(train.ratings(), val.ratings()), all);
        History expected = alone.fit(joined.x(), Tensor.of(joined.ratings()), FitOptions.builder().batchSize(16)
                .epochs(3).validationSplit(0.2).shuffle(true).seed(9).verbose(Verbosity.SILENT).build());

        Model sharded = recommender();
        History got;
        try (ShardedModel s = ShardedModel.of(spark, sharded, 3)) {
            got = s.fit(train.frame(1), List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(16)
                    .rounds(3).shuffle(true).seed(9).validation(val.frame(1)).build());
            assertEquals(3 * 19, s.iterations(), "19 steps of 16 rows a round");
            s.collectInto(sharded);
        }
        assertEquals(expected.history().keySet(), got.history().keySet());
        for (String key : expected.history().keySet()) {
            assertSameBits(expected.get(key), got.get(key), key);
        }
        assertSameState(alone, sharded);
        assertEquals(alone.compiled().orElseThrow().optimizer().iterations(),
                sharded.compiled().orElseThrow().optimizer().iterations());
    }

    @Test
    void aMaskedTableGetsRowZeroInEveryPartitionSoPaddingStaysPadding() {
        // sequences of 3 ids, padded with 0 only in the model's eyes: the data never holds id 0, so without row 0
        // shipped, a partition's smallest id would be renumbered to 0 and masked
        java.util.function.Supplier<Model> build = () -> {
            org.tensorkit.layers.Names.reset();
            SymbolicTensor seq = Input.builder().shape(3).name("seq").build();
            SymbolicTensor pooled = org.tensorkit.layers.GlobalAveragePooling1D.create().call(Embedding.builder()
                    .inputDim(30).outputDim(4).maskZero(true).name("words").seed(5).build().call(seq));
            Model m = Model.builder().inputs(seq).outputs(Dense.builder().units(1).seed(6).name("out").build()
                    .call(pooled)).build();
            m.compile(Adam.builder().learningRate(0.01).build(), Losses.mse());
            return m;
        };
        Random rng = new Random(8);
        int n = 120;
        long[][] ids = new long[n][3];
        float[] y = new float[n];
        List<Row> rows = new ArrayList<>();
        StructType schema = new StructType().add("seq", DataTypes.createArrayType(DataTypes.LongType, false), false)
                .add("y", DataTypes.FloatType, false);
        for (int r = 0; r < n; r++) {
            Long[] boxed = new Long[3];
            for (int k = 0; k < 3; k++) {
                ids[r][k] = 1 + rng.nextInt(29);
                boxed[k] = ids[r][k];
            }
            y[r] = (ids[r][0] % 3) - 1f;
            rows.add(RowFactory.create(boxed, y[r]));
        }
        Model alone = build.get();
        History expected = alone.fit(Tensor.of(ids), Tensor.of(y), FitOptions.builder().batchSize(8).epochs(2)
                .shuffle(false).verbose(Verbosity.SILENT).build());
        Model sharded = build.get();
        History got = TensorkitSpark.fit(sharded, spark.createDataFrame(rows, schema).coalesce(1), List.of("seq"),
                "y", SparkFitOptions.builder().batchSize(8).rounds(2).shuffle(false).build());
        assertSameBits(expected.get("loss"), got.get("loss"), "loss");
        assertEquals(alone.getWeights(), sharded.getWeights());
    }

    @Test
    void manyPartitionsLearnRepeatAndShipOnlyTheRowsTheirIdsUse() {
        Data train = data(2000, 3);
        Model first = recommender();
        History h1;
        List<Round> rounds;
        try (ShardedModel s = ShardedModel.of(spark, first, 4)) {
            h1 = s.fit(train.frame(4), List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(32)
                    .rounds(6).seed(5).build());
            rounds = s.rounds();
            s.collectInto(first);
        }
        List<Double> loss = h1.get("loss");
        assertTrue(loss.get(5) < 0.5 * loss.get(0), "the loss falls: " + loss);
        Model second = recommender();
        History h2 = TensorkitSpark.fit(second, train.frame(4), List.of("user", "item"), "rating",
                SparkFitOptions.builder().batchSize(32).rounds(6).seed(5).build());
        assertEquals(h1, h2, "the same data, partitions and seed: the same run, whatever Spark's scheduling");
        assertEquals(first.getWeights(), second.getWeights());

        // every partition of 500 rows uses at most all 40 users (twice: vector and bias) and 70 items
        for (Round r : rounds) {
            assertEquals(2000, r.samples());
            assertEquals(16, r.steps(), "500 rows in batches of 32");
            assertTrue(r.rowsShipped() <= 4 * (40 + 40 + 70), r.toString());
            assertTrue(r.rowsReturned() <= r.rowsShipped(), r.toString());
            long rowBytes = 8 + 4 * 3 * 6;   // a key, then the row and Adam's two moments
            assertTrue(r.bytesShipped() >= r.rowsShipped() * (8 + 4 * 3) && r.bytesShipped()
                    <= r.rowsShipped() * rowBytes, r.toString());
        }
    }

    @Test
    void addChangesMovesARowBothPartitionsChangedByBothChangesAndLeavesTheOthersAsAveraging() {
        // partition 0 holds users 0..19, partition 1 users 20..39; both hold every item
        Data all = data(400, 7);
        List<Row> low = new ArrayList<>();
        List<Row> high = new ArrayList<>();
        for (Row r : all.rows()) {
            (r.getInt(0) < 20 ? low : high).add(r);
        }
        int firstHalf = Math.min(low.size(), high.size());
        List<Row> rows = new ArrayList<>(low.subList(0, firstHalf));   // parallelize cuts a list in equal halves
        rows.addAll(high.subList(0, firstHalf));
        Dataset<Row> two = spark.createDataFrame(org.apache.spark.api.java.JavaSparkContext
                .fromSparkContext(spark.sparkContext()).parallelize(rows, 2), SCHEMA);
        assertEquals(firstHalf, two.javaRDD().glom().collect().get(0).size(), "the halves are the partitions");
        float[] start = recommender().getLayer("items").getWeights().get(0).toFloatArray();
        float[][] users = new float[2][];
        float[][] items = new float[2][];
        for (SparkFitOptions.RowUpdate mode : SparkFitOptions.RowUpdate.values()) {
            Model m = recommender();
            TensorkitSpark.fit(m, two, List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(16)
                    .rounds(1).shuffle(false).rowUpdate(mode).build());
            users[mode.ordinal()] = m.getLayer("users").getWeights().get(0).toFloatArray();
            items[mode.ordinal()] = m.getLayer("items").getWeights().get(0).toFloatArray();
        }
        assertArrayEquals(users[0], users[1], 0f, "a user row one partition changed is that partition's, either way");
        java.util.Set<Long> inLow = new java.util.HashSet<>();
        java.util.Set<Long> inHigh = new java.util.HashSet<>();
        for (int r = 0; r < rows.size(); r++) {
            (r < firstHalf ? inLow : inHigh).add(rows.get(r).getLong(1));
        }
        int both = 0;
        for (int k = 0; k < start.length; k++) {
            long item = k / 6;
            float averaged = items[0][k] - start[k];
            float added = items[1][k] - start[k];
            if (inLow.contains(item) && inHigh.contains(item)) {
                both++;
                assertEquals(2 * averaged, added, 1e-6f, "item element " + k + ", changed by both partitions");
            } else {
                assertEquals(items[0][k], items[1][k], 0f, "item element " + k + ", changed by one partition or none");
            }
        }
        assertTrue(both > 0);
    }

    @Test
    void aTableRowUsedByNoPartitionKeepsItsValueAndState() {
        Data train = data(200, 4);
        Model model = recommender();
        float[] before = model.getLayer("items").getWeights().get(0).toFloatArray();
        // no row uses item 69 or above 60 (ids drawn below 70, then filtered)
        Dataset<Row> rows = train.frame(2).where("item < 60");
        History h = TensorkitSpark.fit(model, rows, List.of("user", "item"), "rating",
                SparkFitOptions.builder().rounds(2).seed(1).build());
        assertEquals(2, h.epochs());
        float[] after = model.getLayer("items").getWeights().get(0).toFloatArray();
        for (int row = 60; row < 70; row++) {
            for (int k = 0; k < 6; k++) {
                assertEquals(Float.floatToIntBits(before[row * 6 + k]), Float.floatToIntBits(after[row * 6 + k]),
                        "unused row " + row);
            }
        }
        List<Tensor> state = model.compiled().orElseThrow().optimizer().state(model.trainableWeights());
        Network n = model;
        int items = n.trainableWeights().indexOf(model.getLayer("items").weights().get(0));
        float[] m = state.get(2 * items).toFloatArray();
        for (int k = 60 * 6; k < 70 * 6; k++) {
            assertEquals(0f, m[k], "an unused row has no moment");
        }
    }

    @Test
    void aModelFromJsonDrawsItsTablesOnTheExecutorsRepeatablyAndTrains() {
        Model described = recommender();
        String json = described.toJson();
        Data train = data(1000, 6);
        float[] first;
        try (ShardedModel a = ShardedModel.fromJson(spark, json, 3, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK_SER());
             ShardedModel b = ShardedModel.fromJson(spark, json, 2, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK())) {
            first = table(a, "items", 70, 6);
            // top-k from the shards, block by block, is the single-machine search over the whole tables
            Tensor users = Tensor.of(table(a, "users", 40, 6)).reshape(40, 6);
            Tensor items = Tensor.of(first).reshape(70, 6);
            List<Row> sharded = a.recommendForAllUsers("users", "items", 7).orderBy("user").collectAsList();
            List<Row> whole = TensorkitSpark.recommendForAllUsers(spark, users, items, 7).orderBy("user")
                    .collectAsList();
            assertEquals(40, sharded.size());
            assertEquals(whole, sharded);
            assertEquals(TensorkitSpark.similarItems(spark, items, 5).orderBy("item").collectAsList(),
                    a.similarItems("items", 5).orderBy("item").collectAsList(), "cosine, each item itself left out");
            IllegalArgumentException tooMany = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> a.similarItems("items", 70));
            assertTrue(tooMany.getMessage().contains("k = 70 must be in [1, 69]"), tooMany.getMessage());
            IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> a.recommendForAllUsers("users", "items", 71));
            assertTrue(bad.getMessage().contains("k = 71 must be in [1, 70]"), bad.getMessage());
            bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> a.recommendForAllUsers("users", "user_bias", 1));
            assertTrue(bad.getMessage().contains("users have dimension 6 and items 1"), bad.getMessage());
            assertArrayEquals(first, table(b, "items", 70, 6), 0f, "the same draws whatever the partitioning");
            for (float v : first) {
                assertTrue(v >= -0.05f && v < 0.05f && v != 0f, "U(-0.05, 0.05): " + v);
            }
            History h = a.fit(train.frame(2), List.of("user", "item"), "rating", SparkFitOptions.builder()
                    .rounds(4).batchSize(32).seed(3).build());
            assertTrue(h.last("loss") < h.get("loss").get(0), h.get("loss").toString());
            Network collected = org.tensorkit.models.Models.fromJson(json);
            List<Tensor> dense = collected.getLayer("head").getWeights();
            // before training the broadcast weights are what Models.fromJson draws (their seeds are in the JSON)
            assertEquals(described.getLayer("head").getWeights(), dense);
            a.collectInto(collected);
            assertEquals(4 * 16, collected.compiled().orElseThrow().optimizer().iterations());
            float[] after = collected.getLayer("items").getWeights().get(0).toFloatArray();
            assertArrayEquals(table(a, "items", 70, 6), after, 0f, "collected as sharded");
        }
        org.tensorkit.layers.Names.reset();
        SymbolicTensor in = Input.builder().shape(1).name("u").build();
        Model plain = Model.builder().inputs(in).outputs(Flatten.create().call(Embedding.builder().inputDim(3)
                .outputDim(2).build().call(in))).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ShardedModel.fromJson(spark, plain.toJson(), 2, org.apache.spark.storage.StorageLevel
                        .MEMORY_AND_DISK()));
        assertTrue(e.getMessage().contains("has no compile_config"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ShardedModel.fromJson(spark, "{oops", 2, org.apache.spark.storage.StorageLevel
                        .MEMORY_AND_DISK()));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    /** The bytes of entry {@code name} of a zip. */
    /**
     * A regularized table trains on Spark as on one machine: the penalty is row-sparse (the rows a step looks up),
     * which each partition's local model computes from the rows it holds; with one partition the History (the
     * penalty is in the loss) and the model are single-machine {@code fit}'s to the last bit.
     */
    @Test
    void regularizedTablesTrainAsOnOneMachine() {
        Data train = data(300, 51);
        org.tensorkit.layers.Regularizer l2 = org.tensorkit.layers.Regularizers.l2(0.05);
        Model alone = recommender(l2);
        History expected = alone.fit(train.x(), Tensor.of(train.ratings()), FitOptions.builder().batchSize(16)
                .epochs(2).shuffle(true).seed(8).verbose(Verbosity.SILENT).build());
        Model sharded = recommender(l2);
        History got;
        try (ShardedModel s = ShardedModel.of(spark, sharded, 3)) {
            got = s.fit(train.frame(1), List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(16)
                    .rounds(2).shuffle(true).seed(8).build());
            s.collectInto(sharded);
        }
        assertSameBits(expected.get("loss"), got.get("loss"), "loss");
        assertSameState(alone, sharded);
        Model plain = recommender();
        History unregularized = plain.fit(train.x(), Tensor.of(train.ratings()), FitOptions.builder().batchSize(16)
                .epochs(2).shuffle(true).seed(8).verbose(Verbosity.SILENT).build());
        assertTrue(expected.get("loss").get(0) > unregularized.get("loss").get(0), "the penalty is in the loss");
    }

    /**
     * Frozen rows train on Spark as on one machine: with one partition the model is single-machine {@code fit}'s to
     * the last bit, the frozen rows and their Adam state never move, no partition sends them back, and the collected
     * model and the file saved from the shards freeze them again.
     */
    @Test
    void frozenRowsTrainAsOnOneMachineStayPutAndAreNotSentBack(@org.junit.jupiter.api.io.TempDir
                                                                  java.nio.file.Path dir) throws java.io.IOException {
        org.tensorkit.layers.RowSet frozenItems = org.tensorkit.layers.RowSet.ofRanges(0, 30, 60, 70);
        org.tensorkit.layers.RowSet frozenUsers = org.tensorkit.layers.RowSet.of(3, 5, 7);
        Data train = data(300, 31);
        Model alone = recommender();
        freeze(alone, frozenItems, frozenUsers);
        float[] before = alone.getLayer("items").getWeights().get(0).toFloatArray();
        alone.fit(train.x(), Tensor.of(train.ratings()), FitOptions.builder().batchSize(16).epochs(2).shuffle(true)
                .seed(4).verbose(Verbosity.SILENT).build());

        Model sharded = recommender();
        freeze(sharded, frozenItems, frozenUsers);
        Network collected = org.tensorkit.models.Models.fromJson(sharded.toJson()); // no frozen rows of its own
        java.nio.file.Path file = dir.resolve("frozen.keras");
        try (ShardedModel s = ShardedModel.of(spark, sharded, 3)) {
            s.fit(train.frame(1), List.of("user", "item"), "rating", SparkFitOptions.builder().batchSize(16)
                    .rounds(2).shuffle(true).seed(4).build());
            long usedItems = java.util.Arrays.stream(train.items()).mapToLong(r -> r[0]).distinct().count();
            long usedFrozenItems = java.util.Arrays.stream(train.items()).mapToLong(r -> r[0]).distinct()
                    .filter(frozenItems::contains).count();
            long usedUsers = java.util.Arrays.stream(train.users()).mapToLong(r -> r[0]).distinct().count();
            long usedFrozenUsers = java.util.Arrays.stream(train.users()).mapToLong(r -> r[0]).distinct()
                    .filter(frozenUsers::contains).count();
            Round first = s.rounds().get(0);
            assertEquals(usedItems + 2 * usedUsers, first.rowsShipped(), "every row the ids use is shipped");
            assertEquals(usedItems - usedFrozenItems + 2 * usedUsers - 2 * usedFrozenUsers, first.rowsReturned(),
                    "the frozen ones do not come back (users and user_bias share the user ids)");
            s.collectInto(collected);
            s.save(file);
        }
        assertSameState(alone, collected);
        float[] after = collected.getLayer("items").getWeights().get(0).toFloatArray();
        for (long row : frozenItems.toArray()) {
            for (int j = 0; j < 6; j++) {
                assertEquals(before[(int) row * 6 + j], after[(int) row * 6 + j], 0f, "frozen item " + row);
            }
        }
        Network loaded = org.tensorkit.models.Models.load(file);
        for (Network m : List.<Network>of(collected, loaded)) {
            assertEquals(frozenItems, ((Embedding) m.getLayer("items")).embeddings().frozenRows());
            assertEquals(frozenUsers, ((Embedding) m.getLayer("users")).embeddings().frozenRows());
        }
        assertEquals(collected.getWeights(), loaded.getWeights());
    }

    /**
     * {@link #recommender} fed keys: user names through a StringLookup whose vocabulary is in its config, item keys
     * (longs) through an IntegerLookup adapted to them (its vocabulary an asset of the file).
     */
    static Model keyedRecommender() {
        SymbolicTensor user = Input.builder().shape(1).dtype(org.tensorkit.core.DType.STRING).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).dtype(org.tensorkit.core.DType.INT64).name("item").build();
        List<String> names = new ArrayList<>();
        for (int u = 0; u < 39; u++) {
            names.add("user" + u); // user39 is left out: it maps to the OOV row
        }
        org.tensorkit.layers.preprocessing.StringLookup users = org.tensorkit.layers.preprocessing.StringLookup
                .builder().vocabulary(names).name("user_ids").build();
        org.tensorkit.layers.preprocessing.IntegerLookup items = org.tensorkit.layers.preprocessing.IntegerLookup
                .builder().name("item_ids").build();
        long[] keys = new long[70];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = itemKey(i);
        }
        items.adapt(Tensor.of(keys));
        SymbolicTensor uid = users.call(user);
        SymbolicTensor iid = items.call(item);
        Model m = Model.builder().inputs(user, item).outputs(scores(uid, iid, 71, null)).name("keyed").build();
        m.compile(Adam.builder().learningRate(0.01).build(), Losses.mse(), Metrics.mae());
        return m;
    }

    private static long itemKey(long item) {
        return 1_000_003L * item + 17;
    }

    /**
     * Tables fed through lookups train on Spark as on one machine: the executors map each partition's keys to ids
     * with the model's own lookups, the local models take the ids; with one partition the result is single-machine
     * {@code fit}'s to the last bit, and the file saved from the shards is the collected model's file, lookups and
     * adapted vocabulary included.
     */
    @Test
    void tablesFedThroughLookupsTrainAsOnOneMachineAndSaveWithTheirVocabularies(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        Data train = data(300, 41);
        String[][] userKeys = new String[train.users().length][1];
        long[][] itemKeys = new long[train.items().length][1];
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < userKeys.length; r++) {
            userKeys[r][0] = "user" + train.users()[r][0];
            itemKeys[r][0] = itemKey(train.items()[r][0]);
            rows.add(RowFactory.create(userKeys[r][0], itemKeys[r][0], train.ratings()[r]));
        }
        StructType schema = new StructType().add("user", DataTypes.StringType, false)
                .add("item", DataTypes.LongType, false).add("rating", DataTypes.FloatType, false);
        Model alone = keyedRecommender();
        alone.fit(List.of(Tensor.of(userKeys), Tensor.of(itemKeys)), Tensor.of(train.ratings()), FitOptions.builder()
                .batchSize(16).epochs(2).shuffle(true).seed(6).verbose(Verbosity.SILENT).build());

        Model sharded = keyedRecommender();
        java.nio.file.Path fromShards = dir.resolve("shards.keras");
        java.nio.file.Path fromDriver = dir.resolve("driver.keras");
        try (ShardedModel s = ShardedModel.of(spark, sharded, 3)) {
            s.fit(spark.createDataFrame(rows, schema).coalesce(1), List.of("user", "item"), "rating",
                    SparkFitOptions.builder().batchSize(16).rounds(2).shuffle(true).seed(6).build());
            s.save(fromShards);
            s.collectInto(sharded);
        }
        assertSameState(alone, sharded);
        sharded.save(fromDriver);
        for (String entry : List.of("model.weights.h5", "config.json",
                "assets/layers/integer_lookup/vocabulary.txt")) {
            assertArrayEquals(entry(fromDriver, entry), entry(fromShards, entry), entry);
        }
        Network loaded = org.tensorkit.models.Models.load(fromShards);
        assertArrayEquals(sharded.predict(List.of(Tensor.of(userKeys), Tensor.of(itemKeys))).get(0).toFloatArray(),
                loaded.predict(List.of(Tensor.of(userKeys), Tensor.of(itemKeys))).get(0).toFloatArray(), 0f,
                "the saved model predicts from the keys");
    }

    /**
     * With several partitions, a model fed keys through lookups trains to the bits of the same model fed the ids its
     * lookups give: the executors' key mapping changes nothing but the columns' type.
     */
    @Test
    void withSeveralPartitionsAKeyedModelTrainsAsTheModelFedItsLookupsIds() {
        Data train = data(400, 43);
        String[][] userKeys = new String[train.users().length][1];
        long[][] itemKeys = new long[train.items().length][1];
        for (int r = 0; r < userKeys.length; r++) {
            userKeys[r][0] = "user" + train.users()[r][0];
            itemKeys[r][0] = itemKey(train.items()[r][0]);
        }
        Model keyed = keyedRecommender();
        long[] userIds = keyed.getLayer("user_ids").call(Tensor.of(userKeys)).toLongArray();
        long[] itemIds = keyed.getLayer("item_ids").call(Tensor.of(itemKeys)).toLongArray();
        List<Row> keyRows = new ArrayList<>();
        List<Row> idRows = new ArrayList<>();
        for (int r = 0; r < userKeys.length; r++) {
            keyRows.add(RowFactory.create(userKeys[r][0], itemKeys[r][0], train.ratings()[r]));
            idRows.add(RowFactory.create(userIds[r], itemIds[r], train.ratings()[r]));
        }
        StructType keySchema = new StructType().add("user", DataTypes.StringType, false)
                .add("item", DataTypes.LongType, false).add("rating", DataTypes.FloatType, false);
        StructType idSchema = new StructType().add("user", DataTypes.LongType, false)
                .add("item", DataTypes.LongType, false).add("rating", DataTypes.FloatType, false);
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Model ids = Model.builder().inputs(user, item).outputs(scores(user, item, 71, null)).name("ids").build();
        ids.compile(Adam.builder().learningRate(0.01).build(), Losses.mse(), Metrics.mae());
        // the same rows into the same two partitions: the fit's own round-robin over one ordered partition (a
        // DataFrame's repartition sorts rows by their bytes first, which differ between keys and ids)
        SparkFitOptions options = SparkFitOptions.builder().batchSize(16).rounds(2).shuffle(true).seed(2)
                .partitions(2).build();
        History fromKeys;
        History fromIds;
        try (ShardedModel s = ShardedModel.of(spark, keyed, 3)) {
            fromKeys = s.fit(spark.createDataFrame(keyRows, keySchema).coalesce(1),
                    List.of("user", "item"), "rating", options);
            long used = 2 * java.util.Arrays.stream(userIds).distinct().count()
                    + java.util.Arrays.stream(itemIds).distinct().count();
            assertTrue(s.rounds().get(0).rowsShipped() > used, "rows both partitions use are shipped twice");
            s.collectInto(keyed);
        }
        try (ShardedModel s = ShardedModel.of(spark, ids, 3)) {
            fromIds = s.fit(spark.createDataFrame(idRows, idSchema).coalesce(1),
                    List.of("user", "item"), "rating", options);
            s.collectInto(ids);
        }
        assertSameBits(fromIds.get("loss"), fromKeys.get("loss"), "loss");
        assertSameState(ids, keyed);
    }

    /** A table fed through Hashing (string tags into 16 bins) trains on Spark as on one machine. */
    @Test
    void aTableFedThroughHashingTrainsAsOnOneMachine() {
        java.util.function.Supplier<Model> build = () -> {
            SymbolicTensor tag = Input.builder().shape(1).dtype(org.tensorkit.core.DType.STRING).name("tag").build();
            SymbolicTensor bins = org.tensorkit.layers.preprocessing.Hashing.builder().numBins(16).name("bins").build()
                    .call(tag);
            SymbolicTensor out = Dense.builder().units(1).seed(2).name("head").build().call(Flatten.create().call(
                    Embedding.builder().inputDim(16).outputDim(4).seed(1).name("tags").build().call(bins)));
            Model m = Model.builder().inputs(tag).outputs(out).name("tagged").build();
            m.compile(Adam.builder().learningRate(0.01).build(), Losses.mse());
            return m;
        };
        int n = 200;
        String[][] tags = new String[n][1];
        float[] targets = new float[n];
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            tags[r][0] = "t" + (r * 7 % 23);
            targets[r] = r * 7 % 23 % 5;
            rows.add(RowFactory.create(tags[r][0], targets[r]));
        }
        StructType schema = new StructType().add("tag", DataTypes.StringType, false)
                .add("y", DataTypes.FloatType, false);
        Model alone = build.get();
        History expected = alone.fit(List.of(Tensor.of(tags)), Tensor.of(targets), FitOptions.builder().batchSize(8)
                .epochs(2).shuffle(true).seed(3).verbose(Verbosity.SILENT).build());
        Model sharded = build.get();
        History got;
        try (ShardedModel s = ShardedModel.of(spark, sharded, 2)) {
            got = s.fit(spark.createDataFrame(rows, schema).coalesce(1), List.of("tag"), "y", SparkFitOptions
                    .builder().batchSize(8).rounds(2).shuffle(true).seed(3).build());
            s.collectInto(sharded);
        }
        assertSameBits(expected.get("loss"), got.get("loss"), "loss");
        assertSameState(alone, sharded);
    }

    private static void freeze(Model m, org.tensorkit.layers.RowSet items, org.tensorkit.layers.RowSet users) {
        ((Embedding) m.getLayer("items")).embeddings().freezeRows(items);
        ((Embedding) m.getLayer("users")).embeddings().freezeRows(users);
        ((Embedding) m.getLayer("user_bias")).embeddings().freezeRows(users);
    }

    private static byte[] entry(java.nio.file.Path zip, String name) throws java.io.IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry(name)).readAllBytes();
        }
    }

    /**
     * A sharded model saves, from its shards, the very weights file and config a driver model holding the collected
     * state saves; the file loads back as that model, optimizer state included.
     */
    @Test
    void aShardedModelSavesTheFileItsCollectedModelSaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Data train = data(600, 12);
        java.nio.file.Path fromShards = dir.resolve("shards.keras");
        java.nio.file.Path fromDriver = dir.resolve("driver.keras");
        String json = recommender().toJson();
        Network collected = org.tensorkit.models.Models.fromJson(json);
        try (ShardedModel s = ShardedModel.fromJson(spark, json, 3,
                org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK())) {
            s.fit(train.frame(2), List.of("user", "item"), "rating", SparkFitOptions.builder().rounds(2)
                    .batchSize(32).seed(5).build());
            s.save(fromShards);
            s.collectInto(collected);
            byte[] before = java.nio.file.Files.readAllBytes(fromShards);
            org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> s.save(fromShards, false));
            assertArrayEquals(before, java.nio.file.Files.readAllBytes(fromShards), "a refused save changes nothing");
        }
        collected.save(fromDriver);
        assertArrayEquals(entry(fromDriver, "model.weights.h5"), entry(fromShards, "model.weights.h5"));
        assertArrayEquals(entry(fromDriver, "config.json"), entry(fromShards, "config.json"));
        Network loaded = org.tensorkit.models.Models.load(fromShards);
        assertEquals(collected.summaryString(), loaded.summaryString());
        assertSameState(collected, loaded);
        assertEquals(2 * 10, loaded.compiled().orElseThrow().optimizer().iterations());
    }

    /** A sharded table's rows, collected in row order. */
    static float[] table(ShardedModel s, String layer, int rows, int width) {
        float[] out = new float[rows * width];
        for (scala.Tuple2<Long, float[]> r : s.rows(layer).collect()) {
            assertEquals(width, r._2().length);
            System.arraycopy(r._2(), 0, out, (int) (r._1() * width), width);
        }
        return out;
    }

    static int[][] concat(int[][] a, int[][] b) {
        int[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static long[][] concat(long[][] a, long[][] b) {
        long[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
