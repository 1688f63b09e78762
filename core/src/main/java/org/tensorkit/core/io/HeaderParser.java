package org.tensorkit.core.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Python literal of a {@code .npy} header: a dictionary of string keys whose values are strings,
 * {@code True}/{@code False} or tuples of integers (Python 2's {@code 3L} included), as {@code ast.literal_eval}
 * would for these forms. Anything else is an {@link IOException} naming the source and the offset.
 */
final class HeaderParser {
    private final String text;
    private final String source;
    private int at;

    HeaderParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    Map<String, Object> parse() throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') {
                at++;
                break;
            }
            String key = string();
            expect(':');
            skipSpace();
            Object value = value();
            if (d.put(key, value) != null) {
                throw error("key '" + key + "' appears twice");
            }
            skipSpace();
            if (peek() == ',') {
                at++;
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
        skipSpace();
        if (at != text.length()) {
            throw error("text after the dictionary");
        }
        return d;
    }

    private Object value() throws IOException {
        char c = peek();
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '(') {
            return tuple();
        }
        if (text.startsWith("True", at)) {
            at += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("False", at)) {
            at += 5;
            return Boolean.FALSE;
        }
        throw error("expected a string, True, False or a tuple");
    }

    private long[] tuple() throws IOException {
        expect('(');
        List<Long> dims = new ArrayList<>();
        boolean comma = true;
        while (true) {
            skipSpace();
            if (peek() == ')') {
                at++;
                break;
            }
            if (!comma) {
                throw error("expected ',' or ')'");
            }
            int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (start == at) {
                throw error("expected a non-negative integer");
            }
            try {
                dims.add(Long.parseLong(text.substring(start, at)));
            } catch (NumberFormatException e) {
                throw error("dimension " + text.substring(start, at) + " does not fit in 64 bits");
            }
            if (peek() == 'L') {
                at++;
            }
            skipSpace();
            comma = peek() == ',';
            if (comma) {
                at++;
            }
        }
        if (dims.size() == 1 && !text.substring(0, at).replace(" ", "").endsWith(",)")) {
            throw error("(n) is not a tuple; a 1-tuple is written (n,)");
        }
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i);
        }
        return out;
    }

    private String string() throws IOException {
        skipSpace();
        char quote = peek();
        if (quote != '\'' && quote != '"') {
            throw error("expected a quoted string");
        }
        int end = text.indexOf(quote, at + 1);
        if (end < 0) {
            throw error("unterminated string");
        }
        String s = text.substring(at + 1, end);
        if (s.indexOf('\\') >= 0) {
            throw error("escapes in header strings are not read");
        }
        at = end + 1;
        return s;
    }

    private void expect(char c) throws IOException {
        skipSpace();
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IOException error(String what) {
        return new IOException(source + ": the .npy header is not numpy's dictionary (" + what + " at offset " + at
                + " of " + text.strip() + ")");
    }
}
