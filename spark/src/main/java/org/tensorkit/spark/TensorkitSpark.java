package org.tensorkit.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;
import org.tensorkit.core.neighbours.Neighbours;
import org.tensorkit.layers.preprocessing.IntegerLookup;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import org.tensorkit.models.Predictor;
import org.tensorkit.spark.internal.Block;
import org.tensorkit.spark.internal.Columns;

/**
 * tensorkit on Apache Spark: a saved model scoring a {@code Dataset<Row>} on the executors, and lookup vocabularies
 * learnt from a column with Spark's counting.
 *
 * <pre>{@code
 * byte[] model = Files.readAllBytes(Path.of("recommender.keras"));
 * Dataset<Row> scored = TensorkitSpark.predict(ratings, model, List.of("user", "item"), "rating");
 * TensorkitSpark.adapt(userLookup, events, "user_id");      // the vocabulary adapt gives in one JVM
 * }</pre>
 *
 * <p><b>Scoring.</b> The {@code .keras} bytes are broadcast once; each executor JVM loads the model once (cached by
 * the bytes' SHA-256) and runs each partition's rows in batches through one {@link Predictor}, reusing the inputs'
 * arrays from batch to batch. An input column may hold
 * integers (ids), longs (keys), floats, strings (through the model's lookup layers), or arrays of them for an input
 * of shape {@code (None, n)}. The output is a new float column (a model of one output value per row) or an
 * array-of-floats column. Each row's result equals a single-machine {@code predict} of the same row to the last bit
 * for models whose layers compute row by row (lookups, embeddings, dot products, element-wise layers).
 *
 * <p><b>Training.</b> {@link #fit} trains a compiled model data-parallel with row-sharded tables (see
 * {@link ShardedModel}) and leaves the trained state in the model, as {@code fit} does.
 *
 * <p><b>Vocabularies.</b> {@link #adapt(StringLookup, Dataset, String)} counts the column's keys with Spark
 * ({@code groupBy().count()}, arrays exploded, nulls dropped), brings the counts to the driver and installs them
 * with {@code adaptCounts}: Keras's ordering and {@code max_tokens} rule, so the vocabulary is exactly the one
 * {@code adapt} learns from the same data in one JVM.
 */
public final class TensorkitSpark {
    /** Rows per {@code predict} call on an executor. */
    public static final int DEFAULT_BATCH = 1024;

    /** Models kept per JVM, by their bytes' SHA-256: the most recently used few, so a long-lived executor that
     * scores many models does not keep them all. */
    private static final int CACHED_MODELS = 4;
    private static final Map<String, Network> MODELS = new java.util.LinkedHashMap<>(8, 0.75f, true);

    private TensorkitSpark() {
    }

    /**
     * A Spark session in {@code local[threads]} that never touches the network: driver and block manager bound to
     * 127.0.0.1, no UI, {@code threads} shuffle partitions, warnings only. For tests, examples and single-machine runs;
     * on a cluster, use the session {@code spark-submit} gives.
     *
     * @param appName the application's name
     * @param threads Spark's local threads, at least 1
     * @return the session (an existing one of this JVM if there is one, as {@code getOrCreate} does)
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public static SparkSession localSession(String appName, int threads) {
        Objects.requireNonNull(appName, "appName");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        SparkSession spark = SparkSession.builder().master("local[" + threads + "]").appName(appName)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", String.valueOf(threads)).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * {@link #predict(Dataset, byte[], List, String, int)} with batches of {@link #DEFAULT_BATCH} rows.
     *
     * @param data the rows
     * @param savedModel the bytes of a {@code .keras} file
     * @param inputColumns one column per model input, in the model's input order
     * @param outputColumn the name of the new column
     * @return {@code data} with the prediction column added
     */
    public static Dataset<Row> predict(Dataset<Row> data, byte[] savedModel, List<String> inputColumns,
                                       String outputColumn) {
        return predict(data, savedModel, inputColumns, outputColumn, DEFAULT_BATCH);
    }

    /**
     * {@link #predict(Dataset, byte[], List, String, int)} of the {@code .keras} file at {@code savedModel}, read on
     * the driver: the executors receive its bytes by broadcast, so they never need to reach the path (a driver-local
     * file scores on any cluster).
     *
     * @param data the rows
     * @param savedModel a {@code .keras} file the driver can read
     * @param inputColumns one column per model input, in the model's input order
     * @param outputColumn the name of the new column
     * @return {@code data} with the prediction column added
     * @throws IOException if the driver cannot read the file (named)
     */
    public static Dataset<Row> predict(Dataset<Row> data, Path savedModel, List<String> inputColumns,
                                       String outputColumn) throws IOException {
        Objects.requireNonNull(savedModel, "savedModel");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(savedModel);
        } catch (IOException e) {
            throw new IOException("cannot read the saved model " + savedModel + ": " + e, e);
        }
        return predict(data, bytes, inputColumns, outputColumn, DEFAULT_BATCH);
    }

    /**
     * The model saved in {@code savedModel} applied to every row of {@code data}, on the executors.
     *
     * @param data the rows
     * @param savedModel the bytes of a {@code .keras} file
     * @param inputColumns one column per model input, in the model's input order
     * @param outputColumn the name of the new column (not already a column of {@code data})
     * @param batchSize rows per {@code predict} call, at least 1
     * @return {@code data} with the prediction column added: float when the model gives one value per row, else an
     *     array of floats
     * @throws IllegalArgumentException if the bytes are not a model tensorkit loads, the columns do not match its
     *     inputs (count, names, types), the output column exists, or the batch size is below 1
     */
    public static Dataset<Row> predict(Dataset<Row> data, byte[] savedModel, List<String> inputColumns,
                                       String outputColumn, int batchSize) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(savedModel, "savedModel");
        Objects.requireNonNull(inputColumns, "inputColumns");
        Objects.requireNonNull(outputColumn, "outputColumn");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        Network model;
        try {
            model = model(savedModel);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("savedModel (" + savedModel.length + " bytes) is not a .keras model "
                    + "tensorkit loads: " + e.getCause().getMessage(), e);
        }
        StructType schema = data.schema();
        Columns columns = Columns.of(schema, inputColumns, model, null, null);
        List<String> names = List.of(schema.fieldNames());
        if (names.contains(outputColumn)) {
            throw new IllegalArgumentException("output column '" + outputColumn + "' is already a column of the data");
        }
        Shape out = model.outputShapes().get(0);
        boolean scalar = out.rank() == 1 || (out.rank() == 2 && out.dim(1) == 1);
        DataType outType = scalar ? DataTypes.FloatType : DataTypes.createArrayType(DataTypes.FloatType, false);
        StructType outSchema = schema.add(outputColumn, outType, false);
        Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())
                .broadcast(savedModel);
        MapPartitionsFunction<Row, Row> score = rows -> new Batches(rows, model(bytes.value()), columns, scalar,
                batchSize, org.apache.spark.TaskContext.getPartitionId());
        return data.mapPartitions(score, Encoders.row(outSchema));
    }

    /**
     * Keras's {@code fit} of {@code model} on {@code data}, data-parallel with row-sharded tables
     * ({@link ShardedModel}): the tables are sharded over as many partitions as Spark's default parallelism, trained
     * for {@code options.rounds()} rounds, and the trained state (weights, optimizer step count and slots) is written
     * back into {@code model}, as {@code fit} leaves it. For tables too large for the driver, use
     * {@link ShardedModel} and keep them sharded.
     *
     * @param model a compiled model (changed in place when the call succeeds)
     * @param data the rows
     * @param inputColumns one column per model input, in the model's input order (integer ids for tables, or the
     *     keys of the lookup between input and table)
     * @param targetColumn the targets
     * @param options the settings
     * @return the History, one entry per round
     */
    public static org.tensorkit.models.training.History fit(Network model, Dataset<Row> data,
                                                            List<String> inputColumns, String targetColumn,
                                                            SparkFitOptions options) {
        Objects.requireNonNull(data, "data");
        try (ShardedModel sharded = ShardedModel.of(data.sparkSession(), model,
                data.sparkSession().sparkContext().defaultParallelism())) {
            org.tensorkit.models.training.History h = sharded.fit(data, inputColumns, targetColumn, options);
            sharded.collectInto(model);
            return h;
        }
    }

    /**
     * Learns {@code lookup}'s vocabulary from a string (or array of strings) column, counted by Spark.
     *
     * @param lookup the lookup (not given a vocabulary, not in tf-idf mode)
     * @param data the rows
     * @param column the column of keys
     * @throws IllegalArgumentException if the column is not strings or arrays of strings, or holds no key
     */
    public static void adapt(StringLookup lookup, Dataset<Row> data, String column) {
        Objects.requireNonNull(lookup, "lookup");
        Map<String, Long> counts = new HashMap<>();
        for (Row r : counts(data, column, DataTypes.StringType)) {
            counts.put(r.getString(0), r.getLong(1));
        }
        lookup.adaptCounts(counts);
    }

    /**
     * Learns {@code lookup}'s vocabulary from an integer or long (or array) column, counted by Spark.
     *
     * @param lookup the lookup (not given a vocabulary, not in tf-idf mode)
     * @param data the rows
     * @param column the column of keys
     * @throws IllegalArgumentException if the column is not integers or arrays of them, or holds no key
     */
    public static void adapt(IntegerLookup lookup, Dataset<Row> data, String column) {
        Objects.requireNonNull(lookup, "lookup");
        Map<Long, Long> counts = new HashMap<>();
        for (Row r : counts(data, column, DataTypes.LongType)) {
            counts.put(((Number) r.get(0)).longValue(), r.getLong(1));
        }
        lookup.adaptCounts(counts);
    }

    /**
     * The {@code k} items with the highest dot product with each user's row, for every user of {@code users}: what
     * MLlib's {@code ALSModel.recommendForAllUsers} gives for a factorization, from a trained dot model's two
     * tables. Rows {@code user: int, recommendations: array<struct<item: int, rating: float>>}, best first, ties
     * by the smaller item.
     *
     * @param spark the session
     * @param users the user table (row = user id)
     * @param items the item table (row = item id), of the users' dimension
     * @param k items per user, in {@code [1, items]}
     * @return one row per user
     */
    public static Dataset<Row> recommendForAllUsers(SparkSession spark, Tensor users, Tensor items, int k) {
        Objects.requireNonNull(users, "users");
        // the ids drawn on the executors (a driver-side list would sit in every query's plan), distinct already
        return recommend(spark.range(users.shape().dim(0)).select(functions.col("id").as(USER)), users, items, k);
    }

    /**
     * {@link #recommendForAllUsers} for the users in column {@code userColumn} of {@code subset} (MLlib's
     * {@code recommendForUserSubset}): each distinct user once.
     *
     * @param subset rows naming users
     * @param userColumn the column of user ids (ints or longs, rows of the user table)
     * @param users the user table
     * @param items the item table
     * @param k items per user
     * @return one row per distinct user of the subset
     * @throws IllegalArgumentException if the tables do not share a dimension, {@code k} is out of range, or a user id
     *     is not a row of the user table (named with the id)
     */
    public static Dataset<Row> recommendForUserSubset(Dataset<Row> subset, String userColumn, Tensor users,
                                                      Tensor items, int k) {
        Objects.requireNonNull(subset, "subset");
        Objects.requireNonNull(userColumn, "userColumn");
        return recommend(subset.select(functions.col(userColumn).cast(DataTypes.LongType).as(USER)).distinct(), users,
                items, k);
    }

    /** The top {@code k} items of each user of {@code distinct} (a column {@code user} of longs, each user once). */
    private static Dataset<Row> recommend(Dataset<Row> distinct, Tensor users, Tensor items, int k) {
        float[][] userRows = rows(users, "users");
        float[][] itemRows = rows(items, "items");
        if (userRows.length > 0 && itemRows.length > 0 && userRows[0].length != itemRows[0].length) {
            throw new IllegalArgumentException("users have dimension " + userRows[0].length + " and items "
                    + itemRows[0].length + "; a dot product needs one dimension");
        }
        checkK(k, itemRows.length, false);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(distinct.sparkSession().sparkContext());
        Broadcast<float[][]> u = context.broadcast(userRows);
        Broadcast<float[][]> it = context.broadcast(itemRows);
        StructType schema = new StructType().add(USER, DataTypes.IntegerType, false)
                .add("recommendations", recommendations("item", "rating"), false);
        MapPartitionsFunction<Row, Row> top = rows -> topK(rows, u.value(), it.value(), k, false, Metric.DOT,
                "user");
        return distinct.mapPartitions(top, Encoders.row(schema));
    }

    /**
     * The {@code k} items most similar to each item by cosine (itself excluded), for every item of the table: rows
     * {@code item: int, similar: array<struct<item: int, similarity: float>>}, best first, ties by the smaller
     * item.
     *
     * @param spark the session
     * @param items the item table
     * @param k neighbours per item, in {@code [1, items - 1]}
     * @return one row per item
     */
    public static Dataset<Row> similarItems(SparkSession spark, Tensor items, int k) {
        float[][] itemRows = rows(items, "items");
        checkK(k, itemRows.length, true);
        Dataset<Row> all = spark.range(itemRows.length).select(functions.col("id").as(USER));
        Broadcast<float[][]> it = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(itemRows);
        StructType schema = new StructType().add("item", DataTypes.IntegerType, false)
                .add("similar", recommendations("item", "similarity"), false);
        MapPartitionsFunction<Row, Row> top = rows -> topK(rows, it.value(), it.value(), k, true, Metric.COSINE,
                "item");
        return all.mapPartitions(top, Encoders.row(schema));
    }

    private static final String USER = "user";

    static ArrayType recommendations(String id, String score) {
        return DataTypes.createArrayType(new StructType().add(id, DataTypes.IntegerType, false)
                .add(score, DataTypes.FloatType, false), false);
    }

    private static void checkK(int k, int rows, boolean excluding) {
        int most = excluding ? rows - 1 : rows;
        if (k < 1 || k > most) {
            throw new IllegalArgumentException("k = " + k + " must be in [1, " + most + "]: the item table has "
                    + rows + " rows" + (excluding ? ", less each item itself" : ""));
        }
    }

    /** The rows of a 2-D floating-point table, as the broadcast carries them. */
    private static float[][] rows(Tensor table, String what) {
        Objects.requireNonNull(table, what);
        if (table.rank() != 2 || !table.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + " must be a 2-D floating-point table, got " + table.dtype() + " "
                    + table.shape());
        }
        int n = Math.toIntExact(table.shape().dim(0));
        int d = Math.toIntExact(table.shape().dim(1));
        float[] flat = table.cast(DType.FLOAT32).toFloatArray();
        float[][] out = new float[n][];
        for (int r = 0; r < n; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return out;
    }

    /**
     * A partition's queries (ids in column 0) answered against {@code table} through {@link Neighbours}, one query
     * at a time, so that a query's answer never depends on which others share its partition.
     */
    private static Iterator<Row> topK(Iterator<Row> queries, float[][] queryTable, float[][] table, int k,
                                      boolean exclude, Metric metric, String what) {
        Neighbours search = Neighbours.of(Tensor.of(table), metric);
        List<Row> out = new ArrayList<>();
        while (queries.hasNext()) {
            long id = ((Number) queries.next().get(0)).longValue();
            if (id < 0 || id >= queryTable.length) {
                throw new IllegalArgumentException(what + " " + id + " is not a row of the " + what + " table [0, "
                        + queryTable.length + ")");
            }
            Nearest nearest = exclude ? search.nearestToRows(new int[] {(int) id}, k, true)
                    : search.nearestToVectors(Tensor.of(queryTable[(int) id]), k);
            int[] ids = nearest.ids(0);
            float[] scores = nearest.scores(0);
            Row[] list = new Row[ids.length];
            for (int j = 0; j < ids.length; j++) {
                list[j] = RowFactory.create(ids[j], scores[j]);
            }
            out.add(RowFactory.create((int) id, list));
        }
        return out.iterator();
    }

    private static List<Row> counts(Dataset<Row> data, String column, DataType want) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(column, "column");
        StructType schema = data.schema();
        if (!List.of(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("column '" + column + "' is not a column of the data "
                    + List.of(schema.fieldNames()));
        }
        DataType type = schema.fields()[schema.fieldIndex(column)].dataType();
        boolean array = type instanceof ArrayType;
        DataType element = Columns.elementType(type);
        boolean fits = want == DataTypes.StringType ? element == DataTypes.StringType : Columns.isIntegral(element);
        if (!fits) {
            throw new IllegalArgumentException("column '" + column + "' holds " + type.simpleString() + "; expected "
                    + (want == DataTypes.StringType ? "strings" : "integers") + " or arrays of them");
        }
        org.apache.spark.sql.Column keys = array ? functions.explode(functions.col(column)) : functions.col(column);
        return data.select(keys.as("key")).where(functions.col("key").isNotNull()).groupBy("key").count()
                .collectAsList();
    }

    /** The model of {@code bytes}, loaded once per JVM (while it is among the {@value #CACHED_MODELS} last used). */
    static Network model(byte[] bytes) {
        String key = sha256(bytes);
        synchronized (MODELS) {
            Network cached = MODELS.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Network loaded;
        try {
            Path file = Files.createTempFile("tensorkit-spark-", ".keras");
            try {
                Files.write(file, bytes);
                loaded = Models.load(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the broadcast model: " + e.getMessage(), e);
        }
        synchronized (MODELS) {
            Network first = MODELS.putIfAbsent(key, loaded);
            if (MODELS.size() > CACHED_MODELS) {
                String eldest = MODELS.keySet().iterator().next();
                MODELS.remove(eldest);
            }
            return first != null ? first : loaded;
        }
    }

    /** How many models this JVM keeps now (for tests). */
    static int cachedModels() {
        synchronized (MODELS) {
            return MODELS.size();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A partition's rows in batches through the model, each input row given back with its prediction. The batches
     * run through one {@link Predictor} (the model's arrays reused from batch to batch, nothing left for the garbage
     * collector), closed when the rows run out or the task ends, whichever comes first; the inputs' arrays are
     * reused too.
     */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Predictor predictor;
        private final Columns columns;
        private final boolean scalar;
        private final int batchSize;
        private final int partition;
        private final List<Row> pending = new ArrayList<>();
        /** The inputs' native arrays, reused from batch to batch. */
        private final org.nd4j.linalg.api.ndarray.INDArray[] slots;
        private Iterator<Row> ready = java.util.Collections.emptyIterator();

        Batches(Iterator<Row> rows, Network model, Columns columns, boolean scalar, int batchSize, int partition) {
            this.rows = rows;
            this.predictor = model.predictor();
            this.columns = columns;
            this.slots = new org.nd4j.linalg.api.ndarray.INDArray[columns.inputs()];
            this.scalar = scalar;
            this.batchSize = batchSize;
            this.partition = partition;
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ended -> predictor.close());
            }
        }

        @Override
        public boolean hasNext() {
            if (!ready.hasNext()) {
                if (rows.hasNext()) {
                    score();
                } else {
                    predictor.close();
                }
            }
            return ready.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.next();
        }

        private void score() {
            pending.clear();
            while (pending.size() < batchSize && rows.hasNext()) {
                pending.add(rows.next());
            }
            Block block = Block.read(pending, columns, partition);
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < columns.inputs(); i++) {
                inputs.add(block.input(i, slots));
            }
            float[] values;
            try {
                // the predictor's own array (no close); toFloatArray converts any dtype, without a cast's copy
                values = predictor.predict(inputs).get(0).toFloatArray();
            } finally {
                inputs.forEach(Tensor::close);
            }
            int width = values.length / Math.max(1, pending.size());
            List<Row> out = new ArrayList<>(pending.size());
            for (int r = 0; r < pending.size(); r++) {
                Object result;
                if (scalar) {
                    result = values[r];
                } else {
                    Float[] boxed = new Float[width];
                    for (int k = 0; k < width; k++) {
                        boxed[k] = values[r * width + k];
                    }
                    result = boxed;
                }
                Row in = pending.get(r);
                Object[] fields = new Object[in.length() + 1];
                for (int k = 0; k < in.length(); k++) {
                    fields[k] = in.get(k);
                }
                fields[in.length()] = result;
                out.add(RowFactory.create(fields));
            }
            ready = out.iterator();
        }
    }
}
