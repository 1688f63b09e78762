package org.tensorkit.vectors;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.AtomicFile;
import org.tensorkit.layers.preprocessing.StringLookup;

/**
 * Writes a table and its words as a vector file of any {@link VectorFormat}: what gensim, fastText, GloVe's tools
 * and {@link VectorReader} read back. Text values are written by {@code Float.toString} ({@code 0.25},
 * {@code 1.0E-5}), whose digits read back to the same float32 (on Java 17 not always the fewest such digits), so a
 * file read back gives the same bits; binary values are
 * little-endian float32 with a newline after each vector, as word2vec's C tool writes them. Files are written all or
 * nothing.
 */
public final class VectorWriter {

    private VectorWriter() {
    }

    /**
     * Writes {@code words} and the rows of {@code table}.
     *
     * @param path the file (replaced if it exists)
     * @param format its format
     * @param words one word per row: distinct, non-empty, without whitespace
     * @param table a 2-D floating-point table (written as float32)
     * @throws IOException if writing fails (the target is then as it was)
     * @throws IllegalArgumentException if a word is empty, holds whitespace or repeats (named with its row), or the
     *     counts differ
     */
    public static void write(Path path, VectorFormat format, List<String> words, Tensor table) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(table, "table");
        INDArray a = Tables.floats(table, "table");
        if (a.rows() != words.size()) {
            throw new IllegalArgumentException("table has " + a.rows() + " rows for " + words.size() + " words");
        }
        int[] rows = new int[words.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        write(path, format, words, rows, a);
    }

    /**
     * Writes a lookup's vocabulary and the table rows its indices select: row {@code i} is the vector of
     * {@code lookup.getVocabulary(true).get(i)}. The mask token's row, if the lookup has one, is left out (an
     * empty word cannot be written); the OOV token ({@code [UNK]}) is written as a word like the others.
     *
     * @param path the file
     * @param format its format
     * @param lookup the lookup whose indices are the table's rows
     * @param table a {@code (lookup.vocabularySize(), dim)} table, such as the Embedding it feeds
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the table has another number of rows than the vocabulary, or a word
     *     cannot be written
     */
    public static void write(Path path, VectorFormat format, StringLookup lookup, Tensor table) throws IOException {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(table, "table");
        INDArray a = Tables.floats(table, "table");
        List<String> vocabulary = lookup.getVocabulary(true);
        if (a.rows() != vocabulary.size()) {
            throw new IllegalArgumentException("table has " + a.rows() + " rows and StringLookup \"" + lookup.name()
                    + "\" has " + vocabulary.size() + " indices; the table must have one row per index");
        }
        List<String> words = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            if (lookup.maskToken() != null && i == 0) {
                continue;
            }
            words.add(vocabulary.get(i));
            rows.add(i);
        }
        write(Objects.requireNonNull(path, "path"), Objects.requireNonNull(format, "format"), words,
                rows.stream().mapToInt(Integer::intValue).toArray(), a);
    }

    /**
     * Writes word vectors (read from a file, or made with {@link WordVectors#of}).
     *
     * @param path the file
     * @param format its format
     * @param vectors the words and their table
     * @throws IOException if writing fails
     */
    public static void write(Path path, VectorFormat format, WordVectors vectors) throws IOException {
        write(path, format, vectors.words(), vectors.vectors());
    }

    private static void write(Path path, VectorFormat format, List<String> words, int[] rows, INDArray a)
            throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = Objects.requireNonNull(words.get(i), "word " + i);
            if (w.isEmpty() || w.codePoints().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("word " + i + " ('" + w + "') cannot be written to a "
                        + format.title() + " file: words must be non-empty and hold no whitespace");
            }
            Integer before = seen.putIfAbsent(w, i);
            if (before != null) {
                throw new IllegalArgumentException("word '" + w + "' is both word " + before + " and word " + i
                        + "; a vector file holds each word once");
            }
        }
        int dim = a.rank() == 2 ? (int) a.size(1) : 0;
        AtomicFile.write(path, true, raw -> {
            OutputStream out = new BufferedOutputStream(raw, 1 << 20);
            if (format.hasHeader()) {
                out.write((words.size() + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            float[] row = new float[dim];
            ByteBuffer binary = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < words.size(); i++) {
                FloatBuffer values = Tables.rows(a, rows[i], 1, dim);
                values.get(row);
                byte[] word = words.get(i).getBytes(StandardCharsets.UTF_8);
                out.write(word);
                if (format.isBinary()) {
                    out.write(' ');
                    binary.clear();
                    binary.asFloatBuffer().put(row);
                    out.write(binary.array());
                    out.write('\n');
                } else {
                    line.setLength(0);
                    for (float v : row) {
                        line.append(' ').append(v);
                    }
                    line.append('\n');
                    out.write(line.toString().getBytes(StandardCharsets.US_ASCII));
                }
            }
            out.flush();
        });
    }
}
