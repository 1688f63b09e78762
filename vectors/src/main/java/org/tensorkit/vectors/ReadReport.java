package org.tensorkit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link VectorReader} found in a file: the format and header, how many vectors it kept, and the lines it
 * skipped or repaired, each kind counted with its first few line numbers. Immutable; {@link #toString()} is a
 * summary for people.
 *
 * @param file the file read
 * @param format its format (detected or given)
 * @param headerDetected whether a {@code <count> <dim>} header line was read
 * @param declaredCount the header's count, or -1 without a header
 * @param dimension the vectors' dimension
 * @param vectors how many vectors were kept
 * @param lines how many lines (or binary records) were read, header included
 * @param bytes how many bytes of the file were read
 * @param seconds how long the read took
 * @param limitReached whether the read stopped at the reader's limit
 * @param counts how many lines of each kind were found (every kind present, zeros included)
 * @param examples the first few of each kind: line number and detail
 */
public record ReadReport(String file, VectorFormat format, boolean headerDetected, long declaredCount, int dimension,
        long vectors, long lines, long bytes, double seconds, boolean limitReached, Map<Kind, Long> counts,
        Map<Kind, List<Example>> examples) {

    /** How many examples of each kind a report keeps. */
    public static final int EXAMPLES = 5;

    /** The kinds of line a report counts. */
    public enum Kind {
        /** A line of another number of values than the dimension (refused, or skipped when lenient). */
        WRONG_DIMENSION("wrong dimension"),
        /** A value that is not a number (refused, or skipped when lenient). */
        MALFORMED("malformed"),
        /** A line holding bytes that never occur in text (a binary file read as text). */
        NOT_TEXT("not text"),
        /** A word already read: its first vector is kept, this line skipped (gensim does the same, with a warning). */
        DUPLICATE("duplicate words"),
        /** A word whose bytes are not UTF-8: kept, with U+FFFD for each bad sequence. */
        UNDECODABLE("undecodable words"),
        /** A GloVe word holding spaces ({@code ". . ."}): kept whole. */
        SPACED("words with spaces");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The kind's name in reports. */
        public String label() {
            return label;
        }
    }

    /**
     * One line of a kind.
     *
     * @param line the line number in the file, 1-based (for binary files, the record number, the header being 1)
     * @param detail what was found
     */
    public record Example(long line, String detail) {
        /** Checks the detail is given. */
        public Example {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Copies the maps. */
    public ReadReport {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        counts = Map.copyOf(counts);
        examples = Map.copyOf(examples);
    }

    /**
     * How many lines of {@code kind} were found.
     *
     * @param kind the kind
     * @return the count (0 when none)
     */
    public long count(Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /**
     * The first lines of {@code kind}, at most {@link #EXAMPLES}.
     *
     * @param kind the kind
     * @return them, in file order
     */
    public List<Example> examples(Kind kind) {
        return examples.getOrDefault(kind, List.of());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s (%s, %s): %,d vectors of dimension %d from %,d lines (%s in %.1f s)",
                file, format.title(), headerDetected ? "header " + declaredCount + " " + dimension : "no header",
                vectors, dimension, lines, megabytes(bytes), seconds));
        if (limitReached) {
            s.append(", stopped at the limit");
        }
        for (Kind kind : Kind.values()) {
            long n = count(kind);
            s.append(String.format(Locale.ROOT, "%n  %s: %,d", kind.label(), n));
            List<Example> first = examples(kind);
            if (!first.isEmpty()) {
                s.append(" (");
                for (int i = 0; i < first.size(); i++) {
                    s.append(i == 0 ? "" : "; ").append("line ").append(first.get(i).line()).append(": ")
                            .append(first.get(i).detail());
                }
                s.append(n > first.size() ? "; ...)" : ")");
            }
        }
        return s.toString();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
