package org.tensorkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CategoricalEmbeddingsTest {
    /** The notebook's outputs, byte for byte (Keras pads summary rows with trailing spaces). */
    @Test
    void stdoutIsTheNotebookOutput() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/categorical-embeddings.golden.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CategoricalEmbeddings.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertEquals(expected, captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
