package org.tensorkit.vectors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;

/**
 * Words and their vectors: a float32 tensor of shape {@code (size, dimension)} whose row {@code i} is the vector of
 * {@code words().get(i)}, and the report of the file they came from. Words are distinct. Closing it closes the
 * tensor.
 */
public final class WordVectors implements AutoCloseable {
    private final List<String> words;
    private final Map<String, Integer> index;
    private final Tensor vectors;
    private final ReadReport report;

    WordVectors(List<String> words, Map<String, Integer> index, Tensor vectors, ReadReport report) {
        this.words = Collections.unmodifiableList(words);
        this.index = index;
        this.vectors = vectors;
        this.report = report;
    }

    /**
     * Vectors held in memory, such as a trained table's rows and their words.
     *
     * @param words one distinct word per row
     * @param vectors a 2-D float32 tensor, one row per word (kept, not copied)
     * @return the word vectors, with a report naming no file
     * @throws IllegalArgumentException if the counts differ, a word repeats or is null, or the tensor is not 2-D
     *     float32
     */
    public static WordVectors of(List<String> words, Tensor vectors) {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(vectors, "vectors");
        if (vectors.rank() != 2 || vectors.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("vectors must be a 2-D float32 tensor, got " + vectors.dtype() + " "
                    + vectors.shape());
        }
        if (vectors.shape().dim(0) != words.size()) {
            throw new IllegalArgumentException("vectors has " + vectors.shape().dim(0) + " rows for " + words.size()
                    + " words");
        }
        Map<String, Integer> index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            String w = Objects.requireNonNull(words.get(i), "word " + i);
            Integer before = index.putIfAbsent(w, i);
            if (before != null) {
                throw new IllegalArgumentException("word '" + w + "' is both word " + before + " and word " + i
                        + "; words must be distinct");
            }
        }
        int dim = (int) vectors.shape().dim(1);
        ReadReport report = new ReadReport("(in memory)", VectorFormat.WORD2VEC_TEXT, false, -1, dim, words.size(),
                words.size(), 0, 0, false, Map.of(), Map.of());
        return new WordVectors(new ArrayList<>(words), index, vectors, report);
    }

    /** The words, in the file's order (row order). */
    public List<String> words() {
        return words;
    }

    /** How many words there are. */
    public int size() {
        return words.size();
    }

    /** The vectors' dimension. */
    public int dimension() {
        return (int) vectors.shape().dim(1);
    }

    /** The {@code (size, dimension)} float32 table, row {@code i} the vector of word {@code i}. */
    public Tensor vectors() {
        return vectors;
    }

    /**
     * The row of {@code word}.
     *
     * @param word a word
     * @return its row, or -1 when absent
     */
    public int indexOf(String word) {
        Integer i = index.get(Objects.requireNonNull(word, "word"));
        return i == null ? -1 : i;
    }

    /**
     * Whether {@code word} has a vector.
     *
     * @param word a word
     * @return whether it is among the words
     */
    public boolean contains(String word) {
        return indexOf(word) >= 0;
    }

    /**
     * The vector of {@code word} (a copy).
     *
     * @param word a word
     * @return its values
     * @throws IllegalArgumentException if the word has no vector
     */
    public float[] vector(String word) {
        int i = indexOf(word);
        if (i < 0) {
            throw new IllegalArgumentException("word '" + word + "' has no vector among " + size() + " words");
        }
        try (Tensor row = vectors.get(i)) {
            return row.toFloatArray();
        }
    }

    /** What the reader found in the file. */
    public ReadReport report() {
        return report;
    }

    /** Closes the vectors' tensor. */
    @Override
    public void close() {
        vectors.close();
    }

    @Override
    public String toString() {
        return "WordVectors(" + size() + " x " + dimension() + ")";
    }
}
