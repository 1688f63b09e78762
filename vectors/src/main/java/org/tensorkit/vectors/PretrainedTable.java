package org.tensorkit.vectors;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.Tensors;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.preprocessing.StringLookup;

/**
 * An embedding table for a vocabulary, started from pretrained vectors: each word's row is its vector from the file
 * when the file has it (exactly, or in lower case with {@link Builder#lowercaseFallback}), and is filled by a chosen
 * {@link RowFill} otherwise; a {@link StringLookup}'s mask and OOV rows get fills of their own. The {@link Coverage}
 * report says what was found, and {@link #pretrainedRows()} which rows to {@linkplain Embedding#freezeRows freeze}.
 *
 * <pre>{@code
 * StringLookup words = StringLookup.builder().maskToken("").build();
 * words.adapt(corpusWords);                                      // an Iterable or Stream of String
 * try (WordVectors glove = VectorReader.create().read(Path.of("glove.6B.100d.txt"))) {
 *     PretrainedTable t = PretrainedTable.builder(glove).vocabulary(words).lowercaseFallback(true).build();
 *     System.out.println(t.coverage());
 *     Embedding e = t.embedding(true).name("words").build();     // the hits frozen, misses and OOV trained
 * }
 * }</pre>
 *
 * <p>Unlike the Keras GloVe tutorial, a miss is not silently a zero row (unless asked): the default fill is Keras's
 * own Embedding initializer, uniform in [-0.05, 0.05), seeded, so that misses train like fresh rows; OOV rows default
 * to the mean of the hits, the mask row to zeros.
 */
public final class PretrainedTable {
    private static final int FREQUENT_MISSES = 10;

    private final Tensor table;
    private final Coverage coverage;
    private final RowSet pretrainedRows;
    private final RowSet missRows;
    private final boolean maskZero;

    private PretrainedTable(Tensor table, Coverage coverage, RowSet pretrainedRows, RowSet missRows,
            boolean maskZero) {
        this.table = table;
        this.coverage = coverage;
        this.pretrainedRows = pretrainedRows;
        this.missRows = missRows;
        this.maskZero = maskZero;
    }

    /**
     * A builder of a table from {@code vectors}.
     *
     * @param vectors the pretrained vectors
     * @return the builder
     */
    public static Builder builder(WordVectors vectors) {
        return new Builder(Objects.requireNonNull(vectors, "vectors"));
    }

    /** The {@code (rows, dimension)} float32 table. */
    public Tensor table() {
        return table;
    }

    /** What was found. */
    public Coverage coverage() {
        return coverage;
    }

    /** The rows that hold a pretrained vector (exact and fallback hits): the rows to freeze. */
    public RowSet pretrainedRows() {
        return pretrainedRows;
    }

    /** The vocabulary rows that missed (special rows excluded). */
    public RowSet missRows() {
        return missRows;
    }

    /**
     * An Embedding builder for this table: its rows and dimension, the table as its weights, {@code mask_zero} when
     * the lookup has a mask row, and the pretrained rows frozen when asked. Name it and build it.
     *
     * @param freezePretrained whether the pretrained rows are frozen (the others train)
     * @return the builder
     */
    public Embedding.Builder embedding(boolean freezePretrained) {
        Embedding.Builder b = Embedding.builder().inputDim(Math.toIntExact(coverage.rows()))
                .outputDim(coverage.dimension()).weights(table).maskZero(maskZero);
        return freezePretrained ? b.frozenRows(pretrainedRows) : b;
    }

    /** Options of a {@link PretrainedTable}; a vocabulary is required. */
    public static final class Builder {
        private final WordVectors vectors;
        private List<String> words;
        private long[] counts;
        private int maskRows;
        private int oovRows;
        private RowFill missFill = RowFill.kerasUniform(0);
        private RowFill oovFill = RowFill.meanOfHits();
        private RowFill maskFill = RowFill.zeros();
        private boolean lowercase;
        private int dimension = -1;

        private Builder(WordVectors vectors) {
            this.vectors = vectors;
        }

        /**
         * The vocabulary of a lookup: row {@code i} is the word of index {@code i}; its mask row (int mode with a
         * mask token) and OOV rows are special rows; its adapt counts, when it was adapted, weigh the token
         * coverage.
         *
         * @param lookup a lookup with a vocabulary
         * @return this builder
         * @throws IllegalStateException if the lookup has no vocabulary yet
         */
        public Builder vocabulary(StringLookup lookup) {
            Objects.requireNonNull(lookup, "lookup");
            if (!lookup.hasVocabulary()) {
                throw new IllegalStateException("StringLookup \"" + lookup.name() + "\" has no vocabulary yet: "
                        + "adapt it or give it one first");
            }
            this.words = lookup.getVocabulary(false);
            this.counts = lookup.vocabularyCounts();
            this.maskRows = lookup.oovStart();
            this.oovRows = lookup.tokenStart() - lookup.oovStart();
            return this;
        }

        /**
         * A plain list of words: row {@code i} is word {@code i}; no special rows, no counts.
         *
         * @param words distinct words
         * @return this builder
         */
        public Builder vocabulary(List<String> words) {
            return vocabulary(words, null);
        }

        /**
         * A list of words with how often each was seen (for the token coverage and the most frequent misses).
         *
         * @param words distinct words
         * @param counts one count per word, or null
         * @return this builder
         * @throws IllegalArgumentException if the counts are of another length or negative
         */
        public Builder vocabulary(List<String> words, long[] counts) {
            Objects.requireNonNull(words, "words");
            if (counts != null && counts.length != words.size()) {
                throw new IllegalArgumentException(counts.length + " counts for " + words.size() + " words");
            }
            if (counts != null) {
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] < 0) {
                        throw new IllegalArgumentException("counts[" + i + "] = " + counts[i] + " is negative");
                    }
                }
            }
            this.words = List.copyOf(words);
            this.counts = counts == null ? null : counts.clone();
            this.maskRows = 0;
            this.oovRows = 0;
            return this;
        }

        /**
         * How misses are filled (default {@link RowFill#kerasUniform(long) kerasUniform(0)}).
         *
         * @param fill the fill
         * @return this builder
         */
        public Builder misses(RowFill fill) {
            this.missFill = Objects.requireNonNull(fill, "fill");
            return this;
        }

        /**
         * How a lookup's OOV rows are filled (default {@link RowFill#meanOfHits()}).
         *
         * @param fill the fill
         * @return this builder
         */
        public Builder oovRows(RowFill fill) {
            this.oovFill = Objects.requireNonNull(fill, "fill");
            return this;
        }

        /**
         * How a lookup's mask row is filled (default {@link RowFill#zeros()}).
         *
         * @param fill the fill
         * @return this builder
         */
        public Builder maskRow(RowFill fill) {
            this.maskFill = Objects.requireNonNull(fill, "fill");
            return this;
        }

        /**
         * Whether a word the file lacks is looked up again in lower case ({@code Locale.ROOT}): {@code "Paris"}
         * takes the vector of {@code "paris"} from an uncased file such as GloVe 6B.
         *
         * @param lowercase whether to fall back
         * @return this builder
         */
        public Builder lowercaseFallback(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /**
         * The dimension the table must have (an existing Embedding's {@code outputDim}): a file of another
         * dimension is refused.
         *
         * @param dimension the expected dimension
         * @return this builder
         */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /**
         * Builds the table.
         *
         * @return the table and its coverage
         * @throws IllegalStateException if no vocabulary was given
         * @throws IllegalArgumentException if the vectors' dimension is not the one asked for, or a word repeats
         */
        public PretrainedTable build() {
            if (words == null) {
                throw new IllegalStateException("a pretrained table needs a vocabulary: a StringLookup or a list of "
                        + "words");
            }
            int dim = vectors.dimension();
            if (dimension >= 0 && dimension != dim) {
                throw new IllegalArgumentException("the vectors of " + vectors.report().file() + " have dimension "
                        + dim + "; the table needs " + dimension);
            }
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < words.size(); i++) {
                Integer before = seen.putIfAbsent(Objects.requireNonNull(words.get(i), "word " + i), i);
                if (before != null) {
                    throw new IllegalArgumentException("word '" + words.get(i) + "' is both word " + before
                            + " and word " + i + " of the vocabulary");
                }
            }
            int special = maskRows + oovRows;
            long rows = (long) special + words.size();
            int[] source = new int[words.size()];
            long exact = 0;
            long fallback = 0;
            for (int i = 0; i < source.length; i++) {
                String w = words.get(i);
                int hit = vectors.indexOf(w);
                if (hit >= 0) {
                    exact++;
                } else if (lowercase) {
                    String lower = w.toLowerCase(Locale.ROOT);
                    hit = lower.equals(w) ? -1 : vectors.indexOf(lower);
                    if (hit >= 0) {
                        fallback++;
                    }
                }
                source[i] = hit;
            }
            INDArray from = Tables.floats(vectors.vectors(), "vectors");
            float[] mean = new float[dim];
            double[] sum = new double[dim];
            float[] row = new float[dim];
            long hits = exact + fallback;
            for (int s : source) {
                if (s >= 0) {
                    Tables.rows(from, s, 1, dim).get(row);
                    for (int k = 0; k < dim; k++) {
                        sum[k] += row[k];
                    }
                }
            }
            for (int k = 0; k < dim; k++) {
                mean[k] = hits == 0 ? 0f : (float) (sum[k] / hits);
            }
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, dim);
            List<Long> hitRows = new ArrayList<>();
            List<Long> missed = new ArrayList<>();
            for (long r = 0; r < rows; r++) {
                FloatBuffer target = Tables.rows(out, r, 1, dim);
                if (r < maskRows) {
                    maskFill.fill(r, row, mean);
                } else if (r < special) {
                    oovFill.fill(r, row, mean);
                } else {
                    int s = source[(int) (r - special)];
                    if (s >= 0) {
                        Tables.rows(from, s, 1, dim).get(row);
                        hitRows.add(r);
                    } else {
                        missFill.fill(r, row, mean);
                        missed.add(r);
                    }
                }
                target.put(row);
            }
            long counted = -1;
            long covered = -1;
            if (counts != null) {
                counted = 0;
                covered = 0;
                for (int i = 0; i < counts.length; i++) {
                    counted += counts[i];
                    covered += source[i] >= 0 ? counts[i] : 0;
                }
            }
            List<Coverage.Miss> misses = new ArrayList<>();
            for (int i = 0; i < source.length; i++) {
                if (source[i] < 0) {
                    misses.add(new Coverage.Miss(words.get(i), special + i, counts == null ? -1 : counts[i]));
                }
            }
            if (counts != null) {
                misses.sort(Comparator.comparingLong(Coverage.Miss::count).reversed()
                        .thenComparingLong(Coverage.Miss::row));
            }
            Coverage coverage = new Coverage(rows, dim, words.size(), exact, fallback, words.size() - hits, counted,
                    covered, misses.subList(0, Math.min(FREQUENT_MISSES, misses.size())), maskRows, oovRows,
                    missFill, oovFill, maskFill, vectors.report());
            return new PretrainedTable(Tensors.adopt(out), coverage,
                    RowSet.of(hitRows.stream().mapToLong(Long::longValue).toArray()),
                    RowSet.of(missed.stream().mapToLong(Long::longValue).toArray()), maskRows > 0);
        }
    }
}
