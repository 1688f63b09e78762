package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorkit.spark.ShardedModelTest.assertSameBits;
import static org.tensorkit.spark.ShardedModelTest.data;
import static org.tensorkit.spark.ShardedModelTest.recommender;
import static org.tensorkit.spark.ShardedModelTest.table;

import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorkit.models.training.History;
import org.tensorkit.spark.ShardedModelTest.Data;

/**
 * Reliable checkpoints, in a Spark session of their own: a SparkContext's checkpoint directory, once set, stays set
 * and changes what the fits after it do by default.
 */
class ShardedModelCheckpointTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TensorkitSpark.localSession("tensorkit-checkpoint-test", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static long checkpoints(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("rdd-")).count();
        }
    }

    /**
     * Reliable checkpoints leave the training as it is (History and tables to the last bit), keep one round's files
     * (the last), survive the loss of every cached block of the tables (which fails a locally checkpointed model),
     * and go with the model; without a checkpoint directory they are refused before anything trains. Unset, they are
     * used exactly when the SparkContext has a checkpoint directory.
     */
    @Test
    void reliableCheckpointsTrainTheSameModelAndKeepOneRoundsFiles(@org.junit.jupiter.api.io.TempDir
                                                                   java.nio.file.Path dir) throws java.io.IOException {
        Data train = data(500, 21);
        String json = recommender().toJson();
        SparkFitOptions.Builder options = SparkFitOptions.builder().rounds(3).batchSize(32).seed(4);
        try (ShardedModel s = ShardedModel.fromJson(spark, json, 2, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK())) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> s.fit(train.frame(spark, 2), List.of("user", "item"), "rating",
                            options.reliableCheckpoints(true).build()));
            assertTrue(e.getMessage().contains("reliableCheckpoints needs the SparkContext's checkpoint directory"),
                    e.getMessage());
            assertEquals(List.of(), s.rounds(), "nothing trained");
        }
        History local;
        float[] localItems;
        try (ShardedModel s = ShardedModel.fromJson(spark, json, 2, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK())) {
            // unset: no checkpoint directory, so the tables are checkpointed locally
            local = s.fit(train.frame(spark, 2), List.of("user", "item"), "rating", SparkFitOptions.builder()
                    .rounds(3).batchSize(32).seed(4).build());
            assertTrue(s.checkpointFile().isEmpty());
            localItems = table(s, "items", 70, 6);
            s.dropCachedTables();      // the executors holding the locally checkpointed tables are lost
            org.apache.spark.SparkException lost = org.junit.jupiter.api.Assertions.assertThrows(
                    org.apache.spark.SparkException.class, () -> s.rows("items").count());
            assertTrue(lost.getMessage().contains("Checkpoint block"), lost.getMessage());
        }
        spark.sparkContext().setCheckpointDir(dir.toString());
        try (ShardedModel s = ShardedModel.fromJson(spark, json, 2, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK())) {
            History reliable = s.fit(train.frame(spark, 2), List.of("user", "item"), "rating",
                    options.reliableCheckpoints(true).build());
            for (String key : local.history().keySet()) {
                assertSameBits(local.get(key), reliable.get(key), key);
            }
            assertArrayEquals(localItems, table(s, "items", 70, 6), 0f);
            assertTrue(s.checkpointFile().isPresent(), "the last round's tables are checkpointed");
            assertEquals(1, checkpoints(dir), "the rounds before are deleted");
            s.dropCachedTables();      // the same loss: the rows come back from the checkpoint files
            assertArrayEquals(localItems, table(s, "items", 70, 6), 0f);
        }
        assertEquals(0, checkpoints(dir), "close deletes the last round's files");

        // with the directory set, unset means reliable (MLlib's ALS rule), and false still means local
        try (ShardedModel s = ShardedModel.fromJson(spark, json, 2, org.apache.spark.storage.StorageLevel
                .MEMORY_AND_DISK())) {
            s.fit(train.frame(spark, 2), List.of("user", "item"), "rating", SparkFitOptions.builder().rounds(1)
                    .batchSize(32).seed(4).build());
            assertTrue(s.checkpointFile().isPresent(), "checkpointed reliably by default");
            assertEquals(1, checkpoints(dir));
            s.fit(train.frame(spark, 2), List.of("user", "item"), "rating", SparkFitOptions.builder().rounds(1)
                    .batchSize(32).seed(4).reliableCheckpoints(false).build());
            assertTrue(s.checkpointFile().isEmpty(), "locally when asked");
            assertEquals(0, checkpoints(dir), "the reliable round's files are deleted once the next round's are kept");
        }
    }

}
