package org.tensorkit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorkit.vectors.VectorReaderTest.fixture;
import static org.tensorkit.vectors.VectorReaderTest.smallWords;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.preprocessing.StringLookup;

/** Writers of every format, read back bit for bit; the projector's TSV pair. */
class VectorWriterTest {
    @TempDir
    Path dir;

    @Test
    void everyFormatReadsBackTheSameBits() throws IOException {
        Tensor table = Tensor.load(fixture("small_vectors.npy"));
        for (VectorFormat format : VectorFormat.values()) {
            Path p = dir.resolve("out." + format);
            VectorWriter.write(p, format, smallWords(), table);
            try (WordVectors back = VectorReader.builder().progress(Progress.NEVER).build().read(p)) {
                assertEquals(format == VectorFormat.FASTTEXT ? VectorFormat.WORD2VEC_TEXT : format,
                        back.report().format());
                assertEquals(smallWords(), back.words());
                assertEquals(table, back.vectors(), format.toString());
            }
        }
    }

    @Test
    void textIsGensimsLayoutAndBinaryTheCToolsWithANewlinePerVector() throws IOException {
        Path text = dir.resolve("t.txt");
        VectorWriter.write(text, VectorFormat.WORD2VEC_TEXT, List.of("a", "b"), Tensor.of(new float[][] {{0.25f,
            1e-5f}, {-2.5e7f, 3f}}));
        assertEquals("2 2\na 0.25 1.0E-5\nb -2.5E7 3.0\n", Files.readString(text));
        Path glove = dir.resolve("g.txt");
        VectorWriter.write(glove, VectorFormat.GLOVE, List.of("a"), Tensor.of(new float[][] {{1f, 2f}}));
        assertEquals("a 1.0 2.0\n", Files.readString(glove));
        Path bin = dir.resolve("b.bin");
        VectorWriter.write(bin, VectorFormat.WORD2VEC_BINARY, List.of("a"), Tensor.of(new float[][] {{1f}}));
        assertArrayEquals(new byte[] {'1', ' ', '1', '\n', 'a', ' ', 0, 0, (byte) 0x80, 0x3f, '\n'},
                Files.readAllBytes(bin));
    }

    @Test
    void aLookupsVocabularyNamesTheRowsAndItsMaskRowIsLeftOut() throws IOException {
        StringLookup lookup = StringLookup.builder().vocabulary(List.of("x", "y")).maskToken("").build();
        Tensor table = Tensor.of(new float[][] {{0}, {1}, {2}, {3}});    // mask, [UNK], x, y
        Path p = dir.resolve("l.txt");
        VectorWriter.write(p, VectorFormat.WORD2VEC_TEXT, lookup, table);
        assertEquals("3 1\n[UNK] 1.0\nx 2.0\ny 3.0\n", Files.readString(p));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorWriter.write(p,
                VectorFormat.WORD2VEC_TEXT, lookup, Tensor.of(new float[][] {{0}, {1}})));
        assertEquals("table has 2 rows and StringLookup \"" + lookup.name() + "\" has 4 indices; the table must "
                + "have one row per index", e.getMessage());
    }

    @Test
    void refusesWordsAFileCannotHoldAndWritesNothing() {
        Path p = dir.resolve("bad.txt");
        Tensor table = Tensor.of(new float[][] {{1}, {2}});
        assertEquals("word 1 ('a b') cannot be written to a word2vec text file: words must be non-empty and hold no "
                + "whitespace", assertThrows(IllegalArgumentException.class, () -> VectorWriter.write(p,
                        VectorFormat.WORD2VEC_TEXT, List.of("a", "a b"), table)).getMessage());
        assertEquals("word 'a' is both word 0 and word 1; a vector file holds each word once",
                assertThrows(IllegalArgumentException.class, () -> VectorWriter.write(p, VectorFormat.GLOVE,
                        List.of("a", "a"), table)).getMessage());
        assertEquals("table has 2 rows for 1 words", assertThrows(IllegalArgumentException.class,
                () -> VectorWriter.write(p, VectorFormat.GLOVE, List.of("a"), table)).getMessage());
        assertTrue(Files.notExists(p));
    }

    @Test
    void projectorFilesHaveAHeaderRowOnlyWithSeveralColumns() throws IOException {
        Tensor table = Tensor.of(new float[][] {{1f, 0.5f}, {-2f, 3f}});
        Path vectors = dir.resolve("vectors.tsv");
        Path metadata = dir.resolve("metadata.tsv");
        ProjectorFiles.write(vectors, metadata, table, List.of("Toy Story (1995)", "caf\u00e9"));
        assertEquals("1.0\t0.5\n-2.0\t3.0\n", Files.readString(vectors));
        assertEquals("Toy Story (1995)\ncaf\u00e9\n", Files.readString(metadata, StandardCharsets.UTF_8));
        Map<String, List<String>> columns = new LinkedHashMap<>();
        columns.put("title", List.of("Toy Story (1995)", "GoldenEye (1995)"));
        columns.put("ratings", List.of("452", "131"));
        ProjectorFiles.write(vectors, metadata, table, columns);
        assertEquals("title\tratings\nToy Story (1995)\t452\nGoldenEye (1995)\t131\n", Files.readString(metadata));
    }

    @Test
    void projectorFilesRefuseCellsATsvCannotHold() {
        Tensor table = Tensor.of(new float[][] {{1f}, {2f}});
        Path v = dir.resolve("v.tsv");
        Path m = dir.resolve("m.tsv");
        assertEquals("metadata column 'label' row 1 ('a\\tb') holds a tab or a line break, which a TSV cell cannot",
                assertThrows(IllegalArgumentException.class, () -> ProjectorFiles.write(v, m, table,
                        List.of("x", "a\tb"))).getMessage());
        assertEquals("metadata column 'label' has 1 values for 2 vectors", assertThrows(IllegalArgumentException.class,
                () -> ProjectorFiles.write(v, m, table, List.of("x"))).getMessage());
        assertTrue(Files.notExists(v) && Files.notExists(m));
    }
}
