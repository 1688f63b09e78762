package org.tensorkit.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Golden texts kept as test resources, compared line for line (trailing spaces included). */
final class Golden {
    private Golden() {
    }

    /** The lines of the resource {@code path} (UTF-8, each ended by a newline). */
    static List<String> lines(String path) {
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!text.endsWith("\n")) {
                throw new IllegalStateException(path + " must end with a newline");
            }
            return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
