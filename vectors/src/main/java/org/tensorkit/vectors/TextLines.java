package org.tensorkit.vectors;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;

/** Byte-level helpers of the vector readers: lines, fields, numbers and tokens in UTF-8 bytes. */
final class TextLines {
    private TextLines() {
    }

    static int indexOf(byte[] b, byte value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    static int lastIndexOf(byte[] b, byte value, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /** Bytes that never occur in text: controls other than tab, line feed and carriage return. */
    static boolean isNonText(byte c) {
        return (c >= 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
    }

    static int firstNonText(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (isNonText(b[i])) {
                return i;
            }
        }
        return -1;
    }

    /** How many whitespace-separated fields {@code [from, to)} holds. */
    static int countFields(byte[] b, int from, int to) {
        int n = 0;
        int q = from;
        while (q < to) {
            while (q < to && TextLines.isSpace(b[q])) {
                q++;
            }
            if (q == to) {
                break;
            }
            n++;
            while (q < to && !TextLines.isSpace(b[q])) {
                q++;
            }
        }
        return n;
    }

    /** Whether {@code [from, to)} is {@code <count> <dim>}: two decimal integers and spaces. */
    static boolean isHeader(byte[] b, int from, int to) {
        return header(b, from, to) != null;
    }

    /** The two integers of a header line, or null when the line is not one. */
    static long[] header(byte[] b, int from, int to) {
        long[] out = new long[2];
        int field = 0;
        int i = from;
        while (true) {
            while (i < to && isSpace(b[i])) {
                i++;
            }
            if (i == to) {
                break;
            }
            if (field == 2) {
                return null;
            }
            int start = i;
            long v = 0;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                v = v * 10 + (b[i] - '0');
                if (v > Integer.MAX_VALUE * 16L) {
                    return null;
                }
                i++;
            }
            if (i == start || (i < to && !isSpace(b[i]))) {
                return null;
            }
            out[field++] = v;
        }
        return field == 2 ? out : null;
    }

    /** A float of {@code [from, to)}: fastdoubleparser's Java syntax, plus Python's {@code nan} and {@code inf}. */
    static float parseFloat(byte[] b, int from, int to) {
        try {
            return JavaFloatParser.parseFloat(b, from, to - from);
        } catch (NumberFormatException e) {
            String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            switch (s) {
                case "nan", "+nan", "-nan":
                    return Float.NaN;
                case "inf", "+inf", "infinity", "+infinity":
                    return Float.POSITIVE_INFINITY;
                case "-inf", "-infinity":
                    return Float.NEGATIVE_INFINITY;
                default:
                    throw e;
            }
        }
    }

    static boolean isNumber(byte[] b, int from, int to) {
        try {
            parseFloat(b, from, to);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A token decoded as UTF-8; {@code null} when the bytes are not UTF-8 (then {@link #lossy} decodes them). */
    static String token(byte[] b, int from, int to, CharsetDecoder strict) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = strict.reset().decode(ByteBuffer.wrap(b, from, to - from));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The token with each undecodable byte sequence replaced by U+FFFD, as Python's {@code errors='replace'}. */
    static String lossy(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Up to {@code max} characters of a line for messages, with control characters shown as escapes. */
    static String excerpt(byte[] b, int from, int to, int max) {
        String text = lossy(b, from, Math.min(to, from + 4 * max));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length() && s.length() < max; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                s.append(String.format("\\x%02x", (int) c));
            } else {
                s.append(c);
            }
        }
        if (s.length() >= max && to - from > max) {
            s.append("...");
        }
        return s.toString();
    }
}
