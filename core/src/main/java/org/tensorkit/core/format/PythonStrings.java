package org.tensorkit.core.format;

/**
 * Python 3's {@code repr(str)}, which numpy 1.x uses for each element of a string array: single quotes unless the
 * text holds a single quote and no double quote; backslash escapes for that quote, the backslash, tab, newline and
 * carriage return; and hexadecimal escapes (backslash and {@code x}, {@code u} or {@code U}) for the characters
 * Python does not print (control, format, surrogate, private-use and unassigned code points, and separators other
 * than the space).
 */
final class PythonStrings {
    private PythonStrings() {
    }

    /** {@code repr(s)} as Python 3 gives it. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (printable(c)) {
                b.appendCodePoint(c);
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", c));
            } else if (c < 0x10000) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(String.format("\\U%08x", c));
            }
        }
        return b.append(quote).toString();
    }

    /** The number of code points, Python's {@code len(s)} (numpy's {@code <U} width counts these). */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Python's {@code str.isprintable()} for one code point. */
    private static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
