package org.tensorkit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorkit.core.Tensor;

/** Files gensim 4.2 wrote ({@code vectors/src/test/python/generate_vector_fixtures.py}) and files made here. */
class VectorReaderTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(VectorReaderTest.class.getResource("/vectors/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> smallWords() throws IOException {
        return Arrays.asList(Tensor.load(fixture("small_words.npy")).toStringArray());
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static VectorReader strict(VectorFormat format) {
        return VectorReader.builder().format(format).progress(Progress.NEVER).build();
    }

    private static VectorReader lenient(VectorFormat format) {
        return VectorReader.builder().format(format).lenient(true).progress(Progress.NEVER).build();
    }

    @Test
    void readsGensimsWord2vecTextAndBinaryAndGloveBitForBit() throws IOException {
        Tensor expected = Tensor.load(fixture("small_vectors.npy"));
        String[][] files = {{"small.w2v.txt", "WORD2VEC_TEXT"}, {"small.w2v.bin", "WORD2VEC_BINARY"},
            {"small.glove.txt", "GLOVE"}};
        for (String[] f : files) {
            try (WordVectors v = VectorReader.create().read(fixture(f[0]))) {      // the format detected
                assertEquals(VectorFormat.valueOf(f[1]), v.report().format(), f[0]);
                assertEquals(smallWords(), v.words(), f[0]);
                assertEquals(expected, v.vectors(), f[0]);
                assertEquals(Tensor.load(fixture(f[0].replace('.', '_') + "_gensim.npy")), v.vectors(), f[0]);
                assertEquals(5, v.dimension());
                assertEquals(!f[1].equals("GLOVE"), v.report().headerDetected());
                assertArrayEquals(expected.get(1).toFloatArray(), v.vector("caf\u00e9"));
                assertEquals(2, v.indexOf("\u65e5\u672c"));
                assertEquals(-1, v.indexOf("absent"));
            }
        }
    }

    @Test
    void toleratesTrailingSpacesCrLfTabsAndBlankLines() throws IOException {
        Path p = write("w.txt", "2 3\r\nab 1 2 3 \r\n\n\tcd\t4  5\t6\t\n\n");
        try (WordVectors v = strict(VectorFormat.WORD2VEC_TEXT).read(p)) {
            assertEquals(List.of("ab", "cd"), v.words());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.vectors().toFloatArray());
            assertEquals(5, v.report().lines());
        }
        Path glove = write("g.txt", "a 1 nan\nb inf -Infinity\nc 1e-3 -2.5E2");    // no final newline
        try (WordVectors v = strict(VectorFormat.GLOVE).read(glove)) {
            assertArrayEquals(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-3f,
                -250f}, v.vectors().toFloatArray());
        }
    }

    @Test
    void refusesAWrongDimensionNamingFileAndLine() throws IOException {
        Path p = write("w.txt", "3 2\na 1 2\nb 1 2 3\nc 1 2\n");
        IOException e = assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_TEXT).read(p));
        assertEquals(p + " line 3: 3 values for 'b', expected 2 (the dimension of the header); read leniently to "
                + "skip such lines", e.getMessage());
        Path g = write("g.txt", "a 1 2\nb 1\n");
        assertEquals(g + " line 2: 1 values for 'b', expected 2 (the dimension of line 1); read leniently to skip "
                + "such lines", assertThrows(IOException.class, () -> strict(VectorFormat.GLOVE).read(g)).getMessage());
        Path m = write("m.txt", "a 1 2\nb 1 x2\n");
        assertEquals(m + " line 2: 'x2' is not a number (value 2 of 'b'); read leniently to skip such lines",
                assertThrows(IOException.class, () -> strict(VectorFormat.GLOVE).read(m)).getMessage());
    }

    @Test
    void lenientReadsCountAndSkipBadLinesAndKeepTheFirstOfADuplicate() throws IOException {
        Path p = write("w.txt", "6 2\na 1 2\nb 1 2 3\nc 1 z\na 9 9\nd 3 4\ne 5\n");
        try (WordVectors v = lenient(VectorFormat.WORD2VEC_TEXT).read(p)) {
            assertEquals(List.of("a", "d"), v.words());
            assertArrayEquals(new float[] {1, 2, 3, 4}, v.vectors().toFloatArray());
            ReadReport r = v.report();
            assertEquals(2, r.count(ReadReport.Kind.WRONG_DIMENSION));
            assertEquals(1, r.count(ReadReport.Kind.MALFORMED));
            assertEquals(1, r.count(ReadReport.Kind.DUPLICATE));
            assertEquals(List.of(new ReadReport.Example(3, "3 values for 'b', expected 2"),
                    new ReadReport.Example(7, "1 values for 'e', expected 2")), r.examples(ReadReport.Kind.WRONG_DIMENSION));
            assertEquals(List.of(new ReadReport.Example(5, "'a' (first at line 2)")),
                    r.examples(ReadReport.Kind.DUPLICATE));
            assertEquals(p + " (word2vec text, header 6 2): 2 vectors of dimension 2 from 7 lines (0.0 MB in "
                    + String.format(Locale.ROOT, "%.1f", r.seconds()) + " s)\n"
                    + "  wrong dimension: 2 (line 3: 3 values for 'b', expected 2; line 7: 1 values for 'e', "
                    + "expected 2)\n"
                    + "  malformed: 1 (line 4: 'z' is not a number (value 2 of 'c'))\n"
                    + "  not text: 0\n"
                    + "  duplicate words: 1 (line 5: 'a' (first at line 2))\n"
                    + "  undecodable words: 0\n"
                    + "  words with spaces: 0", r.toString().replace(System.lineSeparator(), "\n"));
        }
    }

    @Test
    void readsUpToTheHeadersCountOrTheLimit() throws IOException {
        Path p = write("w.txt", "2 1\na 1\nb 2\nc 3\n");
        try (WordVectors v = strict(VectorFormat.WORD2VEC_TEXT).read(p)) {
            assertEquals(List.of("a", "b"), v.words());             // as gensim: the header's count
            assertFalse(v.report().limitReached());
        }
        Path g = write("g.txt", "a 1\nb 2\na 5\nc 3\nd 4\n");
        try (WordVectors v = VectorReader.builder().limit(3).progress(Progress.NEVER).build().read(g)) {
            assertEquals(List.of("a", "b", "c"), v.words());       // the duplicate does not count
            assertArrayEquals(new float[] {1, 2, 3}, v.vectors().toFloatArray());
            assertTrue(v.report().limitReached());
        }
        Path bin = dir.resolve("b.bin");
        VectorWriter.write(bin, VectorFormat.WORD2VEC_BINARY, List.of("a", "b", "c"), Tensor.of(new float[][] {{1},
            {2}, {3}}));
        try (WordVectors v = VectorReader.builder().limit(2).progress(Progress.NEVER).build().read(bin)) {
            assertEquals(List.of("a", "b"), v.words());
        }
    }

    @Test
    void reportsUndecodableWordsAndKeepsGloveWordsWithSpaces() throws IOException {
        Path p = dir.resolve("u.txt");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("ok 1 2\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'b', (byte) 0xff, 'd', ' ', '3', ' ', '4', '\n'});
        b.writeBytes(". . . 5 6\n".getBytes(StandardCharsets.UTF_8));
        Files.write(p, b.toByteArray());
        try (WordVectors v = strict(VectorFormat.GLOVE).read(p)) {
            assertEquals(List.of("ok", "b\uFFFDd", ". . ."), v.words());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.vectors().toFloatArray());
            assertEquals(List.of(new ReadReport.Example(2, "'b\uFFFDd'")),
                    v.report().examples(ReadReport.Kind.UNDECODABLE));
            assertEquals(1, v.report().count(ReadReport.Kind.SPACED));
        }
    }

    @Test
    void refusesAFileOfTheOtherKindNamingTheFormatToUse() throws IOException {
        IOException asText = assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_TEXT)
                .read(fixture("small.w2v.bin")));
        assertTrue(asText.getMessage().startsWith(fixture("small.w2v.bin") + " line 2: byte 0x"), asText.getMessage());
        assertTrue(asText.getMessage().endsWith("is not text: is it a word2vec binary file? Read it with "
                + "VectorFormat.WORD2VEC_BINARY"), asText.getMessage());
        IOException asBinary = assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_BINARY)
                .read(fixture("small.w2v.txt")));
        assertEquals(fixture("small.w2v.txt") + ": the vector bytes after 'the' are text ('1e-05 -0.9794742 "
                + "-1.'): is it a word2vec text file? Read it with VectorFormat.WORD2VEC_TEXT",
                asBinary.getMessage());
        IOException noHeader = assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_TEXT)
                .read(fixture("small.glove.txt")));
        assertTrue(noHeader.getMessage().startsWith(fixture("small.glove.txt") + " line 1: expected the word2vec "
                + "text header '<count> <dim>', got 'the 9.999999747378752e-06"), noHeader.getMessage());
        assertTrue(noHeader.getMessage().endsWith("(a GloVe file has no header: read it with VectorFormat.GLOVE)"));
        IOException header = assertThrows(IOException.class, () -> strict(VectorFormat.GLOVE)
                .read(fixture("small.w2v.txt")));
        assertEquals(fixture("small.w2v.txt") + " line 1: '8 5' is a word2vec header, which GloVe files do not "
                + "have: read it with VectorFormat.WORD2VEC_TEXT", header.getMessage());
    }

    @Test
    void refusesEmptyAndTruncatedFiles() throws IOException {
        Path empty = write("e.txt", "");
        assertEquals(empty + " is empty: it has no header and no vectors",
                assertThrows(IOException.class, () -> VectorReader.create().read(empty)).getMessage());
        Path shortText = write("s.txt", "3 2\na 1 2\nb 3 4\n");
        assertEquals(shortText + ": the header declares 3 vectors of dimension 2 and the file ends after 2",
                assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_TEXT).read(shortText))
                        .getMessage());
        byte[] bin = Files.readAllBytes(fixture("small.w2v.bin"));
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(bin, bin.length - 3));
        assertEquals(cut + ": the header declares 8 vectors of dimension 5 and the file ends after 7",
                assertThrows(IOException.class, () -> strict(VectorFormat.WORD2VEC_BINARY).read(cut)).getMessage());
        Path noValues = write("n.txt", "word\n");
        assertEquals(noValues + " line 1: 'word' has no values: a GloVe line is a word and its numbers",
                assertThrows(IOException.class, () -> VectorReader.create().read(noValues)).getMessage());
    }

    @Test
    void theResultDoesNotDependOnThreadsOrBlocks() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        List<String> expectedWords = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            int n = random.nextInt(50) == 0 ? 3 : 4;          // one line in 50 has the wrong dimension
            String word = random.nextInt(40) == 0 && i > 0 ? "w" + random.nextInt(i) : "w" + i;
            text.append(word);
            for (int k = 0; k < n; k++) {
                text.append(' ').append(random.nextFloat() * 2 - 1);
            }
            text.append(random.nextBoolean() ? " \n" : "\n");
            if (n == 4 && !expectedWords.contains(word)) {
                expectedWords.add(word);
            }
        }
        Path p = write("many.txt", text.toString());
        WordVectors one = VectorReader.builder().lenient(true).threads(1).progress(Progress.NEVER).build().read(p);
        assertEquals(expectedWords, one.words());
        for (int threads : new int[] {2, 3, 8}) {
            for (int block : new int[] {1 << 10, 7777, 1 << 20}) {
                WordVectors many = VectorReader.builder().lenient(true).threads(threads).blockBytes(block)
                        .progress(Progress.NEVER).build().read(p);
                assertEquals(one.words(), many.words());
                assertEquals(one.vectors(), many.vectors());
                assertEquals(one.report().counts(), many.report().counts());
                assertEquals(one.report().examples(), many.report().examples());
                assertEquals(one.report().lines(), many.report().lines());
                many.close();
            }
        }
        one.close();
    }

    @Test
    void aStrictReadNamesTheFirstBadLineWhateverTheSplit() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("w").append(i).append(i == 2222 || i == 2900 ? " 1\n" : " 1 2\n");
        }
        Path p = write("bad.txt", text.toString());
        for (int block : new int[] {1 << 12, 1 << 20}) {
            IOException e = assertThrows(IOException.class, () -> VectorReader.builder().threads(4).blockBytes(block)
                    .progress(Progress.NEVER).build().read(p));
            assertTrue(e.getMessage().startsWith(p + " line 2223: 1 values for 'w2222'"), e.getMessage());
        }
    }

    @Test
    void progressIsDrawnOnlyWhenAskedOrOnATerminalAndOnlyAfterTwoSeconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {0};
        ProgressLine quiet = new ProgressLine(out, 300_000_000L, Progress.AUTO, false, () -> now[0]);
        now[0] = 5_000_000_000L;
        quiet.update(100_000_000L, 1000);
        quiet.finish(300_000_000L, 3000);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        now[0] = 0;
        ProgressLine shown = new ProgressLine(out, 300_000_000L, Progress.ALWAYS, false, () -> now[0]);
        now[0] = 1_000_000_000L;
        shown.update(50_000_000L, 500);            // under two seconds: nothing
        now[0] = 4_000_000_000L;
        shown.update(100_000_000L, 145_000);
        now[0] = 12_000_000_000L;
        shown.finish(300_000_000L, 400_000);
        assertEquals("100.0/300.0 MB [=========>....................] - 145,000 vectors - 25.0 MB/s - ETA: 8s\n"
                + "300.0/300.0 MB [==============================] - 400,000 vectors - 25.0 MB/s - 12s\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void optionsAreChecked() {
        assertEquals("limit must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> VectorReader.builder().limit(0)).getMessage());
        assertEquals("threads must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> VectorReader.builder().threads(0)).getMessage());
    }
}
