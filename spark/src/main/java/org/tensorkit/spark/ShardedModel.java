package org.tensorkit.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.Network;
import org.tensorkit.models.optimizers.Optimizer;
import org.tensorkit.models.saving.ExternalTables;
import org.tensorkit.models.saving.KerasFiles;
import org.tensorkit.models.training.History;
import org.tensorkit.spark.internal.Block;
import org.tensorkit.spark.internal.Columns;
import org.tensorkit.spark.internal.DenseState;
import org.tensorkit.spark.internal.ExactPartitioner;
import org.tensorkit.spark.internal.KeyMaps;
import org.tensorkit.spark.internal.LocalRound;
import org.tensorkit.spark.internal.Means;
import org.tensorkit.spark.internal.Plan;
import org.tensorkit.spark.internal.TableInit;
import scala.Tuple2;

/**
 * A compiled model trained data-parallel on Spark, its embedding tables <b>row-sharded</b>: every table's rows,
 * with their optimizer state (Adam's two moments per row), live in one cached, hash-partitioned RDD keyed by
 * (table, row), never whole on the driver nor broadcast; all other weights (Dense kernels, biases) are small and
 * broadcast.
 *
 * <p><b>A round</b> ({@link #fit}): every data partition receives exactly the table rows its ids use (a join of
 * the partition's distinct ids with the sharded rows, the way MLlib's ALS ships factor blocks to rating blocks),
 * rebuilds the model with each table cut to those rows, trains one epoch over its rows with the model's own
 * {@code fit} (starting from the optimizer's global step), and sends back only the rows its ids touched. A row's
 * new value and optimizer state are the mean of the partitions that touched it; untouched rows are not moved. The
 * broadcast weights and their optimizer state are the mean over all partitions ({@code treeAggregate}); the step
 * count advances by the most steps a partition took. With one data partition a round is exactly an epoch of
 * single-machine {@code fit}: the same History and weights, to the last bit.
 *
 * <p>Every mean is taken in an order Spark's scheduling cannot change (rows in partition order, broadcast weights
 * and logs summed exactly), so the same data, partitioning and seed give the same model on every run.
 *
 * <p>Made from a model on the driver ({@link #of}), or from a model's JSON with every table drawn on the executors
 * ({@link #fromJson}: no table is ever whole anywhere). Top-k answers come from the shards too
 * ({@link #recommendForAllUsers}, {@link #similarItems}); {@link #collectInto} brings the trained state back to an
 * ordinary model when it fits on the driver.
 *
 * <p>Not thread-safe; {@link #close()} releases the cached state.
 */
public final class ShardedModel implements AutoCloseable {
    /** Table rows per chunk when a driver's table is first sharded. */
    private static final int CHUNK_ROWS = 4096;

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final Plan plan;
    private final Network template;
    private final String json;
    private final HashPartitioner tablePartitioner;
    private final StorageLevel tableLevel;
    private JavaPairRDD<Long, float[]> table;
    private DenseState dense;
    private final List<Round> rounds = new ArrayList<>();
    private boolean closed;

    private ShardedModel(SparkSession spark, Plan plan, Network template, String json,
                         HashPartitioner tablePartitioner, StorageLevel tableLevel, JavaPairRDD<Long, float[]> table,
                         DenseState dense) {
        this.tableLevel = tableLevel;
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.plan = plan;
        this.template = template;
        this.json = json;
        this.tablePartitioner = tablePartitioner;
        this.table = table;
        this.dense = dense;
    }

    /**
     * {@code model}'s tables sharded into {@code tablePartitions} partitions, its other weights and the optimizer's
     * state (step count, slots) taken as they are now: a model trained before goes on from where it is.
     *
     * @param spark the session
     * @param model a compiled model whose tables are each fed by model inputs, straight or through a lookup
     * @param tablePartitions partitions of the sharded tables, at least 1
     * @throws IllegalStateException if the model is not compiled
     * @throws IllegalArgumentException if a table is fed by another layer than an input or a lookup of one, an input or
     *     lookup that feeds a table also feeds another kind of layer, or the partition count is below 1
     */
    public static ShardedModel of(SparkSession spark, Network model, int tablePartitions) {
        return of(spark, model, tablePartitions, StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * {@link #of(SparkSession, Network, int)} with the tables kept at {@code level} (every round's new rows too):
     * {@code MEMORY_AND_DISK_SER} keeps them compact, and any level with disk lets them spill.
     */
    public static ShardedModel of(SparkSession spark, Network model, int tablePartitions, StorageLevel level) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(level, "level");
        checkPartitions(tablePartitions);
        Plan plan = Plan.of(model);
        List<Weight> weights = model.weights();
        Optimizer optimizer = model.compiled().orElseThrow().optimizer();
        List<Tensor> state = optimizer.state(model.trainableWeights());
        long[][] shapes = new long[weights.size()][];
        float[][] values = new float[weights.size()][];
        float[][][] slots = new float[weights.size()][][];
        List<Chunk> chunks = new ArrayList<>();
        for (int k = 0; k < weights.size(); k++) {
            shapes[k] = weights.get(k).shape().toArray();
            int ti = plan.trainableIndex(k);
            float[] v = weights.get(k).read().toFloatArray();
            float[][] s = new float[ti >= 0 ? plan.slots() : 0][];
            for (int j = 0; j < s.length; j++) {
                s[j] = state.get(ti * plan.slots() + j).toFloatArray();
            }
            int t = plan.weightTable(k);
            if (t < 0) {
                values[k] = v;
                slots[k] = ti >= 0 ? s : null;
            } else {
                chunks.addAll(chunks(plan, t, v, s));
            }
        }
        state.forEach(Tensor::close);
        return sharded(spark, plan, model.toJson(), tablePartitions, level, chunks, Chunk::rows,
                new DenseState(optimizer.iterations(), shapes, values, slots));
    }

    /**
     * The sharded model whose table rows {@code rows} makes of {@code items} on the executors: the rows hashed into
     * {@code tablePartitions} partitions, kept at {@code level} and computed once now.
     */
    private static <T> ShardedModel sharded(SparkSession spark, Plan plan, String json, int tablePartitions,
                                            StorageLevel level, List<T> items,
                                            PairFlatMapFunction<T, Long, float[]> rows, DenseState dense) {
        HashPartitioner partitioner = new HashPartitioner(tablePartitions);
        JavaPairRDD<Long, float[]> table = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(items, Math.max(1, Math.min(items.size(), tablePartitions)))
                .flatMapToPair(rows)
                .partitionBy(partitioner)
                .persist(level);
        table.count();
        return new ShardedModel(spark, plan, plan.standIn(), json, partitioner, level, table, dense);
    }

    private static void checkPartitions(int tablePartitions) {
        if (tablePartitions < 1) {
            throw new IllegalArgumentException("tablePartitions must be at least 1, got " + tablePartitions);
        }
    }

    /**
     * The compiled model a {@link Network#toJson()} text describes, built without ever holding a table whole: the
     * broadcast weights are drawn on the driver by their initializers (as {@code Models.fromJson} draws them), and
     * every table's rows are drawn on the executors, chunk by chunk, by the table's initializer
     * ({@code embeddings_initializer}; see {@link TableInit} for how the draws are split), with zero optimizer
     * state. So a table larger than the driver's memory, or any one executor's, trains.
     *
     * @param spark the session
     * @param json a compiled model's JSON (it has {@code compile_config})
     * @param tablePartitions partitions of the sharded tables, at least 1
     * @param level where the tables are kept
     * @throws IllegalArgumentException if the text is not a compiled model's JSON, or describes a model
     *     {@link #of} refuses
     */
    public static ShardedModel fromJson(SparkSession spark, String json, int tablePartitions, StorageLevel level) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(level, "level");
        checkPartitions(tablePartitions);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the model's JSON is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.has("compile_config")) {
            throw new IllegalArgumentException("the model's JSON has no compile_config: compile the model before "
                    + "it trains on Spark");
        }
        Map<String, Long> rows = new java.util.HashMap<>();
        Map<String, Map<String, Object>> initializers = new java.util.HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode layer : root.path("config").path("layers")) {
            if ("Embedding".equals(layer.path("class_name").asText())) {
                com.fasterxml.jackson.databind.node.ObjectNode config =
                        (com.fasterxml.jackson.databind.node.ObjectNode) layer.path("config");
                String name = config.path("name").asText();
                rows.put(name, config.path("input_dim").asLong());
                @SuppressWarnings("unchecked")
                Map<String, Object> init = mapper.convertValue(config.path("embeddings_initializer"), Map.class);
                // an unseeded initializer gets its seed here, once, so that every chunk draws from the same one
                initializers.put(name, org.tensorkit.layers.Initializer.fromConfig(init).config());
                config.put("input_dim", 1);
            }
        }
        Network small = org.tensorkit.models.Models.fromJson(root.toString());
        Plan plan = Plan.of(small).withRows(rows);
        List<Weight> weights = small.weights();
        long[][] shapes = new long[weights.size()][];
        float[][] values = new float[weights.size()][];
        float[][][] slots = new float[weights.size()][][];
        List<Tuple2<Integer, TableInit>> tagged = new ArrayList<>();
        for (int k = 0; k < weights.size(); k++) {
            shapes[k] = weights.get(k).shape().toArray();
            int t = plan.weightTable(k);
            int ti = plan.trainableIndex(k);
            if (t < 0) {
                values[k] = weights.get(k).read().toFloatArray();
                slots[k] = ti >= 0 ? new float[plan.slots()][values[k].length] : null;
                continue;
            }
            Plan.Table tb = plan.tables().get(t);
            shapes[k] = new long[] {tb.rows(), tb.width()};
            long chunk = 0;
            for (long start = 0; start < tb.rows(); start += CHUNK_ROWS, chunk++) {
                tagged.add(new Tuple2<>(t, new TableInit(initializers.get(tb.layer()), tb.rows(), tb.width(), start,
                        (int) Math.min(CHUNK_ROWS, tb.rows() - start), chunk)));
            }
        }
        Plan p = plan;
        return sharded(spark, plan, json, tablePartitions, level, tagged, e -> {
            int t = e._1();
            TableInit c = e._2();
            float[] v = c.values();
            int width = c.width();
            int stateWidth = p.stateWidth(t);
            List<Tuple2<Long, float[]>> out = new ArrayList<>(c.count());
            for (int r = 0; r < c.count(); r++) {
                float[] state = new float[stateWidth];
                System.arraycopy(v, r * width, state, 0, width);
                out.add(new Tuple2<>(p.key(t, c.start() + r), state));
            }
            return out.iterator();
        }, new DenseState(0, shapes, values, slots));
    }

    /** A run of a table's rows, each with its optimizer slots, as the driver ships them once. */
    private record Chunk(long[] keys, int width, float[] states) implements java.io.Serializable {
        Iterator<Tuple2<Long, float[]>> rows() {
            List<Tuple2<Long, float[]>> out = new ArrayList<>(keys.length);
            for (int r = 0; r < keys.length; r++) {
                out.add(new Tuple2<>(keys[r], java.util.Arrays.copyOfRange(states, r * width, (r + 1) * width)));
            }
            return out.iterator();
        }
    }

    private static List<Chunk> chunks(Plan plan, int t, float[] values, float[][] slots) {
        Plan.Table table = plan.tables().get(t);
        int width = table.width();
        int stateWidth = plan.stateWidth(t);
        int copies = stateWidth / width;
        List<Chunk> out = new ArrayList<>();
        for (long start = 0; start < table.rows(); start += CHUNK_ROWS) {
            int n = (int) Math.min(CHUNK_ROWS, table.rows() - start);
            long[] keys = new long[n];
            float[] states = new float[n * stateWidth];
            for (int r = 0; r < n; r++) {
                long row = start + r;
                keys[r] = plan.key(t, row);
                for (int c = 0; c < copies; c++) {
                    float[] from = c == 0 ? values : slots[c - 1];
                    System.arraycopy(from, (int) (row * width), states, r * stateWidth + c * width, width);
                }
            }
            out.add(new Chunk(keys, stateWidth, states));
        }
        return out;
    }

    /**
     * Trains for {@code options.rounds()} rounds on {@code data}; the History has one entry per round ({@code loss}
     * and the compiled metrics as sample-weighted means over the partitions' epochs, then {@code val_} logs when
     * validation rows are given), as {@code fit} has one per epoch. The data's rows are read and checked once,
     * before the first round: a null, a wrong type or an id outside its table fails the call before anything
     * trains.
     *
     * @param data the rows
     * @param inputColumns one column per model input, in the model's input order (integer ids for tables, or
     *     the keys of the lookup between input and table)
     * @param targetColumn the targets
     * @param options the settings
     * @return the History, one entry per round
     * @throws IllegalArgumentException for columns that do not fit the model (named), or bad rows (found on the
     *     executors, so inside Spark's {@code SparkException}, naming the row, the partition and the value)
     */
    public History fit(Dataset<Row> data, List<String> inputColumns, String targetColumn, SparkFitOptions options) {
        requireOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(inputColumns, "inputColumns");
        Objects.requireNonNull(targetColumn, "targetColumn");
        Objects.requireNonNull(options, "options");
        boolean reliable = options.reliableCheckpoints().orElse(jsc.getCheckpointDir().isPresent());
        if (reliable && !jsc.getCheckpointDir().isPresent()) {
            throw new IllegalStateException("reliableCheckpoints needs the SparkContext's checkpoint directory: call "
                    + "spark.sparkContext().setCheckpointDir(dir) (on reliable storage such as HDFS) first");
        }
        Columns columns = Columns.of(data.schema(), inputColumns, template, targetColumn, plan);
        Columns valColumns = options.validation().isPresent()
                ? Columns.of(options.validation().get().schema(), inputColumns, template, targetColumn, plan) : null;
        long seed = options.seed().orElseGet(() -> new SplittableRandom().nextLong());
        JavaRDD<Block> blocks = blocks(data, columns, options.partitions(), options.storageLevel());
        JavaRDD<Block> valBlocks = valColumns == null ? null
                : blocks(options.validation().get(), valColumns, 0, options.storageLevel());
        try {
            // reads and checks every row before anything trains
            if (blocks.map(Block::rows).fold(0, Integer::sum) == 0) {
                throw new IllegalArgumentException("fit: the data has no rows; expected at least one");
            }
            if (valBlocks != null && valBlocks.map(Block::rows).fold(0, Integer::sum) == 0) {
                throw new IllegalArgumentException("fit: the validation data has no rows; expected at least one");
            }
            List<Map<String, Double>> logs = new ArrayList<>();
            for (int r = 0; r < options.rounds(); r++) {
                long start = System.nanoTime();
                Map<String, Double> roundLogs = round(blocks, new LocalRound.Settings(options.batchSize(), r,
                        options.shuffle(), seed), options.rowUpdate() == SparkFitOptions.RowUpdate.ADD_CHANGES,
                        reliable, start);
                if (valBlocks != null) {
                    roundLogs.putAll(evaluate(valBlocks, options.batchSize()).logs("val_"));
                }
                logs.add(roundLogs);
                Round last = rounds.get(rounds.size() - 1);
                int round = r;
                options.output().ifPresent(out -> out.println(line(round, options.rounds(), last, roundLogs)));
            }
            return History.of(0, logs);
        } finally {
            blocks.unpersist(false);
            if (valBlocks != null) {
                valBlocks.unpersist(false);
            }
        }
    }

    private static String line(int round, int rounds, Round r, Map<String, Double> logs) {
        StringBuilder b = new StringBuilder("Round " + (round + 1) + "/" + rounds + " - "
                + String.format(java.util.Locale.ROOT, "%.1fs", r.seconds()));
        logs.forEach((k, v) -> b.append(" - ").append(k).append(": ")
                .append(String.format(java.util.Locale.ROOT, "%.4f", v)));
        b.append(String.format(java.util.Locale.ROOT, " - rows shipped: %d (%.1f MB), returned: %d (%.1f MB)",
                r.rowsShipped(), r.bytesShipped() / 1e6, r.rowsReturned(), r.bytesReturned() / 1e6));
        return b.toString();
    }

    /**
     * Keras's {@code evaluate} over {@code data} with the sharded model: each partition evaluates its rows with the
     * table rows its ids use, in batches of {@code batchSize}; the logs are the sample-weighted means.
     *
     * @throws IllegalArgumentException as {@link #fit}, or a batch size below 1
     */
    public Map<String, Double> evaluate(Dataset<Row> data, List<String> inputColumns, String targetColumn,
                                        int batchSize) {
        requireOpen();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be a positive integer, got " + batchSize);
        }
        Columns columns = Columns.of(data.schema(), inputColumns, template, targetColumn, plan);
        JavaRDD<Block> blocks = blocks(data, columns, 0, StorageLevel.MEMORY_AND_DISK());
        try {
            return evaluate(blocks, batchSize).logs("");
        } finally {
            blocks.unpersist(false);
        }
    }

    /** What a data partition computes from its block, its shipped rows and the broadcast state. */
    @FunctionalInterface
    private interface PartitionWork extends java.io.Serializable {
        LocalRound.Result run(Block block, Iterator<Tuple2<Long, float[]>> rows, DenseState state);
    }

    /** Each non-empty data partition's result of {@code work}, given the rows its ids use. */
    private JavaRDD<LocalRound.Result> perPartition(JavaRDD<Block> blocks, Broadcast<DenseState> state,
                                                    PartitionWork work) {
        return blocks.zipPartitions(shipped(blocks),
                (FlatMapFunction2<Iterator<Block>, Iterator<Tuple2<Integer, Tuple2<Long, float[]>>>,
                        LocalRound.Result>) (bs, rows) -> {
                    Block b = bs.hasNext() ? bs.next() : null;
                    return b == null || b.rows() == 0 ? java.util.Collections.emptyIterator()
                            : List.of(work.run(b, values(rows), state.value())).iterator();
                });
    }

    private Means.Sum evaluate(JavaRDD<Block> blocks, int batchSize) {
        Plan p = plan;
        Broadcast<DenseState> state = jsc.broadcast(dense);
        try {
            return perPartition(blocks, state, (b, rows, d) -> LocalRound.evaluate(p, b, rows, d, batchSize))
                    .treeAggregate(new Means.Sum(), Means.Sum::add, Means.Sum::merge);
        } finally {
            state.destroy(false);
        }
    }

    private Map<String, Double> round(JavaRDD<Block> blocks, LocalRound.Settings settings, boolean addChanges,
                                      boolean reliable, long start) {
        Plan p = plan;
        Broadcast<DenseState> state = jsc.broadcast(dense);
        JavaRDD<LocalRound.Result> results = perPartition(blocks, state,
                (b, rows, d) -> LocalRound.train(p, b, rows, d, settings)).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Means.Sum sum = results.treeAggregate(new Means.Sum(), Means.Sum::add, Means.Sum::merge);
            JavaPairRDD<Long, List<Means.Contribution>> changed = results
                    .flatMapToPair(r -> {
                        List<Tuple2<Long, Means.Contribution>> out = new ArrayList<>(r.keys().length);
                        for (int k = 0; k < r.keys().length; k++) {
                            out.add(new Tuple2<>(r.keys()[k], new Means.Contribution(r.partition(), r.states()[k])));
                        }
                        return out.iterator();
                    })
                    .combineByKey(ShardedModel::listOf, ShardedModel::added, ShardedModel::joined, tablePartitioner);
            JavaPairRDD<Long, float[]> next = table.leftOuterJoin(changed, tablePartitioner)
                    .mapPartitionsToPair(it -> {
                        List<Tuple2<Long, float[]>> out = new ArrayList<>();
                        while (it.hasNext()) {
                            var e = it.next();
                            float[] old = e._2()._1();
                            out.add(new Tuple2<>(e._1(), e._2()._2().isPresent() ? Means.row(old, e._2()._2().get(),
                                    p.tables().get(p.tableOf(e._1())).width(), addChanges) : old));
                        }
                        return out.iterator();
                    }, true);
            next.persist(tableLevel);
            if (reliable) {
                next.rdd().checkpoint();     // written by the count below, from the cached rows
            } else {
                next.rdd().localCheckpoint(); // a round's lineage ends at its cached rows: no growth over rounds
            }
            next.count();
            table.unpersist(false);
            deleteCheckpoint(table);
            table = next;
            float[][] mean = sum.denseMean();
            long steps = dense.iterations() + sum.maxSteps();
            dense = mean != null ? dense.with(mean, steps) : dense.with(dense.flat(), steps);
            rounds.add(new Round(rounds.size(), (System.nanoTime() - start) / 1e9, sum.samples(), sum.maxSteps(),
                    sum.rowsReceived(), sum.bytesReceived(), sum.rowsReturned(), sum.bytesReturned()));
            return sum.logs("");
        } finally {
            results.unpersist(false);
            state.destroy(false);
        }
    }

    /** Deletes the reliable checkpoint files of {@code rows}, if it has any (the round before's, once replaced). */
    private void deleteCheckpoint(JavaPairRDD<Long, float[]> rows) {
        scala.Option<String> file = rows.rdd().getCheckpointFile();
        if (file.isDefined()) {
            try {
                org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.get());
                path.getFileSystem(jsc.hadoopConfiguration()).delete(path, true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot delete the previous round's checkpoint " + file.get(), e);
            }
        }
    }

    /** Drops every cached block of the tables, as losing all the executors that held them would (for tests). */
    void dropCachedTables() {
        table.unpersist(true);
    }

    /** Where the current tables' reliable checkpoint files are, when the last round wrote them. */
    java.util.Optional<String> checkpointFile() {
        scala.Option<String> file = table.rdd().getCheckpointFile();
        return file.isDefined() ? java.util.Optional.of(file.get()) : java.util.Optional.empty();
    }

    private static List<Means.Contribution> listOf(Means.Contribution c) {
        List<Means.Contribution> l = new ArrayList<>(2);
        l.add(c);
        return l;
    }

    private static List<Means.Contribution> added(List<Means.Contribution> l, Means.Contribution c) {
        l.add(c);
        return l;
    }

    private static List<Means.Contribution> joined(List<Means.Contribution> a, List<Means.Contribution> b) {
        a.addAll(b);
        return a;
    }

    private static Iterator<Tuple2<Long, float[]>> values(Iterator<Tuple2<Integer, Tuple2<Long, float[]>>> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Tuple2<Long, float[]> next() {
                return rows.next()._2();
            }
        };
    }

    /** Each data partition's table rows: its distinct ids joined with the shards, then sent to the partition. */
    private JavaPairRDD<Integer, Tuple2<Long, float[]>> shipped(JavaRDD<Block> blocks) {
        Plan p = plan;
        JavaPairRDD<Long, Integer> requests = blocks.flatMapToPair(b -> {
            List<Tuple2<Long, Integer>> out = new ArrayList<>();
            if (b.rows() == 0) {
                return out.iterator();
            }
            long[][] spaces = LocalRound.spaceIds(p, b);
            for (int t = 0; t < p.tables().size(); t++) {
                Plan.Table table = p.tables().get(t);
                for (long id : spaces[table.space()]) {
                    if (id < table.rows()) {
                        out.add(new Tuple2<>(p.key(t, id), b.partition()));
                    }
                }
            }
            return out.iterator();
        });
        return table.join(requests, tablePartitioner)
                .mapToPair(e -> new Tuple2<>(e._2()._2(), new Tuple2<>(e._1(), e._2()._1())))
                .partitionBy(new ExactPartitioner(blocks.getNumPartitions()));
    }

    private JavaRDD<Block> blocks(Dataset<Row> data, Columns columns, int partitions, StorageLevel level) {
        JavaRDD<Row> rows = data.javaRDD();
        if (partitions > 0) {
            rows = rows.repartition(partitions);
        }
        KeyMaps keys = plan.keyMaps();
        return rows.mapPartitionsWithIndex((index, it) -> {
            List<Row> list = new ArrayList<>();
            it.forEachRemaining(list::add);
            return List.of(keys.apply(Block.read(list, columns, index))).iterator();
        }, true).persist(level);
    }

    /** The rounds run so far, over every {@link #fit} call. */
    public List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** The optimizer's step count. */
    public long iterations() {
        return dense.iterations();
    }

    /**
     * The rows of Embedding {@code layer}'s table, {@code (row id, values)}, as they are sharded (a view: no row
     * moves to the driver).
     *
     * @throws IllegalArgumentException if the model has no sharded table of that name
     */
    public JavaPairRDD<Long, float[]> rows(String layer) {
        requireOpen();
        int t = tableIndex(layer);
        Plan p = plan;
        int width = plan.tables().get(t).width();
        return table.filter(e -> p.tableOf(e._1()) == t)
                .mapToPair(e -> new Tuple2<>(p.rowOf(e._1()), java.util.Arrays.copyOf(e._2(), width)));
    }

    /** Rows per block of a table in {@link #recommendForAllUsers}. */
    private static final int TOP_BLOCK = 16384;

    /**
     * The {@code k} items with the highest dot product with each user's row, from two sharded tables, in MLlib's
     * {@code recommendForAllUsers} shape: rows {@code user: int, recommendations: array<struct<item: int, rating:
     * float>>}, best first, ties by the smaller item. Neither table is ever whole anywhere: both are cut into blocks
     * of rows, every block of users meets every block of items ({@code cartesian}), each user's best {@code k} of
     * a block are found by {@code Neighbours} one user at a time, and the partial lists are reduced by user. Equal
     * to {@link TensorkitSpark#recommendForAllUsers} of the same tables. Lazy, as any Dataset: it is computed
     * from the shards when used, so use it before the next {@link #fit} or {@link #close()}.
     *
     * @param userLayer the Embedding of users
     * @param itemLayer the Embedding of items (of the users' width)
     * @param k items per user, in {@code [1, items]}
     * @return one row per user row of the table
     * @throws IllegalArgumentException for a layer that is not a sharded table, tables of different widths, or
     *     {@code k} out of range
     */
    public Dataset<Row> recommendForAllUsers(String userLayer, String itemLayer, int k) {
        requireOpen();
        Plan.Table users = plan.tables().get(tableIndex(userLayer));
        Plan.Table items = plan.tables().get(tableIndex(itemLayer));
        if (users.width() != items.width()) {
            throw new IllegalArgumentException("users have dimension " + users.width() + " and items "
                    + items.width() + "; a dot product needs one dimension");
        }
        if (k < 1 || k > items.rows()) {
            throw new IllegalArgumentException("k = " + k + " must be in [1, " + items.rows() + "]: the item table "
                    + "has " + items.rows() + " rows");
        }
        return topK(userLayer, itemLayer, users.width(), k, org.tensorkit.core.neighbours.Metric.DOT, false,
                "user", "recommendations", "rating");
    }

    /**
     * The {@code k} items most similar to each item by cosine (itself excluded), from a sharded table, in
     * {@link TensorkitSpark#similarItems}' shape ({@code item: int, similar: array<struct<item: int, similarity:
     * float>>}) and equal to it, the table never whole: blocks of items meet blocks of items as in
     * {@link #recommendForAllUsers}. Lazy, as any Dataset.
     *
     * @param itemLayer the Embedding of items
     * @param k neighbours per item, in {@code [1, items - 1]}
     * @return one row per item
     * @throws IllegalArgumentException for a layer that is not a sharded table, or {@code k} out of range
     */
    public Dataset<Row> similarItems(String itemLayer, int k) {
        requireOpen();
        Plan.Table items = plan.tables().get(tableIndex(itemLayer));
        if (k < 1 || k > items.rows() - 1) {
            throw new IllegalArgumentException("k = " + k + " must be in [1, " + (items.rows() - 1) + "]: the item "
                    + "table has " + items.rows() + " rows, less each item itself");
        }
        return topK(itemLayer, itemLayer, items.width(), k, org.tensorkit.core.neighbours.Metric.COSINE, true,
                "item", "similar", "similarity");
    }

    /** Each query row's best {@code k} rows of another (or the same) sharded table, block by block. */
    private Dataset<Row> topK(String queryLayer, String tableLayer, int width, int k,
                              org.tensorkit.core.neighbours.Metric metric, boolean excludeSelf, String queryName,
                              String listName, String scoreName) {
        JavaRDD<Tuple2<long[], float[]>> queryBlocks = blocksOf(rows(queryLayer), width);
        JavaRDD<Tuple2<long[], float[]>> rowBlocks = blocksOf(rows(tableLayer), width);
        JavaPairRDD<Long, org.tensorkit.spark.internal.TopList> best = queryBlocks.cartesian(rowBlocks)
                .flatMapToPair(pair -> {
                    long[] rowIds = pair._2()._1();
                    org.tensorkit.core.neighbours.Neighbours search = org.tensorkit.core.neighbours.Neighbours
                            .of(Tensor.of(pair._2()._2()).reshape(rowIds.length, width), metric);
                    // one more when the query may be among the rows, then the query itself is dropped
                    int asked = Math.min(excludeSelf ? k + 1 : k, rowIds.length);
                    long[] queryIds = pair._1()._1();
                    float[] q = pair._1()._2();
                    List<Tuple2<Long, org.tensorkit.spark.internal.TopList>> out = new ArrayList<>(queryIds.length);
                    for (int r = 0; r < queryIds.length; r++) {
                        try (Tensor query = Tensor.of(java.util.Arrays.copyOfRange(q, r * width, (r + 1) * width))) {
                            org.tensorkit.core.neighbours.Nearest n = search.nearestToVectors(query, asked);
                            int[] local = n.ids(0);
                            float[] scores = n.scores(0);
                            long[] ids = new long[local.length];
                            float[] kept = new float[local.length];
                            int m = 0;
                            for (int j = 0; j < local.length && m < k; j++) {
                                if (!(excludeSelf && rowIds[local[j]] == queryIds[r])) {
                                    ids[m] = rowIds[local[j]];
                                    kept[m++] = scores[j];
                                }
                            }
                            out.add(new Tuple2<>(queryIds[r], new org.tensorkit.spark.internal.TopList(
                                    java.util.Arrays.copyOf(ids, m), java.util.Arrays.copyOf(kept, m))));
                        }
                    }
                    return out.iterator();
                })
                .reduceByKey((a, b) -> a.merge(b, k));
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add(queryName, org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add(listName, TensorkitSpark.recommendations("item", scoreName), false);
        JavaRDD<Row> rowsOut = best.map(e -> {
            Row[] recs = new Row[e._2().ids().length];
            for (int j = 0; j < recs.length; j++) {
                recs[j] = org.apache.spark.sql.RowFactory.create((int) e._2().ids()[j], e._2().scores()[j]);
            }
            return org.apache.spark.sql.RowFactory.create(e._1().intValue(), recs);
        });
        return spark.createDataFrame(rowsOut, schema);
    }

    /** A table's rows in blocks of up to {@link #TOP_BLOCK}, per partition: (row ids, rows in C order). */
    private static JavaRDD<Tuple2<long[], float[]>> blocksOf(JavaPairRDD<Long, float[]> rows, int width) {
        return rows.mapPartitions(it -> new Iterator<Tuple2<long[], float[]>>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<long[], float[]> next() {
                long[] ids = new long[TOP_BLOCK];
                float[] values = new float[TOP_BLOCK * width];
                int n = 0;
                while (n < TOP_BLOCK && it.hasNext()) {
                    Tuple2<Long, float[]> r = it.next();
                    ids[n] = r._1();
                    System.arraycopy(r._2(), 0, values, n * width, width);
                    n++;
                }
                return new Tuple2<>(java.util.Arrays.copyOf(ids, n), java.util.Arrays.copyOf(values, n * width));
            }
        });
    }

    private int tableIndex(String layer) {
        for (int t = 0; t < plan.tables().size(); t++) {
            if (plan.tables().get(t).layer().equals(layer)) {
                return t;
            }
        }
        throw new IllegalArgumentException("model \"" + plan.modelName() + "\" has no sharded table \"" + layer
                + "\"; its tables are " + plan.tables().stream().map(Plan.Table::layer).toList());
    }

    /**
     * Writes the trained state into {@code model} (the model this was made from, or one of the same architecture
     * and compile settings): every table row and broadcast weight, the optimizer's step count and slots, and each
     * table's frozen rows (those the sharded model trained with). The tables come to the driver one shard at a time.
     *
     * @throws IllegalArgumentException if {@code model} has another architecture or compile settings
     */
    public void collectInto(Network model) {
        requireOpen();
        Objects.requireNonNull(model, "model");
        if (!model.isCompiled() || !sameJson(model.toJson(), json)) {
            throw new IllegalArgumentException("model \"" + model.name() + "\" is not of the architecture and compile "
                    + "settings this sharded model was made from");
        }
        List<Weight> weights = model.weights();
        float[][] values = new float[weights.size()][];
        float[][][] slots = new float[weights.size()][plan.slots()][];
        stateArrays(weights, values, slots);
        Iterator<Tuple2<Long, float[]>> it = table.toLocalIterator();
        while (it.hasNext()) {
            Tuple2<Long, float[]> e = it.next();
            int t = plan.tableOf(e._1());
            Plan.Table tb = plan.tables().get(t);
            int w = tb.width();
            int at = Math.toIntExact(plan.rowOf(e._1()) * w);
            System.arraycopy(e._2(), 0, values[tb.weight()], at, w);
            for (int s = 0; tb.trainable() && s < plan.slots(); s++) {
                System.arraycopy(e._2(), (1 + s) * w, slots[tb.weight()][s], at, w);
            }
        }
        install(model, values, slots);
        for (Plan.Table tb : plan.tables()) {
            weights.get(tb.weight()).freezeRows(tb.frozenRows()); // the frozen rows that trained are the model's
        }
    }

    /**
     * The state of {@code weights} (a model of this plan's architecture, its tables at any row count) into
     * {@code values} and {@code slots}: the broadcast weights' as they are now, the tables' zeros of the model's
     * sizes, slots for the trainable weights only.
     */
    private void stateArrays(List<Weight> weights, float[][] values, float[][][] slots) {
        for (int k = 0; k < weights.size(); k++) {
            boolean table = plan.weightTable(k) >= 0;
            int n = Math.toIntExact(weights.get(k).shape().size());
            values[k] = table ? new float[n] : dense.values(k);
            for (int s = 0; s < plan.slots() && plan.trainableIndex(k) >= 0; s++) {
                slots[k][s] = table ? new float[n] : dense.slot(k, s);
            }
        }
    }

    /** Sets {@code model}'s weights to {@code values} and its optimizer's state to the step count and {@code slots}. */
    private void install(Network model, float[][] values, float[][][] slots) {
        List<Weight> weights = model.weights();
        List<Tensor> newValues = new ArrayList<>();
        List<Tensor> state = new ArrayList<>();
        for (int k = 0; k < weights.size(); k++) {
            newValues.add(Tensor.of(values[k]).reshape(weights.get(k).shape().toArray()));
        }
        List<Weight> trainable = model.trainableWeights();
        for (Weight w : trainable) {
            int k = weights.indexOf(w);
            for (int s = 0; s < plan.slots(); s++) {
                state.add(Tensor.of(slots[k][s]).reshape(w.shape().toArray()));
            }
        }
        model.setWeights(newValues);
        model.compiled().orElseThrow().optimizer().restoreState(dense.iterations(), trainable, state);
    }

    /** {@link #save(Path, boolean)}, replacing an existing file. */
    public void save(Path path) throws IOException {
        save(path, true);
    }

    /**
     * Saves the trained model to a {@code .keras} file: the file {@link #collectInto} and then
     * {@code model.save(path)} would write (the architecture with each table's full row count, every row and
     * broadcast weight, the optimizer's step count and slots), without any table ever whole on the driver. The
     * driver lays the weights file out with each table as a hole (holding 4 bytes per row of its largest table
     * meanwhile), and the rows come to it one shard at a time ({@code toLocalIterator}) and go straight into their
     * places in the file. {@code Models.load} and Keras open it. Atomic: a failure (a lost executor, a full disk)
     * leaves the previous file intact.
     *
     * @throws IllegalArgumentException if the name does not end in {@code .keras}
     * @throws IOException if the file cannot be written, or exists and {@code overwrite} is false
     */
    public void save(Path path, boolean overwrite) throws IOException {
        requireOpen();
        Objects.requireNonNull(path, "path");
        Network standIn = plan.standIn();
        List<Weight> weights = standIn.weights();
        float[][] values = new float[weights.size()][];
        float[][][] slots = new float[weights.size()][plan.slots()][];
        stateArrays(weights, values, slots);
        install(standIn, values, slots);
        Plan p = plan;
        JavaPairRDD<Long, float[]> rows = table;
        KerasFiles.save(standIn, path, overwrite, new ExternalTables() {
            @Override
            public long rows(Weight weight) {
                int k = Plan.indexOfWeight(weights, weight);
                return k < 0 || p.weightTable(k) < 0 ? -1 : p.tables().get(p.weightTable(k)).rows();
            }

            @Override
            public org.tensorkit.layers.RowSet frozenRows(Weight weight) {
                int k = Plan.indexOfWeight(weights, weight);
                return k < 0 || p.weightTable(k) < 0 ? org.tensorkit.layers.RowSet.empty()
                        : p.tables().get(p.weightTable(k)).frozenRows();
            }

            @Override
            public void send(Sink sink) {
                Iterator<Tuple2<Long, float[]>> it = rows.toLocalIterator();
                while (it.hasNext()) {
                    Tuple2<Long, float[]> e = it.next();
                    Plan.Table tb = p.tables().get(p.tableOf(e._1()));
                    sink.row(weights.get(tb.weight()), p.rowOf(e._1()), e._2());
                }
            }
        });
    }


    private static boolean sameJson(String a, String b) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            return m.readTree(a).equals(m.readTree(b));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the sharded model of \"" + plan.modelName() + "\" is closed");
        }
    }

    /** Unpersists the sharded tables and deletes their reliable checkpoint, if a round wrote one. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            table.unpersist(false);
            deleteCheckpoint(table);
        }
    }
}
