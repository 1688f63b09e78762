package org.tensorkit.vectors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads word2vec (text or binary), GloVe and fastText {@code .vec} files into {@link WordVectors}.
 *
 * <pre>{@code
 * WordVectors glove = VectorReader.builder().format(VectorFormat.GLOVE).build().read(Path.of("glove.6B.100d.txt"));
 * WordVectors w2v = VectorReader.create().read(path);          // the format detected from the file's first bytes
 * }</pre>
 *
 * <p><b>What it reads.</b> A header line {@code <count> <dim>} where the format has one (detected when no format is
 * given: two integers alone on the first line), then one vector per line (text) or per record (binary). Text values
 * are separated by spaces or tabs, lines may end in spaces or {@code \r\n}, blank lines are skipped, numbers are
 * parsed by fastdoubleparser (Java's syntax, plus Python's {@code nan} and {@code inf}); a GloVe word holding
 * spaces ({@code ". . ."}) is kept whole when the line's last {@code dim} fields are its numbers. Words are UTF-8:
 * an undecodable word is kept with U+FFFD in place of its bad bytes and reported. A word read twice keeps its
 * first vector; the later line is counted as a duplicate (gensim does the same, with a warning). A word2vec file is
 * read up to its header's count, as gensim reads it.
 *
 * <p><b>Refusals.</b> By default a line of another number of values than the dimension, a value that is not a
 * number, or bytes that are not text (a binary file read as text) stop the read with an {@link IOException}
 * naming the file, the line and what was found, and nothing is returned. {@link Builder#lenient(boolean) Lenient}
 * reads count and skip such lines instead; the {@link ReadReport} lists the first few of each kind. An empty
 * file, a missing or malformed header, a GloVe file given a header, a text file read as binary, and a file that
 * ends before its header's count are refused in both modes.
 *
 * <p><b>Speed and memory.</b> The file is read in blocks of 32 MiB; each block's lines are split into as many
 * runs as there are threads and parsed in parallel, then joined in file order, so the result does not depend on
 * the thread count. The vectors go from each block straight into one native float32 array (sized from the header,
 * or estimated from the file's size and grown), so the heap holds one block's vectors at a time. {@link
 * Builder#limit(long)} reads only the first vectors, as gensim's {@code limit}.
 *
 * <p><b>Progress.</b> A read that takes more than two seconds draws a progress line (bytes and vectors read,
 * rate, time left) on standard error when the JVM has a terminal ({@link Progress#AUTO}); {@link Progress#ALWAYS}
 * draws it anywhere, {@link Progress#NEVER} nowhere.
 */
public final class VectorReader {
    static final int BLOCK = 32 << 20;
    private static final int MAX_WORD_BYTES = 1 << 20;

    private final VectorFormat format;
    private final long limit;
    private final boolean lenient;
    private final Progress progress;
    private final PrintStream progressOut;
    private final int threads;
    private final int blockBytes;

    private VectorReader(Builder b) {
        this.format = b.format;
        this.limit = b.limit;
        this.lenient = b.lenient;
        this.progress = b.progress;
        this.progressOut = b.progressOut;
        this.threads = b.threads;
        this.blockBytes = b.blockBytes;
    }

    /** A reader with the defaults: format detected, no limit, strict, progress on a terminal. */
    public static VectorReader create() {
        return builder().build();
    }

    /** A builder of readers. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link VectorReader}. */
    public static final class Builder {
        private VectorFormat format;
        private long limit = Long.MAX_VALUE;
        private boolean lenient;
        private Progress progress = Progress.AUTO;
        private PrintStream progressOut = System.err;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int blockBytes = BLOCK;

        private Builder() {
        }

        /**
         * The file's format; without it the reader detects it from the first bytes (a header line of two integers
         * means word2vec, binary when what follows is not text; otherwise GloVe).
         *
         * @param format the format
         * @return this builder
         */
        public Builder format(VectorFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Reads at most the first {@code limit} vectors (gensim's {@code limit}).
         *
         * @param limit a positive count
         * @return this builder
         * @throws IllegalArgumentException if {@code limit < 1}
         */
        public Builder limit(long limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Whether lines of the wrong dimension, values that are not numbers and non-text lines are counted and
         * skipped (true) rather than refused (false, the default).
         *
         * @param lenient the mode
         * @return this builder
         */
        public Builder lenient(boolean lenient) {
            this.lenient = lenient;
            return this;
        }

        /**
         * When progress is drawn (default {@link Progress#AUTO}: on a terminal).
         *
         * @param progress the mode
         * @return this builder
         */
        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Where progress is drawn (default standard error).
         *
         * @param out the stream
         * @return this builder
         */
        public Builder progressTo(PrintStream out) {
            this.progressOut = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * How many threads parse text at once (default: the available processors). The result is the same for
         * every count.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The block size, for tests of lines that cross blocks. */
        Builder blockBytes(int bytes) {
            this.blockBytes = bytes;
            return this;
        }

        /** The reader. */
        public VectorReader build() {
            return new VectorReader(this);
        }
    }

    /**
     * Reads a vector file.
     *
     * @param path the file
     * @return its vectors and the report of the read
     * @throws IOException if the file cannot be read or is refused (see the class documentation); nothing is then
     *     returned and no memory is kept
     */
    public WordVectors read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        long started = System.nanoTime();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new IOException(path + " is empty: it has no header and no vectors");
            }
            Run run = new Run(path.toString(), ch, size, started);
            try {
                return run.read();
            } finally {
                run.close();
            }
        }
    }

    /** One read: the file's blocks, and what has been kept so far. */
    private final class Run implements AutoCloseable {
        final String file;
        final FileChannel ch;
        final long size;
        final long started;
        byte[] buf;
        int filled;
        boolean eof;
        long bytesRead;
        VectorFormat fmt;
        boolean header;
        long declared = -1;
        int dim;
        RowStore store;
        final List<String> words = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
        /** The line each kept word was read from, by row: what a later duplicate's report points back to. */
        long[] lineOfRow = new long[1024];
        final EnumMap<ReadReport.Kind, Long> counts = new EnumMap<>(ReadReport.Kind.class);
        final EnumMap<ReadReport.Kind, List<ReadReport.Example>> examples = new EnumMap<>(ReadReport.Kind.class);
        long records;
        long lines;
        boolean limitReached;
        boolean done;
        final ProgressLine progressLine;

        Run(String file, FileChannel ch, long size, long started) {
            this.file = file;
            this.ch = ch;
            this.size = size;
            this.started = started;
            this.buf = new byte[(int) Math.min(blockBytes, size)];
            this.progressLine = new ProgressLine(progressOut, size, progress, System.console() != null,
                    System::nanoTime);
            for (ReadReport.Kind k : ReadReport.Kind.values()) {
                counts.put(k, 0L);
            }
        }

        WordVectors read() throws IOException {
            fill();
            int eol = lineEnd(0);
            int firstEnd = eol < 0 ? filled : eol;
            fmt = format != null ? format : VectorFormat.detect(buf, Math.min(filled, 1 << 16));
            long[] h = TextLines.header(buf, 0, firstEnd);
            int consumed;
            if (fmt.hasHeader()) {
                if (h == null) {
                    throw new IOException(file + " line 1: expected the " + fmt.title() + " header '<count> "
                            + "<dim>', got '" + TextLines.excerpt(buf, 0, firstEnd, 60) + "'"
                            + (fmt.isBinary() ? "" : " (a GloVe file has no header: read it with VectorFormat.GLOVE)"));
                }
                if (h[1] < 1 || h[1] > Integer.MAX_VALUE / 8) {
                    throw new IOException(file + " line 1: the header's dimension " + h[1] + " is not in [1, "
                            + Integer.MAX_VALUE / 8 + "]");
                }
                header = true;
                declared = h[0];
                dim = (int) h[1];
                consumed = eol < 0 ? filled : eol + 1;
                lines = 1;
            } else {
                if (h != null) {
                    throw new IOException(file + " line 1: '" + TextLines.excerpt(buf, 0, firstEnd, 60) + "' is a "
                            + "word2vec header, which GloVe files do not have: read it with VectorFormat.WORD2VEC_TEXT");
                }
                dim = firstLineDimension(firstEnd);
                consumed = 0;
            }
            long expected = header ? Math.min(declared, limit)
                    : Math.min(limit, size / Math.max(1, firstEnd + 1) + size / Math.max(1, firstEnd + 1) / 10 + 16);
            store = new RowStore(dim, Math.min(expected, Integer.MAX_VALUE));
            if (header && declared == 0) {
                done = true;
            } else if (fmt.isBinary()) {
                readBinary(consumed);
            } else {
                int next = lineEnd(consumed);
                readText(consumed, (next < 0 ? filled : next) - consumed + 1);
            }
            if (header && !limitReached && records < declared) {
                throw new IOException(file + ": the header declares " + declared + " vectors of dimension " + dim
                        + " and the file ends after " + records);
            }
            progressLine.finish(bytesRead, words.size());
            Map<ReadReport.Kind, List<ReadReport.Example>> ex = new EnumMap<>(ReadReport.Kind.class);
            examples.forEach((k, v) -> ex.put(k, List.copyOf(v)));
            ReadReport report = new ReadReport(file, fmt, header, declared, dim, words.size(), lines, bytesRead,
                    (System.nanoTime() - started) / 1e9, limitReached, counts, ex);
            return new WordVectors(words, index, store.finish(), report);
        }

        private int firstLineDimension(int firstEnd) throws IOException {
            int bad = TextLines.firstNonText(buf, 0, firstEnd);
            if (bad >= 0) {
                throw new IOException(String.format("%s line 1: byte 0x%02x at column %d is not text: is it a "
                        + "word2vec binary file? Read it with VectorFormat.WORD2VEC_BINARY", file, buf[bad] & 0xff,
                        bad + 1));
            }
            int fields = TextLines.countFields(buf, 0, firstEnd);
            if (fields < 2) {
                throw new IOException(file + " line 1: '" + TextLines.excerpt(buf, 0, firstEnd, 60) + "' has no "
                        + "values: a GloVe line is a word and its numbers");
            }
            return fields - 1;
        }

        // ---------------------------------------------------------------------------------------------------
        // Text

        private void readText(int consumed, int firstLineBytes) throws IOException {
            int start = consumed;
            while (!done) {
                int end;
                if (eof) {
                    end = filled;
                } else {
                    int last = TextLines.lastIndexOf(buf, (byte) '\n', start, filled);
                    if (last < 0) {
                        compactAndRead(start, true);
                        start = 0;
                        continue;
                    }
                    end = last + 1;
                }
                if (end > start) {
                    parseBlock(start, end, firstLineBytes);
                }
                progressLine.update(bytesRead - (filled - end), words.size());
                if (eof || done) {
                    break;
                }
                compactAndRead(end, false);
                start = 0;
            }
        }

        private void parseBlock(int from, int to, int lineBytes) throws IOException {
            int parts = Math.max(1, Math.min(threads, (to - from) / (1 << 16)));
            int[] cuts = new int[parts + 1];
            cuts[0] = from;
            cuts[parts] = to;
            for (int i = 1; i < parts; i++) {
                int target = Math.max(cuts[i - 1], from + (int) ((long) (to - from) * i / parts));
                int nl = TextLines.indexOf(buf, (byte) '\n', target, to);
                cuts[i] = nl < 0 ? to : nl + 1;
            }
            int expectedRows = (to - from) / parts / Math.max(1, lineBytes) + 16;
            List<CompletableFuture<TextChunk>> later = new ArrayList<>();
            byte[] b = buf;
            for (int i = 1; i < parts; i++) {
                int f = cuts[i];
                int t = cuts[i + 1];
                later.add(CompletableFuture.supplyAsync(() -> TextChunk.parse(b, f, t, dim, lenient, expectedRows)));
            }
            TextChunk first = TextChunk.parse(b, cuts[0], cuts[1], dim, lenient, expectedRows);
            List<TextChunk> chunks = new ArrayList<>();
            chunks.add(first);
            try {
                for (CompletableFuture<TextChunk> f : later) {
                    chunks.add(f.join());
                }
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            for (TextChunk c : chunks) {
                if (done) {
                    break;
                }
                merge(c);
            }
        }

        /** Joins a parsed run: its issues (refused, or counted) and its rows, in line order. */
        private void merge(TextChunk c) throws IOException {
            long base = lines;
            int issue = 0;
            int row = 0;
            int runStart = 0;
            while (row < c.rows || issue < c.issues.size()) {
                if (records == declaredOrMax() || words.size() == limit) {
                    stop(c, runStart, row, row < c.rows ? base + c.rowLines[row] - 1 : base + c.lines);
                    return;
                }
                boolean issueFirst = issue < c.issues.size()
                        && (row == c.rows || c.issues.get(issue).line() <= c.rowLines[row]);
                if (issueFirst) {
                    TextChunk.Issue is = c.issues.get(issue++);
                    note(is.kind(), base + is.line(), is.detail());
                    continue;
                }
                String word = c.tokens[row];
                long line = base + c.rowLines[row];
                records++;
                Integer before = index.putIfAbsent(word, words.size());
                if (before != null) {
                    flush(c, runStart, row);
                    runStart = row + 1;
                    note(ReadReport.Kind.DUPLICATE, line, "'" + word + "' (first at line " + lineOfRow[before]
                            + ")");
                } else {
                    if (words.size() == lineOfRow.length) {
                        lineOfRow = java.util.Arrays.copyOf(lineOfRow, lineOfRow.length * 2);
                    }
                    lineOfRow[words.size()] = line;
                    words.add(word);
                }
                row++;
            }
            flush(c, runStart, c.rows);
            lines = base + c.lines;
            if (records == declaredOrMax() || words.size() == limit) {
                limitReached = words.size() == limit && records < declaredOrMax();
                done = true;
            }
        }

        private void stop(TextChunk c, int runStart, int row, long lastLine) {
            limitReached = words.size() == limit && records < declaredOrMax();
            flush(c, runStart, row);
            lines = lastLine;
            done = true;
        }

        private long declaredOrMax() {
            return header ? declared : Long.MAX_VALUE;
        }

        private void flush(TextChunk c, int from, int to) {
            if (to > from) {
                store.append(c.values, from, to - from);
            }
        }

        private void note(ReadReport.Kind kind, long line, String detail) throws IOException {
            boolean refused = kind == ReadReport.Kind.WRONG_DIMENSION || kind == ReadReport.Kind.MALFORMED
                    || kind == ReadReport.Kind.NOT_TEXT;
            if (refused && !lenient) {
                String hint = switch (kind) {
                    case NOT_TEXT -> ": is it a word2vec binary file? Read it with VectorFormat.WORD2VEC_BINARY";
                    case WRONG_DIMENSION -> " (the dimension of " + (header ? "the header" : "line 1")
                            + "); read leniently to skip such lines";
                    default -> "; read leniently to skip such lines";
                };
                throw new IOException(file + " line " + line + ": " + detail + hint);
            }
            if (refused) {
                records++;
            }
            counts.merge(kind, 1L, Long::sum);
            List<ReadReport.Example> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (list.size() < ReadReport.EXAMPLES) {
                list.add(new ReadReport.Example(line, detail));
            }
        }

        // ---------------------------------------------------------------------------------------------------
        // Binary

        private void readBinary(int consumed) throws IOException {
            CharsetDecoder utf8 = TextLines.strictUtf8();
            int recordBytes = Math.multiplyExact(dim, 4);
            int batch = Math.max(1, Math.min(8192, (1 << 22) / recordBytes));
            TextChunk c = new TextChunk(dim, batch);
            int p = consumed;
            boolean checked = false;
            while (!done) {
                while (p < filled && (buf[p] == '\n' || buf[p] == '\r')) {
                    p++;
                }
                if (p == filled) {
                    if (eof) {
                        break;
                    }
                    compactAndRead(p, false);
                    p = 0;
                    continue;
                }
                int space = TextLines.indexOf(buf, (byte) ' ', p, Math.min(filled, p + MAX_WORD_BYTES));
                if (space < 0 || filled - space - 1 < recordBytes) {
                    if (eof) {
                        if (space < 0 && filled - p >= MAX_WORD_BYTES) {
                            throw new IOException(file + " record " + (lines + 1) + ": no space after a word "
                                    + "within " + MAX_WORD_BYTES + " bytes");
                        }
                        break;  // the file ends inside a record: the count check reports it
                    }
                    if (space < 0 && filled - p >= MAX_WORD_BYTES) {
                        throw new IOException(file + " record " + (lines + 1) + ": no space after a word within "
                                + MAX_WORD_BYTES + " bytes");
                    }
                    compactAndRead(p, p == 0);
                    p = 0;
                    continue;
                }
                if (!checked) {
                    checked = true;
                    if (looksLikeText(space + 1, recordBytes)) {
                        throw new IOException(file + ": the vector bytes after '" + TextLines.excerpt(buf, p, space,
                                40) + "' are text ('" + TextLines.excerpt(buf, space + 1, space + 1 + recordBytes, 40)
                                + "'): is it a word2vec text file? Read it with VectorFormat.WORD2VEC_TEXT");
                    }
                }
                if (c.rows == c.tokens.length) {
                    mergeBinary(c);
                    c = new TextChunk(dim, batch);
                    if (done) {
                        break;
                    }
                    progressLine.update(bytesRead, words.size());
                }
                lines++;
                c.lines++;
                String token = TextLines.token(buf, p, space, utf8);
                if (token == null) {
                    token = TextLines.lossy(buf, p, space);
                    c.issues.add(new TextChunk.Issue(ReadReport.Kind.UNDECODABLE, c.lines, "'" + token + "'"));
                }
                ByteBuffer.wrap(buf, space + 1, recordBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                        .get(c.values, c.rows * dim, dim);
                c.tokens[c.rows] = token;
                c.rowLines[c.rows] = c.lines;
                c.rows++;
                p = space + 1 + recordBytes;
                if (records + c.rows >= declaredOrMax() || words.size() + c.rows >= limit) {
                    mergeBinary(c);
                    c = new TextChunk(dim, batch);
                }
            }
            if (!done && c.rows + c.issues.size() > 0) {
                mergeBinary(c);
            }
        }

        /** Joins a batch of binary records, whose lines were already counted into {@code lines}. */
        private void mergeBinary(TextChunk c) throws IOException {
            lines -= c.lines;
            merge(c);
        }

        private boolean looksLikeText(int from, int n) {
            if (n < 8) {
                return false;
            }
            for (int i = from; i < from + n; i++) {
                byte b = buf[i];
                boolean numeric = (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E'
                        || b == ' ' || b == '\n' || b == '\r' || b == '\t';
                if (!numeric) {
                    return false;
                }
            }
            return true;
        }

        // ---------------------------------------------------------------------------------------------------
        // Blocks

        /** Fills the buffer from the channel, from {@code filled} on. */
        private void fill() throws IOException {
            ByteBuffer target = ByteBuffer.wrap(buf, filled, buf.length - filled);
            while (target.hasRemaining()) {
                int n = ch.read(target);
                if (n < 0) {
                    eof = true;
                    break;
                }
                bytesRead += n;
            }
            filled = target.position();
            if (bytesRead == size) {
                eof = true;
            }
        }

        /** Keeps {@code buf[from, filled)}, moved to the front (the buffer doubled if asked), and reads more. */
        private void compactAndRead(int from, boolean grow) throws IOException {
            int keep = filled - from;
            if (grow || keep == buf.length) {
                if (buf.length >= Integer.MAX_VALUE / 2) {
                    throw new IOException(file + " line " + (lines + 1) + " is longer than 1 GiB");
                }
                byte[] bigger = new byte[buf.length * 2];
                System.arraycopy(buf, from, bigger, 0, keep);
                buf = bigger;
            } else {
                System.arraycopy(buf, from, buf, 0, keep);
            }
            filled = keep;
            fill();
        }

        private int lineEnd(int from) throws IOException {
            while (true) {
                int eol = TextLines.indexOf(buf, (byte) '\n', from, filled);
                if (eol >= 0 || eof) {
                    return eol;
                }
                compactAndRead(0, true);
            }
        }

        @Override
        public void close() {
            if (store != null) {
                store.close();
            }
        }
    }
}
