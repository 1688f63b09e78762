package org.tensorkit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How well a vector file covers a vocabulary, as a {@link PretrainedTable} found it: the hits (exact, or through the
 * lower-case fallback), the misses and how they were filled, the coverage by types and, when the vocabulary's counts
 * are known (an adapted {@code StringLookup} knows them), by tokens, the most frequent misses, the special rows, and
 * what the reader found in the file. Immutable; {@link #toString()} is the report for people.
 *
 * @param rows the table's rows (special rows included)
 * @param dimension the table's dimension
 * @param words the vocabulary's words (special rows excluded)
 * @param exactHits words found as they are
 * @param fallbackHits words found only in lower case
 * @param misses words not found
 * @param countedTokens the sum of the words' counts, or -1 when the counts are unknown
 * @param coveredTokens the sum of the counts of the words found, or -1 when the counts are unknown
 * @param frequentMisses the most frequent misses (by count when known, else in vocabulary order), at most 10
 * @param maskRows how many mask rows the table has (0 or 1), filled with {@code maskFill}
 * @param oovRows how many OOV rows the table has, filled with {@code oovFill}
 * @param missFill how misses were filled
 * @param oovFill how OOV rows were filled
 * @param maskFill how the mask row was filled
 * @param read what the reader found in the file
 */
public record Coverage(long rows, int dimension, long words, long exactHits, long fallbackHits, long misses,
        long countedTokens, long coveredTokens, List<Miss> frequentMisses, int maskRows, int oovRows,
        RowFill missFill, RowFill oovFill, RowFill maskFill, ReadReport read) {

    /**
     * A word the file has no vector for.
     *
     * @param word the word
     * @param row its row in the table
     * @param count how often it was seen, or -1 when unknown
     */
    public record Miss(String word, long row, long count) {
        /** Checks the word is given. */
        public Miss {
            Objects.requireNonNull(word, "word");
        }
    }

    /** Copies the list. */
    public Coverage {
        frequentMisses = List.copyOf(frequentMisses);
        Objects.requireNonNull(read, "read");
    }

    /** The share of the vocabulary's words that have a pretrained vector (exact or fallback), in [0, 1]. */
    public double typeCoverage() {
        return words == 0 ? 0 : (double) (exactHits + fallbackHits) / words;
    }

    /** The share of counted tokens whose word has a pretrained vector, or NaN when the counts are unknown. */
    public double tokenCoverage() {
        return countedTokens <= 0 ? Double.NaN : (double) coveredTokens / countedTokens;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Coverage of %,d words by %s (%s, %,d vectors of dimension %d read)",
                words, read.file(), read.format().title(), read.vectors(), read.dimension()));
        line(s, "exact hits", exactHits, "");
        line(s, "lower-case hits", fallbackHits, "");
        line(s, "misses", misses, ", filled with " + missFill);
        s.append(String.format(Locale.ROOT, "%n  type coverage:   %.1f%% of %,d words", 100 * typeCoverage(), words));
        if (countedTokens >= 0) {
            s.append(String.format(Locale.ROOT, "%n  token coverage:  %.1f%% of %,d counted tokens",
                    100 * tokenCoverage(), countedTokens));
        } else {
            s.append(String.format(Locale.ROOT, "%n  token coverage:  unknown (no counts; an adapted lookup has "
                    + "them)"));
        }
        if (!frequentMisses.isEmpty()) {
            s.append(String.format("%n  %s: ", countedTokens >= 0 ? "most frequent misses" : "first misses"));
            for (int i = 0; i < frequentMisses.size(); i++) {
                Miss m = frequentMisses.get(i);
                s.append(i == 0 ? "" : ", ").append('\'').append(m.word()).append('\'');
                if (m.count() >= 0) {
                    s.append(String.format(Locale.ROOT, " (%,d)", m.count()));
                }
            }
        }
        s.append(String.format("%n  special rows:    "));
        if (maskRows == 0 && oovRows == 0) {
            s.append("none");
        } else {
            if (maskRows > 0) {
                s.append("mask (row 0) ").append(maskFill);
            }
            if (oovRows > 0) {
                s.append(maskRows > 0 ? "; " : "").append(oovRows == 1 ? "OOV (row " + maskRows + ") "
                        : "OOV (rows " + maskRows + "-" + (maskRows + oovRows - 1) + ") ").append(oovFill);
            }
        }
        s.append(String.format(Locale.ROOT, "%n  table:           %,d rows x %d", rows, dimension));
        s.append(String.format(Locale.ROOT, "%n  file:            %s; %s %,d, %s %,d, %s %,d, %s %,d",
                read.headerDetected() ? "header " + read.declaredCount() + " " + read.dimension() : "no header",
                ReadReport.Kind.WRONG_DIMENSION.label(), read.count(ReadReport.Kind.WRONG_DIMENSION),
                ReadReport.Kind.MALFORMED.label(), read.count(ReadReport.Kind.MALFORMED),
                ReadReport.Kind.DUPLICATE.label(), read.count(ReadReport.Kind.DUPLICATE),
                ReadReport.Kind.UNDECODABLE.label(), read.count(ReadReport.Kind.UNDECODABLE)));
        return s.toString();
    }

    private void line(StringBuilder s, String what, long n, String tail) {
        s.append(String.format(Locale.ROOT, "%n  %-16s %,d (%.1f%%)%s", what + ":", n, words == 0 ? 0.0
                : 100.0 * n / words, tail));
    }
}
