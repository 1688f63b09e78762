package org.tensorkit.examples.movielens;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Fetches MovieLens 100k from GroupLens into a cache directory once. The data set's licence forbids
 * redistribution, so it is never committed; offline, the caller is told what to pass instead.
 */
public final class MovieLensDownload {
    /** Where GroupLens publishes the archive. */
    public static final URI ARCHIVE = URI.create("https://files.grouplens.org/datasets/movielens/ml-100k.zip");
    private static final Set<String> NEEDED = Set.of("u.data", "u.item");

    private MovieLensDownload() {
    }

    /** The default cache: {@code ~/.cache/tensorkit/ml-100k}. */
    public static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "tensorkit", "ml-100k");
    }

    /**
     * Returns {@code cache} holding {@code u.data} and {@code u.item}, downloading and unpacking the archive first
     * if they are missing.
     *
     * @throws IOException when the download fails; its message says how to run offline
     */
    public static Path ensure(Path cache) throws IOException {
        if (NEEDED.stream().allMatch(f -> Files.isRegularFile(cache.resolve(f)))) {
            return cache;
        }
        Files.createDirectories(cache);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(ARCHIVE).timeout(Duration.ofMinutes(2)).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            try (ZipInputStream zip = new ZipInputStream(response.body())) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    String file = Path.of(e.getName()).getFileName().toString();
                    if (NEEDED.contains(file)) {
                        Path tmp = cache.resolve(file + ".part");
                        Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, cache.resolve(file), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("Could not download MovieLens 100k from " + ARCHIVE + " (" + describe(e)
                    + "). Download and unzip ml-100k.zip by hand and pass its directory (the one holding u.data "
                    + "and u.item) with --data DIR.", e);
        }
        if (!NEEDED.stream().allMatch(f -> Files.isRegularFile(cache.resolve(f)))) {
            throw new IOException(ARCHIVE + " did not contain u.data and u.item");
        }
        return cache;
    }

    /** What went wrong, also when the exception has no message: its class, then its message if any. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
