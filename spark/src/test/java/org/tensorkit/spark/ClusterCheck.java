package org.tensorkit.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.preprocessing.StringLookup;
import org.tensorkit.models.Model;

/**
 * What {@code ClusterJarIT} runs in a JVM laid out as a Spark distribution lays out a {@code spark-submit}: Spark's
 * Guava 14 first on the class path, then Spark, then the cluster jar. Scores six keys through a lookup whose two OOV
 * buckets hash with Guava's FarmHash (Keras's docstring example: m -> 0, z -> 1) and prints the indices.
 */
public final class ClusterCheck {
    private ClusterCheck() {
    }

    /** Prints {@code indices=2,4,5,0,1,3} when the lookup hashes as Keras does. */
    public static void main(String[] args) throws Exception {
        SymbolicTensor key = Input.builder().shape(1).dtype(DType.STRING).name("key").build();
        StringLookup lookup = StringLookup.builder().vocabulary(List.of("a", "b", "c", "d")).numOovIndices(2).build();
        float[][] rows = new float[6][1];
        for (int i = 0; i < 6; i++) {
            rows[i][0] = i;
        }
        Embedding index = Embedding.builder().inputDim(6).outputDim(1).weights(Tensor.of(rows)).build();
        Model model = Model.of(key, Flatten.create().call(index.call(lookup.call(key))));
        Path file = Files.createTempFile("cluster-check", ".keras");
        model.save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("cluster-check")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            List<Row> data = new ArrayList<>();
            String[] keys = {"a", "c", "d", "m", "z", "b"};
            for (int i = 0; i < keys.length; i++) {
                data.add(RowFactory.create(i, keys[i]));
            }
            Dataset<Row> df = spark.createDataFrame(data, new StructType().add("i", DataTypes.IntegerType)
                    .add("key", DataTypes.StringType));
            List<Row> out = TensorkitSpark.predict(df, bytes, List.of("key"), "index").orderBy("i").collectAsList();
            StringBuilder s = new StringBuilder("indices=");
            for (Row r : out) {
                s.append(s.length() > 8 ? "," : "").append((int) r.getFloat(2));
            }
            System.out.println(s);
        } finally {
            spark.stop();
        }
    }
}
