package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Layer;
import org.tensorkit.models.Models;
import org.tensorkit.models.Network;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serving a recommender saved by {@code MovieLensRecommender --save} (or by Keras: any {@code .keras} model with
 * {@code user} and {@code item} inputs and an {@code item_embedding} layer), without retraining: the movies most
 * similar to one, and predicted ratings.
 *
 * <pre>
 * java -cp examples/target/tensorkit-examples.jar org.tensorkit.examples.movielens.MovieLensServe \
 *     --model recommender.keras [--data DIR] [--similar-to 1] [--rate USER:ITEM]...
 * </pre>
 *
 * <p>{@code --data DIR} gives the titles ({@code u.item}); without it movies are shown by id.
 */
public final class MovieLensServe {
    private MovieLensServe() {
    }

    /** The command line (picocli parses it). */
    @Command(name = "MovieLensServe", sortOptions = false,
            description = {"Answers from a saved MovieLens recommender: the movies most similar to one, and "
                    + "predicted ratings of users for movies."})
    public static final class Options {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        private boolean help;

        @Option(names = "--model", paramLabel = "FILE.keras", required = true, description = "the saved model")
        private Path model;

        @Option(names = "--data", paramLabel = "DIR", description = "a MovieLens directory, for the titles")
        private Path data;

        @Option(names = "--similar-to", paramLabel = "ITEM_ID",
                description = "the movie whose neighbours are listed (default: ${DEFAULT-VALUE})")
        private int similarTo = 1;

        @Option(names = "--rate", paramLabel = "USER:ITEM", description = "a rating to predict (repeatable)")
        private List<String> rate = new ArrayList<>();

        private String usage;

        private Options() {
        }

        /**
         * The options of a command line.
         *
         * @throws IllegalArgumentException for a bad command line, with picocli's message and the usage
         */
        public static Options parse(String... args) {
            Options o = new Options();
            CommandLine cli = new CommandLine(o);
            o.usage = CommandLines.parse(cli, args);
            for (String r : o.rate) {
                if (!r.matches("\\d+:\\d+")) {
                    throw new IllegalArgumentException("--rate takes USER:ITEM (two ids), got \"" + r + "\"\n"
                            + cli.getUsageMessage());
                }
            }
            return o;
        }

        /** The usage text when {@code --help} was given, else empty. */
        public Optional<String> help() {
            return Optional.ofNullable(usage);
        }
    }

    /** Runs the program; exit status 2 for a bad command line, 1 when the model or data cannot be read. */
    public static void main(String[] args) {
        Options options = CommandLines.parseOrExit(args, Options::parse, Options::help);
        if (options == null) {
            return;
        }
        try {
            run(options, System.out);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Loads the model and answers; returns the predicted ratings in {@code --rate} order. */
    public static List<Float> run(Options options, PrintStream out) throws IOException {
        Network model = Models.load(options.model, false);
        if (model.inputs().size() != 2) {
            throw new IllegalArgumentException(options.model + ": MovieLensServe answers from the dot and deep "
                    + "models (two id inputs); this model has " + model.inputs().size() + " inputs (the hybrid model "
                    + "also needs each movie's popularity, year and genres: MovieLensRecommender --recommend)");
        }
        Map<Integer, String> titles = options.data != null ? MovieLens.load(options.data).titles() : Map.of();
        Layer layer = model.getLayer("item_embedding");
        if (!(layer instanceof Embedding items)) {
            throw new IllegalArgumentException(options.model + ": layer item_embedding is a "
                    + layer.getClass().getSimpleName() + ", not an Embedding");
        }
        Map<Integer, String> named = new TreeMap<>();
        long rows = items.embeddings().shape().dim(0);
        for (int id = 1; id < rows; id++) {
            named.put(id, titles.getOrDefault(id, "movie " + id));
        }
        out.println("Movies most similar to " + named.getOrDefault(options.similarTo, "movie " + options.similarTo)
                + ":");
        for (MovieLensRecommender.Similar s : MovieLensRecommender.mostSimilar(items, named, options.similarTo, 10)) {
            out.printf(Locale.ROOT, "  %.3f  %s%n", s.similarity(), s.title());
        }
        List<Float> ratings = new ArrayList<>();
        if (!options.rate.isEmpty()) {
            int[][] users = new int[options.rate.size()][1];
            int[][] movies = new int[options.rate.size()][1];
            for (int k = 0; k < users.length; k++) {
                String[] ids = options.rate.get(k).split(":");
                users[k][0] = Integer.parseInt(ids[0]);
                movies[k][0] = Integer.parseInt(ids[1]);
            }
            try (Tensor predicted = model.predict(List.of(Tensor.of(users), Tensor.of(movies))).get(0)) {
                float[] values = predicted.toFloatArray();
                for (int k = 0; k < values.length; k++) {
                    ratings.add(values[k]);
                    out.printf(Locale.ROOT, "Predicted rating of user %d for %s: %.2f%n", users[k][0],
                            named.getOrDefault(movies[k][0], "movie " + movies[k][0]), values[k]);
                }
            }
        }
        out.flush();
        return ratings;
    }
}
