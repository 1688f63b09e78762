package org.tensorkit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.History;

/**
 * What {@code ClusterJarIT} runs through {@code spark-submit}, its main class in a jar of its own beside the cluster
 * jar, and in its own JVM for the expected lines. Three things that run on the executors: a string lookup whose two
 * OOV buckets hash with Guava's FarmHash (Keras's docstring example: m -> 0, z -> 1) scored by {@code predict}; a
 * dot model trained by {@code TensorkitSpark.fit} (its tables sharded, shipped and combined through the executors'
 * class loader); its top items per user by {@code recommendForAllUsers}. Floats are printed in hexadecimal, so
 * equal lines mean equal bits.
 */
public final class ClusterCheck {
    private ClusterCheck() {
    }

    /** Prints {@link #report}'s lines, in the session {@code spark-submit} configured (or {@code local[2]}). */
    public static void main(String[] args) throws Exception {
        SparkSession.Builder builder = SparkSession.builder().appName("tensorkit-cluster-check");
        if (System.getProperty("spark.master") == null) {
            builder.master("local[2]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            report(spark).forEach(System.out::println);
        } finally {
            spark.stop();
        }
    }

    /**
     * The check's lines: {@code indices=2,4,5,0,1,3} when the lookup hashes as Keras does, then the fit's History
     * per metric and round, then the top 3 items of the first 5 users.
     */
    public static List<String> report(SparkSession spark) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(lookupIndices(spark));
        Model dot = dotModel();
        History history = TensorkitSpark.fit(dot, ratings(spark), List.of("user", "item"), "rating",
                SparkFitOptions.builder().rounds(2).batchSize(16).seed(5).build());
        for (Map.Entry<String, List<Double>> metric : history.history().entrySet()) {
            StringBuilder s = new StringBuilder(metric.getKey()).append('=');
            metric.getValue().forEach(v -> s.append(Double.toHexString(v)).append(' '));
            lines.add(s.toString().strip());
        }
        Tensor users = dot.getLayer("users").getWeights().get(0);
        Tensor items = dot.getLayer("items").getWeights().get(0);
        for (Row r : TensorkitSpark.recommendForAllUsers(spark, users, items, 3).orderBy("user").limit(5)
                .collectAsList()) {
            StringBuilder s = new StringBuilder("user ").append(r.getInt(0)).append(':');
            for (Row rec : r.<Row>getList(1)) {
                s.append(' ').append(rec.getInt(0)).append('/').append(Float.toHexString(rec.getFloat(1)));
            }
            lines.add(s.toString());
        }
        return lines;
    }

    private static String lookupIndices(SparkSession spark) throws IOException {
        SymbolicTensor key = Input.builder().shape(1).dtype(DType.STRING).name("key").build();
        StringLookup lookup = StringLookup.builder().vocabulary(List.of("a", "b", "c", "d")).numOovIndices(2).build();
        float[][] rows = new float[6][1];
        for (int i = 0; i < 6; i++) {
            rows[i][0] = i;
        }
        Embedding index = Embedding.builder().inputDim(6).outputDim(1).weights(Tensor.of(rows)).build();
        Model model = Model.of(key, Flatten.create().call(index.call(lookup.call(key))));
        Path file = Files.createTempFile("cluster-check", ".keras");
        byte[] bytes;
        try {
            model.save(file);
            bytes = Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
        List<Row> data = new ArrayList<>();
        String[] keys = {"a", "c", "d", "m", "z", "b"};
        for (int i = 0; i < keys.length; i++) {
            data.add(RowFactory.create(i, keys[i]));
        }
        Dataset<Row> df = spark.createDataFrame(data, new StructType().add("i", DataTypes.IntegerType)
                .add("key", DataTypes.StringType));
        StringBuilder s = new StringBuilder("indices=");
        for (Row r : TensorkitSpark.predict(df, bytes, List.of("key"), "index").orderBy("i").collectAsList()) {
            s.append(s.length() > 8 ? "," : "").append((int) r.getFloat(2));
        }
        return s.toString();
    }

    /** 20 users and 30 items, 4 dimensions, their dot product; Adam and the squared error. */
    private static Model dotModel() {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        SymbolicTensor u = Flatten.create().call(Embedding.builder().inputDim(20).outputDim(4).name("users").seed(1)
                .build().call(user));
        SymbolicTensor i = Flatten.create().call(Embedding.builder().inputDim(30).outputDim(4).name("items").seed(2)
                .build().call(item));
        Model m = Model.builder().inputs(user, item).outputs(Dot.builder().axes(1).build().call(u, i)).build();
        m.compile(Adam.builder().learningRate(0.05).build(), Losses.mse());
        return m;
    }

    /** 400 ratings in two slices, the same rows in the same order wherever they are read. */
    private static Dataset<Row> ratings(SparkSession spark) {
        Random rng = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 400; r++) {
            int user = rng.nextInt(20);
            int item = rng.nextInt(30);
            rows.add(RowFactory.create(user, item, (float) (1 + (user * 3 + item) % 5)));
        }
        StructType schema = new StructType().add("user", DataTypes.IntegerType, false)
                .add("item", DataTypes.IntegerType, false).add("rating", DataTypes.FloatType, false);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2),
                schema);
    }
}
