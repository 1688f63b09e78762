package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Where a MovieLens program's ratings come from, as a picocli mixin: {@code --data DIR}, {@code --synthetic}, or the
 * data set downloaded once into the cache. Shared by the programs that train on MovieLens.
 */
public final class MovieLensSource {
    @Option(names = "--data", paramLabel = "DIR",
            description = "the unzipped ml-100k directory (u.data, u.item); without it the data set is "
                    + "downloaded once into ~/.cache/tensorkit/ml-100k")
    private Path data;

    @Option(names = "--synthetic", description = "train on generated MovieLens-format ratings (no download)")
    private boolean synthetic;

    /** {@code --data}, or {@code null}. */
    public Path data() {
        return data;
    }

    /** {@code --synthetic}. */
    public boolean synthetic() {
        return synthetic;
    }

    /**
     * {@code --data}; else, with {@code --synthetic}, a fresh synthetic data set of MovieLens 100k's size drawn
     * from {@code seed}, in a temporary directory deleted when the JVM exits; else the downloaded cache.
     *
     * @throws IOException if the synthetic set cannot be written or the download fails
     */
    public Path directory(long seed) throws IOException {
        if (data != null) {
            return data;
        }
        if (synthetic) {
            Path dir = Files.createTempDirectory("tensorkit-synthetic-ml");
            dir.toFile().deleteOnExit(); // deleted after its files, which are registered after it
            SyntheticRatings.write(dir, 943, 1682, 100_000, 2, 0.1, seed);
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            return dir;
        }
        return MovieLensDownload.ensure(MovieLensDownload.defaultCache());
    }
}
