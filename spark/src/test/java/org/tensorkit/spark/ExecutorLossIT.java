package org.tensorkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorkit.spark.ShardedModelTest.assertSameBits;
import static org.tensorkit.spark.ShardedModelTest.data;
import static org.tensorkit.spark.ShardedModelTest.recommender;
import static org.tensorkit.spark.ShardedModelTest.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.spark.SparkException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.models.training.History;

/**
 * Executors that really die (run by Failsafe after {@code package}). Spark's {@code local-cluster} mode runs a
 * standalone master and two workers in this JVM, and each executor in a JVM of its own, laid out as on a cluster:
 * Spark's jars, then the cluster jar. Between two fits every executor JVM is killed ({@code SIGKILL}, as a crashed
 * machine dies): the cached shards of the tables go with them, and the workers start new executors. A model
 * checkpointed reliably then trains on to the bits of a model that lost nothing; a model checkpointed locally
 * (Spark's {@code localCheckpoint}, the choice without a checkpoint directory) cannot, and says so. Failsafe sets
 * {@code SPARK_HOME} to an empty Spark home under {@code target/it} (the workers look there for Spark's jars and
 * find none; the executors' class path is given whole) and {@code SPARK_LOCAL_IP} to the loopback address.
 */
class ExecutorLossIT {
    private static final List<String> INPUTS = List.of("user", "item");

    private static SparkSession spark;
    /** The executors alive now, by id, as the scheduler's events tell them. */
    private static final Set<String> ALIVE = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        String executorClasspath = executorClasspath(ClusterJarIT.jar("-cluster\\.jar"));
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("tensorkit-executor-loss")
                .config("spark.executor.extraClassPath", executorClasspath)
                .config("spark.executorEnv.SPARK_SCALA_VERSION", scala.util.Properties.versionNumberString()
                        .replaceAll("^(\\d+\\.\\d+).*", "$1"))
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                // registered as the context starts, before any executor can register
                .config("spark.extraListeners", Executors.class.getName()).getOrCreate();
        awaitExecutors(Set.of());
    }

    /**
     * The executors' class path, absolute (an executor runs in a work directory of its own): Guava 14 as a
     * distribution ships it, Spark's jars as the build resolves them (the driver's Spark: this JVM's), the cluster
     * jar ({@code clusterJar}, absolute as {@link ClusterJarIT#jar} gives it), the test classes.
     */
    private static String executorClasspath(Path clusterJar) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        return String.join(java.io.File.pathSeparator, target.resolve("it/guava-14.0.1.jar").toString(),
                Files.readString(target.resolve("it/spark.classpath")).strip(), clusterJar.toString(),
                target.resolve("test-classes").toString());
    }

    /** Tasks started since the last reset. */
    private static final AtomicInteger TASKS = new AtomicInteger();
    /** The task start at which every executor is killed (counted as {@link #TASKS}); 0 for none. */
    private static final AtomicInteger KILL_AT_TASK = new AtomicInteger();
    /** The executors killed at {@link #KILL_AT_TASK}, once it came. */
    private static final AtomicReference<List<ProcessHandle>> KILLED = new AtomicReference<>();

    /** Keeps {@link #ALIVE} as the scheduler's events tell it, counts tasks, and kills at {@link #KILL_AT_TASK}. */
    public static final class Executors extends SparkListener {
        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            if (TASKS.incrementAndGet() == KILL_AT_TASK.get()) {
                KILLED.set(sigkillEveryExecutor()); // without waiting: this is the listener bus's thread
            }
        }

        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded added) {
            ALIVE.add(added.executorId());
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
            ALIVE.remove(removed.executorId());
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Waits until two executors are alive, none of them in {@code dead}. */
    private static void awaitExecutors(Set<String> dead) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (ALIVE.size() < 2 || ALIVE.stream().anyMatch(dead::contains)) {
            assertTrue(System.nanoTime() < deadline, "two new executors within 2 minutes; alive: " + ALIVE);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A process's command line, its arguments joined by spaces, read from {@code /proc} (Linux, as the natives are):
     * {@code ProcessHandle.Info} gives nothing for a command line as long as an executor's class path.
     */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // it has exited
        }
    }

    /** Sends {@code SIGKILL} to every executor JVM of this application; returns them. */
    private static List<ProcessHandle> sigkillEveryExecutor() {
        String app = "--app-id " + spark.sparkContext().applicationId();
        List<ProcessHandle> executors = ProcessHandle.current().children()
                .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend") && commandLine(p).contains(app))
                .toList();
        assertEquals(2, executors.size(), "one executor JVM per worker");
        for (ProcessHandle p : executors) {
            assertTrue(p.destroyForcibly(), "SIGKILL sent");
        }
        return executors;
    }

    /** Kills every executor JVM of this application, waits for them to die, and for the workers' replacements. */
    private static void killEveryExecutor() {
        Set<String> before = Set.copyOf(ALIVE);
        for (ProcessHandle p : sigkillEveryExecutor()) {
            p.onExit().join();
        }
        awaitExecutors(before);
    }

    /** The ratings, in two slices of an RDD. */
    private static Dataset<Row> frame() {
        // as files' splits are: a lost partition comes back with the same rows in the same order (a shuffled
        // dataset's partition may come back in another order, the order its blocks arrive in)
        return spark.createDataFrame(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(data(500, 21).rows(), 2), ShardedModelTest.SCHEMA).cache();
    }

    /** A sharded model of {@code json}'s, its tables in 2 partitions. */
    private static ShardedModel sharded(String json) {
        return ShardedModel.fromJson(spark, json, 2, StorageLevel.MEMORY_AND_DISK());
    }

    /** What a fit leaves: its History and both tables. */
    private record Trained(History history, float[] items, float[] users) {
        static Trained of(ShardedModel s, History history) {
            return new Trained(history, table(s, "items", 70, 6), table(s, "users", 40, 6));
        }

        /** Asserts that {@code got} is this, to the bit. */
        void assertSameBitsAs(Trained got) {
            for (String key : history.history().keySet()) {
                assertSameBits(history.get(key), got.history().get(key), key);
            }
            assertArrayEquals(items, got.items(), 0f);
            assertArrayEquals(users, got.users(), 0f);
        }
    }

    @Test
    void aReliablyCheckpointedModelTrainsOnAfterEveryExecutorDiesAsIfNoneHad(@TempDir Path dir) {
        spark.sparkContext().setCheckpointDir(dir.toString());
        Dataset<Row> frame = frame();
        String json = recommender().toJson();
        SparkFitOptions options = SparkFitOptions.builder().rounds(2).batchSize(32).seed(4).build();
        Trained expected;
        try (ShardedModel s = sharded(json)) {
            s.fit(frame, INPUTS, "rating", options);
            expected = Trained.of(s, s.fit(frame, INPUTS, "rating", options));
        }
        try (ShardedModel s = sharded(json)) {
            s.fit(frame, INPUTS, "rating", options);
            assertTrue(s.checkpointFile().isPresent(), "checkpointed reliably: the context has a directory");
            killEveryExecutor();
            expected.assertSameBitsAs(Trained.of(s, s.fit(frame, INPUTS, "rating", options)));
        }

        // the same loss under local checkpoints: the shards' only copy died with the executors
        try (ShardedModel s = sharded(json)) {
            s.fit(frame, INPUTS, "rating", SparkFitOptions.builder().rounds(2).batchSize(32).seed(4)
                    .reliableCheckpoints(false).build());
            assertTrue(s.checkpointFile().isEmpty());
            killEveryExecutor();
            SparkException lost = assertThrows(SparkException.class, () -> s.rows("items").count());
            assertTrue(lost.getMessage().contains("Checkpoint block"), lost.getMessage());
        }
        frame.unpersist();
    }

    /**
     * Every executor killed in the middle of a fit, halfway through its tasks (a round's jobs running): Spark
     * reruns the lost tasks on the new executors, the tables come back from the last round's checkpoint, and the
     * fit ends with the History and tables of a fit that lost nothing.
     */
    @Test
    void everyExecutorKilledInTheMiddleOfARoundCostsTimeNotBits(@TempDir Path dir) {
        spark.sparkContext().setCheckpointDir(dir.toString());
        Dataset<Row> frame = frame();
        frame.count();
        String json = recommender().toJson();
        SparkFitOptions options = SparkFitOptions.builder().rounds(3).batchSize(32).seed(4).build();
        Trained expected;
        int tasks;
        try (ShardedModel s = sharded(json)) {
            TASKS.set(0);
            History history = s.fit(frame, INPUTS, "rating", options);
            tasks = TASKS.get();
            expected = Trained.of(s, history);
        }
        try (ShardedModel s = sharded(json)) {
            Set<String> before = Set.copyOf(ALIVE);
            KILLED.set(null);
            TASKS.set(0);
            KILL_AT_TASK.set(tasks / 2);
            History got;
            try {
                got = s.fit(frame, INPUTS, "rating", options);
            } finally {
                KILL_AT_TASK.set(0);
            }
            assertTrue(KILLED.get() != null, "the executors were killed during the fit (task " + tasks / 2 + " of "
                    + tasks + ")");
            KILLED.get().forEach(p -> p.onExit().join());
            awaitExecutors(before);
            expected.assertSameBitsAs(Trained.of(s, got));
        }
        frame.unpersist();
    }
}
