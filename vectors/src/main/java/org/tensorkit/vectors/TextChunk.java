package org.tensorkit.vectors;

import java.nio.charset.CharsetDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;

/**
 * The vectors of one run of whole text lines, parsed on its own (the reader parses several at once and joins
 * them in file order). Line numbers here count from the run's first line, 1-based.
 */
final class TextChunk {
    /** A line the reader may refuse or skip. */
    record Issue(ReadReport.Kind kind, int line, String detail) {
    }

    final int dim;
    float[] values;
    String[] tokens;
    int[] rowLines;
    int rows;
    int lines;
    int blankLines;
    final List<Issue> issues = new ArrayList<>();
    /** Whether parsing stopped at an issue the strict reader refuses. */
    boolean stopped;

    TextChunk(int dim, int expectedRows) {
        this.dim = dim;
        int capacity = Math.max(16, expectedRows);
        this.values = new float[Math.multiplyExact(capacity, dim)];
        this.tokens = new String[capacity];
        this.rowLines = new int[capacity];
    }

    /** Parses the lines of {@code b[from, to)} (ending at a line end or the file's end). */
    static TextChunk parse(byte[] b, int from, int to, int dim, boolean lenient, int expectedRows) {
        TextChunk c = new TextChunk(dim, expectedRows);
        CharsetDecoder utf8 = TextLines.strictUtf8();
        int p = from;
        while (p < to) {
            c.lines++;
            int end = c.fastLine(b, p, to, utf8);
            if (end < 0) {
                int eol = TextLines.indexOf(b, (byte) '\n', p, to);
                end = eol < 0 ? to : eol;
                c.line(b, p, end, utf8);
                if (c.stopped && !lenient) {
                    return c;
                }
                c.stopped = false;
            }
            p = end + 1;
        }
        return c;
    }

    /**
     * The common line in one pass: a word and exactly {@code dim} numbers in Java's syntax, separated by spaces or
     * tabs. Adds the row and returns the position of the line's end ({@code '\n'}, or {@code to}); returns -1 without
     * adding anything for any other line, which {@link #line} then reads and reports.
     */
    private int fastLine(byte[] b, int p, int to, CharsetDecoder utf8) {
        int s = p;
        while (s < to && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        int t = s;
        while (t < to && (b[t] & 0xff) > 0x20) {
            t++;
        }
        if (t == s || (t < to && b[t] != ' ' && b[t] != '\t')) {
            return -1;          // a blank line, a control byte, or a word alone
        }
        ensureRow();
        int base = rows * dim;
        int k = 0;
        int q = t;
        while (true) {
            while (q < to && (b[q] == ' ' || b[q] == '\t' || b[q] == '\r')) {
                q++;
            }
            if (q == to || b[q] == '\n') {
                break;
            }
            int f = q;
            while (q < to && (b[q] & 0xff) > 0x20) {
                q++;
            }
            if (k == dim || (q < to && b[q] != ' ' && b[q] != '\t' && b[q] != '\r' && b[q] != '\n')) {
                return -1;
            }
            try {
                values[base + k] = JavaFloatParser.parseFloat(b, f, q - f);
            } catch (NumberFormatException e) {
                return -1;
            }
            k++;
        }
        if (k != dim) {
            return -1;
        }
        addToken(b, s, t, utf8);
        return q;
    }

    private void line(byte[] b, int start, int end, CharsetDecoder utf8) {
        int e = end;
        while (e > start && TextLines.isSpace(b[e - 1])) {
            e--;
        }
        int s = start;
        while (s < e && TextLines.isSpace(b[s])) {
            s++;
        }
        if (s == e) {
            blankLines++;
            return;
        }
        int bad = TextLines.firstNonText(b, s, e);
        if (bad >= 0) {
            issue(ReadReport.Kind.NOT_TEXT, String.format("byte 0x%02x at column %d is not text", b[bad] & 0xff,
                    bad - start + 1));
            return;
        }
        int tokenEnd = s;
        while (tokenEnd < e && !TextLines.isSpace(b[tokenEnd])) {
            tokenEnd++;
        }
        ensureRow();
        int base = rows * dim;
        int q = tokenEnd;
        int k = 0;
        while (true) {
            while (q < e && TextLines.isSpace(b[q])) {
                q++;
            }
            if (q == e) {
                break;
            }
            int f = q;
            while (q < e && !TextLines.isSpace(b[q])) {
                q++;
            }
            if (k == dim) {
                k++;      // one value too many: counted below
                break;
            }
            try {
                values[base + k] = TextLines.parseFloat(b, f, q);
            } catch (NumberFormatException ex) {
                if (k == 0 && spacedToken(b, s, e, utf8)) {
                    return;
                }
                issue(ReadReport.Kind.MALFORMED, "'" + TextLines.excerpt(b, f, q, 40) + "' is not a number (value "
                        + (k + 1) + " of '" + TextLines.excerpt(b, s, tokenEnd, 40) + "')");
                return;
            }
            k++;
        }
        if (k != dim) {
            if (k > dim && spacedToken(b, s, e, utf8)) {
                return;
            }
            int count = k > dim ? TextLines.countFields(b, tokenEnd, e) : k;
            issue(ReadReport.Kind.WRONG_DIMENSION, count + " values for '" + TextLines.excerpt(b, s, tokenEnd, 40)
                    + "', expected " + dim);
            return;
        }
        addToken(b, s, tokenEnd, utf8);
    }

    /**
     * A token holding spaces (GloVe 840B has some: {@code ". . ."}): the line's last {@code dim} fields are numbers
     * and the fields before them, from the second on, are not. Adds the row and returns true when so.
     */
    private boolean spacedToken(byte[] b, int s, int e, CharsetDecoder utf8) {
        int[] starts = new int[dim + 1];
        int[] ends = new int[dim + 1];
        int n = 0;
        int q = e;
        while (n <= dim) {     // the last dim + 1 fields, from the end
            while (q > s && TextLines.isSpace(b[q - 1])) {
                q--;
            }
            if (q == s) {
                return false;
            }
            int fe = q;
            while (q > s && !TextLines.isSpace(b[q - 1])) {
                q--;
            }
            starts[n] = q;
            ends[n] = fe;
            n++;
        }
        // fields 0..dim-1 from the end are the values; field dim is the token's last word, not a number, and not
        // its first (a line of exactly dim + 1 fields is an ordinary one, which the caller reports)
        if (starts[dim] == s || TextLines.isNumber(b, starts[dim], ends[dim])) {
            return false;
        }
        int base = rows * dim;
        for (int i = 0; i < dim; i++) {
            int f = dim - 1 - i;
            try {
                values[base + i] = TextLines.parseFloat(b, starts[f], ends[f]);
            } catch (NumberFormatException ex) {
                return false;
            }
        }
        addToken(b, s, ends[dim], utf8);
        issues.add(new Issue(ReadReport.Kind.SPACED, lines, "'" + tokens[rows - 1] + "'"));
        return true;
    }

    private void addToken(byte[] b, int from, int to, CharsetDecoder utf8) {
        String token = TextLines.token(b, from, to, utf8);
        if (token == null) {
            token = TextLines.lossy(b, from, to);
            issues.add(new Issue(ReadReport.Kind.UNDECODABLE, lines, "'" + token + "'"));
        }
        tokens[rows] = token;
        rowLines[rows] = lines;
        rows++;
    }

    private void ensureRow() {
        if (rows == tokens.length) {
            int capacity = tokens.length + (tokens.length >> 1);
            tokens = Arrays.copyOf(tokens, capacity);
            rowLines = Arrays.copyOf(rowLines, capacity);
            values = Arrays.copyOf(values, Math.multiplyExact(capacity, dim));
        }
    }

    private void issue(ReadReport.Kind kind, String detail) {
        issues.add(new Issue(kind, lines, detail));
        stopped = true;
    }
}
