package org.tensorkit.examples.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorkit.core.Tensor;
import org.tensorkit.examples.movielens.CommandLines;
import org.tensorkit.examples.movielens.MovieLens;
import org.tensorkit.examples.movielens.MovieLensSource;
import org.tensorkit.examples.movielens.MovieLensRecommender;
import org.tensorkit.examples.movielens.Ratings;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;
import org.tensorkit.spark.Round;
import org.tensorkit.spark.ShardedModel;
import org.tensorkit.spark.SparkFitOptions;
import org.tensorkit.spark.TensorkitSpark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The MovieLens recommender on Apache Spark, in {@code local[N]}: the lab's dot model trained data-parallel by a
 * {@link ShardedModel} (row-sharded tables) on the same 80/20 split as {@link MovieLensRecommender}, scored on
 * the test rows with {@link TensorkitSpark#predict}, beside the same model trained by single-machine {@code fit} and
 * Spark MLlib's ALS on the same split; then the top 10 movies of every user ({@code recommendForUserSubset}) written
 * as JSON.
 *
 * <pre>
 * java -jar examples-spark/target/tensorkit-examples-spark.jar --data ~/ml-100k --local 2
 * </pre>
 */
public final class SparkMovieLens {
    private SparkMovieLens() {
    }

    /** The command line. */
    @Command(name = "SparkMovieLens", sortOptions = false,
            description = {"Trains the lab's dot recommender on Spark with row-sharded tables, compares its test MAE "
                    + "with single-machine tensorkit and MLlib's ALS, and writes every user's top 10 movies."})
    public static final class Options {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        private boolean helpRequested;

        @CommandLine.Mixin
        private MovieLensSource source = new MovieLensSource();

        @Option(names = "--local", paramLabel = "N", description = "Spark's local[N] threads, and the data's "
                + "partitions (default: ${DEFAULT-VALUE})")
        private int local = 2;

        @Option(names = "--rounds", paramLabel = "N", description = "rounds of data-parallel training, one local "
                + "epoch of every partition each (default: ${DEFAULT-VALUE}: averaging the partitions' rows, a round "
                + "on 2 partitions moves the tables about half as far as an epoch on one machine)")
        private int rounds = 20;

        @Option(names = "--epochs", paramLabel = "N", description = "epochs of the single-machine model it is "
                + "compared with (default: ${DEFAULT-VALUE}, the lab's)")
        private int epochs = 10;

        @Option(names = "--batch-size", paramLabel = "N", description = "batch size (default: ${DEFAULT-VALUE})")
        private int batchSize = 64;

        @Option(names = "--learning-rate", paramLabel = "F", description = "Adam's learning rate, for both "
                + "tensorkit models (default: ${DEFAULT-VALUE}, Keras's)")
        private double learningRate = 0.001;

        @Option(names = "--row-update", paramLabel = "AVERAGE|ADD_CHANGES", description = "how a round combines a "
                + "table row several partitions changed (default: ${DEFAULT-VALUE})")
        private SparkFitOptions.RowUpdate rowUpdate = SparkFitOptions.RowUpdate.AVERAGE;

        @Option(names = "--als-rank", paramLabel = "N", description = "ALS's rank (default: ${DEFAULT-VALUE})")
        private int alsRank = 10;

        @Option(names = "--als-iterations", paramLabel = "N",
                description = "ALS's iterations (default: ${DEFAULT-VALUE})")
        private int alsIterations = 10;

        @Option(names = "--als-reg", paramLabel = "F", description = "ALS's regParam (default: ${DEFAULT-VALUE})")
        private double alsReg = 0.1;

        @Option(names = "--output", paramLabel = "DIR",
                description = "where every user's top 10 goes, as JSON lines (default: ${DEFAULT-VALUE})")
        private Path output = Path.of("movielens-recommendations");

        @Option(names = "--seed", paramLabel = "N", description = "the seed of the split, weights and shuffling "
                + "(default: ${DEFAULT-VALUE})")
        private long seed = 42;

        private String help;

        private Options() {
        }

        /**
         * The options of a command line.
         *
         * @throws IllegalArgumentException for a bad command line, with picocli's message and the usage
         */
        public static Options parse(String... args) {
            Options o = new Options();
            o.help = CommandLines.parse(new CommandLine(o).setCaseInsensitiveEnumValuesAllowed(true), args);
            CommandLines.requireAtLeastOne("--local", o.local);
            CommandLines.requireAtLeastOne("--rounds", o.rounds);
            CommandLines.requireAtLeastOne("--batch-size", o.batchSize);
            CommandLines.requireAtLeastOne("--als-rank", o.alsRank);
            CommandLines.requireAtLeastOne("--als-iterations", o.alsIterations);
            CommandLines.requireAtLeastOne("--epochs", o.epochs);
            if (!(o.learningRate > 0) || Double.isInfinite(o.learningRate)) {
                throw new IllegalArgumentException("--learning-rate must be a finite number > 0, got "
                        + o.learningRate);
            }
            if (!(o.alsReg >= 0)) {
                throw new IllegalArgumentException("--als-reg must be >= 0, got " + o.alsReg);
            }
            return o;
        }

        /** The usage text when {@code --help} was given. */
        public Optional<String> help() {
            return Optional.ofNullable(help);
        }
    }

    /** What a run measured: the three test MAEs, the rounds, and the recommendations' directory. */
    public record Result(double sparkMae, double singleMachineMae, double alsMae, long alsRows, long testRows,
                         History history, List<Round> rounds, Model model, Path recommendations) {
    }

    /** Runs the program; exit status 2 for a bad command line, 1 when the data cannot be read. */
    public static void main(String[] args) throws IOException {
        Options options = CommandLines.parseOrExit(args, Options::parse, Options::help);
        if (options == null) {
            return;
        }
        MovieLens data;
        try {
            data = MovieLens.load(options.source.directory(options.seed));
        } catch (IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");    // Spark's Java 17 setting
        SparkSession spark = session(options.local);
        try {
            run(spark, data, options, System.out);
        } finally {
            spark.stop();
        }
    }

    /** Spark in {@code local[threads]} on the loopback interface, without its UI. */
    public static SparkSession session(int threads) {
        return TensorkitSpark.localSession("SparkMovieLens", threads);
    }

    private static final StructType SCHEMA = new StructType().add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false).add("rating", DataTypes.FloatType, false);

    private static Dataset<Row> frame(SparkSession spark, Ratings r, int partitions) {
        List<Row> rows = new ArrayList<>(r.size());
        for (int k = 0; k < r.size(); k++) {
            rows.add(RowFactory.create(r.userIds()[k], r.itemIds()[k], r.ratings()[k]));
        }
        // from an RDD, as a cluster's data would come: a driver-side list would sit in every query's plan, and each
        // query over it would cost the driver a pass over the rows before a task ran. Sliced as Spark slices such a
        // list (one slice per core), then dealt round-robin into the partitions.
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, context.defaultParallelism()), SCHEMA)
                .repartition(partitions);
    }

    /** Trains, compares and writes, printing to {@code out}. */
    public static Result run(SparkSession spark, MovieLens data, Options options, PrintStream out) throws IOException {
        MovieLens.Split split = data.split(0.2, options.seed);
        int n = options.local;
        Dataset<Row> train = frame(spark, split.train(), n).cache();
        Dataset<Row> test = frame(spark, split.test(), n).cache();
        long testRows = test.count();

        Model model = MovieLensRecommender.dotModel(data.maxUserId(), data.maxItemId(), options.seed);
        model.compile(Adam.builder().learningRate(options.learningRate).build(), Losses.mae());
        out.print(model.summaryString());
        out.printf(Locale.ROOT, "Training on Spark local[%d]: %d rows in %d partitions, %d rounds%n", n,
                split.train().size(), n, options.rounds);
        History history;
        List<Round> rounds;
        try (ShardedModel sharded = ShardedModel.of(spark, model, n)) {
            history = sharded.fit(train, List.of("user", "item"), "rating", SparkFitOptions.builder()
                    .batchSize(options.batchSize).rounds(options.rounds).seed(options.seed).rowUpdate(options.rowUpdate)
                    .output(out).build());
            rounds = sharded.rounds();
            sharded.collectInto(model);
        }
        Path saved = Files.createTempFile("spark-movielens-", ".keras");
        double sparkMae;
        try {
            model.save(saved);
            Dataset<Row> scored = TensorkitSpark.predict(test, Files.readAllBytes(saved), List.of("user", "item"),
                    "prediction");
            sparkMae = mae(scored);
        } finally {
            Files.deleteIfExists(saved);
        }

        Model alone = MovieLensRecommender.dotModel(data.maxUserId(), data.maxItemId(), options.seed);
        alone.compile(Adam.builder().learningRate(options.learningRate).build(), Losses.mae());
        alone.fit(List.of(Tensor.of(split.train().userIds()), Tensor.of(split.train().itemIds())),
                Tensor.of(split.train().ratings()), FitOptions.builder().batchSize(options.batchSize)
                        .epochs(options.epochs).seed(options.seed).verbose(Verbosity.SILENT).build());
        float[] predicted = alone.predict(List.of(Tensor.of(split.test().userIds()),
                Tensor.of(split.test().itemIds())), 1024).get(0).toFloatArray();
        double sum = 0;
        for (int k = 0; k < predicted.length; k++) {
            sum += Math.abs(predicted[k] - split.test().ratings()[k]);
        }
        double singleMae = sum / predicted.length;

        ALSModel als = new ALS().setRank(options.alsRank).setMaxIter(options.alsIterations)
                .setRegParam(options.alsReg).setUserCol("user").setItemCol("item").setRatingCol("rating")
                .setSeed(options.seed).setColdStartStrategy("drop").fit(train);
        Dataset<Row> alsScored = als.transform(test).cache();
        long alsRows = alsScored.count();
        double alsMae = mae(alsScored);

        out.printf(Locale.ROOT, "Test MAE, tensorkit on Spark (%d rounds, local[%d]): %.4f%n", options.rounds, n,
                sparkMae);
        out.printf(Locale.ROOT, "Test MAE, tensorkit on one machine (%d epochs): %.4f%n", options.epochs,
                singleMae);
        out.printf(Locale.ROOT, "Test MAE, MLlib ALS (rank %d, %d iterations, regParam %s): %.4f (%d of %d test rows: "
                + "ALS drops users and items it never saw)%n", options.alsRank, options.alsIterations,
                options.alsReg, alsMae, alsRows, testRows);

        Tensor users = model.getLayer("user_embedding").getWeights().get(0);
        Tensor items = model.getLayer("item_embedding").getWeights().get(0);
        // ids start at 1: row 0 of each table is never trained, so it is asked for one more and left out
        Dataset<Row> top = TensorkitSpark.recommendForUserSubset(train.select("user").distinct(), "user", users,
                items, 11).select(functions.col("user"),
                functions.expr("slice(filter(recommendations, r -> r.item != 0), 1, 10)").as("recommendations"));
        top.orderBy("user").write().mode(SaveMode.Overwrite).json(options.output.toString());
        out.printf(Locale.ROOT, "Top 10 movies of every user written to %s/ (JSON lines)%n", options.output);
        Row first = top.where("user = 1").first();
        out.println("User 1's top 10:");
        for (Row r : first.<Row>getList(1)) {
            out.printf(Locale.ROOT, "  %.2f  %s%n", r.getFloat(1), data.titles().get(r.getInt(0)));
        }
        train.unpersist();
        test.unpersist();
        alsScored.unpersist();
        return new Result(sparkMae, singleMae, alsMae, alsRows, testRows, history, rounds, model, options.output);
    }

    private static double mae(Dataset<Row> scored) {
        return scored.select(functions.avg(functions.abs(functions.col("prediction").minus(functions.col("rating")))))
                .first().getDouble(0);
    }
}
