package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;
import org.tensorkit.layers.Concatenate;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The course lab's explicit-feedback recommender on MovieLens 100k: user and item embeddings trained to predict
 * ratings, then the movies closest to a given one in the item embedding space.
 *
 * <pre>
 * java -cp examples/target/tensorkit-examples.jar org.tensorkit.examples.movielens.MovieLensRecommender \
 *     [--data DIR] [--synthetic] [--model dot|deep] [--epochs 10] [--similar-to 1] [--plot movielens-loss.png]
 *     [--save recommender.keras]
 * </pre>
 *
 * <p>{@code --data DIR} reads {@code u.data} and {@code u.item} from DIR; without it the data set is downloaded
 * once from GroupLens into {@code ~/.cache/tensorkit/ml-100k} (offline, the program says what to pass).
 * {@code --synthetic} uses a generated MovieLens-format data set instead (943 users, 1682 items, 100,000
 * ratings of a known rank-2 structure plus noise), for trying the program offline. Ratings are joined with items
 * (ordered by item id), split 80/20 with a seed; the model trains with Adam on MAE, batch 64, 10 epochs,
 * validation split 0.1; the program prints the summary, the progress, test MSE and MAE, the 10 movies most
 * similar to {@code --similar-to} (cosine similarity of item embeddings; default 1, Toy Story (1995)), and writes
 * a PNG of loss and val_loss per epoch. {@code --save FILE.keras} saves the trained model (Keras 3's format),
 * which {@link MovieLensServe} answers questions from without retraining.
 */
public final class MovieLensRecommender {
    private MovieLensRecommender() {
    }

    /** The models {@code --model} chooses from. */
    public enum ModelKind {
        /** User and item embeddings, their dot product: matrix factorization. */
        dot,
        /** User and item embeddings concatenated, then dense layers. */
        deep,
        /**
         * The lab's best: raw user and item ids as strings through StringLookups, the item's popularity (quantile
         * bins) and release year (normalized), its genres pooled by an EmbedReduce, then dense layers.
         */
        hybrid
    }

    /** The command line, with the lab's defaults (picocli parses it). */
    @Command(name = "MovieLensRecommender", sortOptions = false,
            description = {"Trains the course lab's recommender on MovieLens 100k, reports test MSE and MAE and the "
                    + "movies closest to one in the item embedding space, and plots the loss per epoch."})
    public static final class Options {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        private boolean helpRequested;

        @CommandLine.Mixin
        private MovieLensSource source = new MovieLensSource();

        @Option(names = "--model", paramLabel = "dot|deep|hybrid",
                description = "the model (default: ${DEFAULT-VALUE})")
        private ModelKind model = ModelKind.dot;

        @Option(names = "--epochs", paramLabel = "N", description = "epochs (default: ${DEFAULT-VALUE})")
        private int epochs = 10;

        @Option(names = "--batch-size", paramLabel = "N", description = "batch size (default: ${DEFAULT-VALUE})")
        private int batchSize = 64;

        @Option(names = "--validation-split", paramLabel = "F",
                description = "fraction of the training rows that validate (default: ${DEFAULT-VALUE})")
        private double validationSplit = 0.1;

        @Option(names = "--similar-to", paramLabel = "ITEM_ID",
                description = "the movie whose neighbours are listed (default: ${DEFAULT-VALUE}, Toy Story)")
        private int similarTo = 1;

        @Option(names = "--plot", paramLabel = "FILE.png",
                description = "where the loss plot goes (default: ${DEFAULT-VALUE})")
        private Path plot = Path.of("movielens-loss.png");

        @Option(names = "--projection", paramLabel = "FILE.png",
                description = "draw the item table's 2-D PCA projection there, labelling the 30 most rated movies")
        private Path projection;

        @Option(names = "--save", paramLabel = "FILE.keras",
                description = "save the trained model there (Keras 3 .keras; MovieLensServe and Keras load it)")
        private Path save;

        @Option(names = "--recommend", paramLabel = "USER_ID",
                description = "list the 10 movies the model rates highest for this user among those it has not rated")
        private Integer recommend;

        @Option(names = "--seed", paramLabel = "N", description = "the seed of the split, weights and shuffling "
                + "(default: ${DEFAULT-VALUE})")
        private long seed = 42;

        @Option(names = "--verbose", paramLabel = "0|1|2", description = "fit's output: 0 silent, 1 progress bar, "
                + "2 one line per epoch (default: a bar on a terminal, else one line per epoch)")
        private Integer verbose;

        private Options() {
        }

        /** The lab's defaults. */
        public static Options defaults() {
            return parse();
        }

        /**
         * The options of a command line.
         *
         * @throws IllegalArgumentException for an unknown option, a missing value or a value of the wrong type,
         *                                  with picocli's message and the usage
         */
        public static Options parse(String... args) {
            Options o = new Options();
            o.help = CommandLines.parse(new CommandLine(o), args);
            o.check();
            return o;
        }

        private String help;

        private void check() {
            CommandLines.requireAtLeastOne("--epochs", epochs);
            CommandLines.requireAtLeastOne("--batch-size", batchSize);
            if (!(validationSplit >= 0 && validationSplit < 1)) {
                throw new IllegalArgumentException("--validation-split must be in [0, 1), got " + validationSplit);
            }
            if (save != null && !String.valueOf(save.getFileName()).endsWith(".keras")) {
                throw new IllegalArgumentException("--save must name a .keras file, got " + save);
            }
            if (verbose != null && (verbose < 0 || verbose > 2)) {
                throw new IllegalArgumentException("--verbose must be 0, 1 or 2, got " + verbose);
            }
        }

        /** The usage text when {@code --help} was given, else empty. */
        public Optional<String> help() {
            return Optional.ofNullable(help);
        }

        /** {@code --data}, or {@code null}. */
        public Path data() {
            return source.data();
        }

        /** {@code --synthetic}. */
        public boolean synthetic() {
            return source.synthetic();
        }

        /** Where the ratings come from ({@code --data}, {@code --synthetic} or the download). */
        public MovieLensSource source() {
            return source;
        }

        /** {@code --model}: {@code "dot"}, {@code "deep"} or {@code "hybrid"}. */
        public String model() {
            return model.name();
        }

        /** {@code --epochs}. */
        public int epochs() {
            return epochs;
        }

        /** {@code --batch-size}. */
        public int batchSize() {
            return batchSize;
        }

        /** {@code --validation-split}. */
        public double validationSplit() {
            return validationSplit;
        }

        /** {@code --similar-to}. */
        public int similarTo() {
            return similarTo;
        }

        /** {@code --plot}. */
        public Path plot() {
            return plot;
        }

        /** {@code --projection}, or {@code null}. */
        public Path projection() {
            return projection;
        }

        /** {@code --save}, or {@code null}. */
        public Path save() {
            return save;
        }

        /** {@code --recommend}, or {@code null}. */
        public Integer recommend() {
            return recommend;
        }

        /** {@code --seed}. */
        public long seed() {
            return seed;
        }

        /** {@code --verbose} as fit's verbosity ({@link Verbosity#AUTO} when not given). */
        public Verbosity verbosity() {
            return verbose == null ? Verbosity.AUTO : Verbosity.of(verbose);
        }
    }

    /** A movie near the query, with its cosine similarity. */
    public record Similar(int itemId, String title, double similarity) {
    }

    /** A movie recommended to a user, with its predicted rating. */
    public record Recommendation(int itemId, String title, double rating) {
    }

    /** What a run measured. */
    public record Result(Model model, History history, double testMse, double testMae, double meanPredictorMae,
                         List<Similar> similar, List<Recommendation> recommended, Path plot,
                         List<ItemProjection.Point> projection) {
    }

    /** A model's inputs for rating rows (user id, item id): what each kind of model reads. */
    @FunctionalInterface
    public interface Features {
        /** The model's input tensors for the pairs {@code (users[k], items[k])}. */
        List<Tensor> of(int[] users, int[] items);
    }

    /** Runs the program; exit status 2 for a bad command line, 1 when the data cannot be read. */
    public static void main(String[] args) throws IOException {
        Options options = CommandLines.parseOrExit(args, Options::parse, Options::help);
        if (options == null) {
            return;
        }
        MovieLens data;
        try {
            data = MovieLens.load(options.source().directory(options.seed()));
        } catch (IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        run(data, options, System.out);
    }

    /** Trains, evaluates and reports on {@code data}, printing to {@code out}. */
    public static Result run(MovieLens data, Options options, PrintStream out) throws IOException {
        MovieLens.Split split = data.split(0.2, options.seed());
        Ratings train = split.train();
        Ratings test = split.test();
        Model model;
        Features features;
        switch (options.model()) {
            case "dot" -> {
                model = dotModel(data.maxUserId(), data.maxItemId(), options.seed());
                features = MovieLensRecommender::ids;
            }
            case "deep" -> {
                model = deepModel(data.maxUserId(), data.maxItemId(), options.seed());
                features = MovieLensRecommender::ids;
            }
            default -> {
                Hybrid hybrid = Hybrid.of(data, train);
                model = hybrid.model(options.seed());
                features = hybrid;
            }
        }
        out.print(model.summaryString());
        model.compile(Adam.create(), Losses.mae());
        History history = model.fit(features.of(train.userIds(), train.itemIds()),
                Tensor.of(train.ratings()), FitOptions.builder().batchSize(options.batchSize()).epochs(options.epochs())
                        .validationSplit(options.validationSplit()).shuffle(true).seed(options.seed())
                        .verbose(options.verbosity()).output(out).build());

        INDArray predicted = model.predict(features.of(test.userIds(), test.itemIds()), 1024)
                .get(0).unwrap().reshape(test.size()).castTo(DataType.DOUBLE);
        INDArray actual = Nd4j.createFromArray(test.ratings()).castTo(DataType.DOUBLE);
        INDArray error = predicted.sub(actual);
        double mse = error.mul(error).meanNumber().doubleValue();
        double mae = Transforms.abs(error, false).meanNumber().doubleValue();
        double meanMae = Transforms.abs(actual.sub(train.meanRating()), false).meanNumber().doubleValue();
        out.printf(Locale.ROOT, "Test MSE: %.4f%nTest MAE: %.4f (predicting the mean training rating: %.4f)%n",
                mse, mae, meanMae);

        Embedding items = (Embedding) model.getLayer("item_embedding");
        IntUnaryOperator rowOf = features instanceof Hybrid h ? h::itemRow : id -> id;
        List<Similar> similar = mostSimilar(items, data.titles(), options.similarTo(), 10, rowOf);
        out.println("Movies most similar to " + data.titles().get(options.similarTo()) + ":");
        for (Similar s : similar) {
            out.printf(Locale.ROOT, "  %.3f  %s%n", s.similarity(), s.title());
        }
        List<Recommendation> recommended = List.of();
        if (options.recommend() != null) {
            recommended = recommend(model, features, data, options.recommend(), 10);
            out.println("Top " + recommended.size() + " movies for user " + options.recommend()
                    + " among those they have not rated:");
            for (Recommendation r : recommended) {
                out.printf(Locale.ROOT, "  %.2f  %s%n", r.rating(), r.title());
            }
        }
        plot(history, options.plot());
        out.println("Loss plot: " + options.plot().toAbsolutePath());
        List<ItemProjection.Point> projection = List.of();
        if (options.projection() != null) {
            projection = ItemProjection.of(items, data.titles(), train, rowOf, 30);
            ItemProjection.plot(projection, options.projection(), "MovieLens items: PCA of the item table ("
                    + options.model() + " model), the 30 most rated movies");
            out.println("Item projection: " + options.projection().toAbsolutePath());
        }
        if (options.save() != null) {
            model.save(options.save());
            out.println("Model saved: " + options.save().toAbsolutePath());
        }
        out.flush();
        return new Result(model, history, mse, mae, meanMae, similar, recommended, options.plot(), projection);
    }

    /** The dot and deep models' inputs: the ids themselves. */
    private static List<Tensor> ids(int[] users, int[] items) {
        return List.of(Tensor.of(users), Tensor.of(items));
    }

    /**
     * The {@code k} movies with the highest predicted rating for {@code user} among those the user has not rated
     * in any of the data (ties by id).
     *
     * @throws IllegalArgumentException for a user the data does not have
     */
    public static List<Recommendation> recommend(Model model, Features features, MovieLens data, int user, int k) {
        java.util.Set<Integer> rated = new java.util.HashSet<>();
        Ratings all = data.all();
        for (int r = 0; r < all.size(); r++) {
            if (all.userIds()[r] == user) {
                rated.add(all.itemIds()[r]);
            }
        }
        if (rated.isEmpty()) {
            throw new IllegalArgumentException("--recommend " + user + ": no user with that id has rated anything");
        }
        int[] candidates = data.titles().keySet().stream().filter(id -> !rated.contains(id))
                .mapToInt(Integer::intValue).toArray();
        int[] users = new int[candidates.length];
        java.util.Arrays.fill(users, user);
        float[] scores = model.predict(features.of(users, candidates), 1024).get(0).toFloatArray();
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < candidates.length; c++) {
            order.add(c);
        }
        order.sort(Comparator.comparingDouble((Integer c) -> -scores[c]).thenComparing(c -> candidates[c]));
        return order.subList(0, Math.min(k, order.size())).stream()
                .map(c -> new Recommendation(candidates[c], data.titles().get(candidates[c]), scores[c])).toList();
    }

    private static SymbolicTensor[] embeddedInputs(int maxUserId, int maxItemId, long seed) {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Embedding users = Embedding.builder().inputDim(maxUserId + 1).outputDim(64).inputLength(1)
                .name("user_embedding").seed(seed).build();
        Embedding items = Embedding.builder().inputDim(maxItemId + 1).outputDim(64).inputLength(1)
                .name("item_embedding").seed(seed + 1).build();
        return new SymbolicTensor[] {user, item, Flatten.create().call(users.call(user)),
                Flatten.create().call(items.call(item))};
    }

    /** The lab's dot model: the rating is the dot product of the user's and the item's 64-d embeddings. */
    public static Model dotModel(int maxUserId, int maxItemId, long seed) {
        SymbolicTensor[] t = embeddedInputs(maxUserId, maxItemId, seed);
        SymbolicTensor y = Dot.of(1).call(t[2], t[3]);
        return Model.builder().inputs(t[0], t[1]).outputs(y).name("dot_model").build();
    }

    /** The lab's deep model: both embeddings concatenated, dropout, Dense(64, relu), Dense(1). */
    public static Model deepModel(int maxUserId, int maxItemId, long seed) {
        SymbolicTensor[] t = embeddedInputs(maxUserId, maxItemId, seed);
        SymbolicTensor x = Concatenate.create().call(t[2], t[3]);
        x = Dropout.builder().rate(0.5).seed(seed + 2).build().call(x);
        x = Dense.builder().units(64).activation("relu").seed(seed + 3).build().call(x);
        SymbolicTensor y = Dense.builder().units(1).seed(seed + 4).build().call(x);
        return Model.builder().inputs(t[0], t[1]).outputs(y).name("deep_model").build();
    }

    /**
     * The {@code k} movies whose embeddings have the highest cosine similarity with {@code query}'s, the query
     * excluded (ids without a title, such as the unused row 0, too). Whole-array work: the table is normalized
     * row-wise and multiplied by the query's row once.
     */
    public static List<Similar> mostSimilar(Embedding items, Map<Integer, String> titles, int query, int k) {
        return mostSimilar(items, titles, query, k, id -> id);
    }

    /**
     * {@link #mostSimilar(Embedding, Map, int, int)} for a table whose rows are not the item ids: {@code rowOf}
     * gives an item's row (-1 for an item the table has no row of, such as one a lookup never saw).
     */
    public static List<Similar> mostSimilar(Embedding items, Map<Integer, String> titles, int query, int k,
                                            IntUnaryOperator rowOf) {
        if (!titles.containsKey(query) || rowOf.applyAsInt(query) < 0) {
            throw new IllegalArgumentException("--similar-to " + query + ": no movie with that id"
                    + (titles.containsKey(query) ? " in the training data" : ""));
        }
        Map<Integer, Integer> idOfRow = new HashMap<>();
        for (int id : titles.keySet()) {
            int row = rowOf.applyAsInt(id);
            if (row >= 0 && row < items.inputDim()) {
                idOfRow.put(row, id);
            }
        }
        int queryRow = rowOf.applyAsInt(query);
        // the rows that are no titled movie (padding, unseen ids) may come first: ask for enough to skip them all
        int others = items.inputDim() - idOfRow.size();
        int wanted = Math.min(items.inputDim() - 1, k + others);
        Nearest nearest = items.nearest(new int[] {queryRow}, wanted, Metric.COSINE, true);
        int[] rows = nearest.ids(0);
        float[] scores = nearest.scores(0);
        List<Similar> out = new ArrayList<>();
        for (int j = 0; j < rows.length && out.size() < k; j++) {
            Integer id = idOfRow.get(rows[j]);
            if (id != null) {
                out.add(new Similar(id, titles.get(id), scores[j]));
            }
        }
        return out;
    }

    /** A PNG of loss and val_loss per epoch (headless). */
    public static void plot(History history, Path file) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title("MovieLens: loss per epoch")
                .xAxisTitle("epoch").yAxisTitle("loss (MAE)").build();
        double[] epochs = history.epoch().stream().mapToDouble(e -> e + 1).toArray();
        for (String key : List.of("loss", "val_loss")) {
            if (history.history().containsKey(key) && epochs.length > 0) {
                chart.addSeries(key, epochs, history.get(key).stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
