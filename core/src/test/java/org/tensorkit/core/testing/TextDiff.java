package org.tensorkit.core.testing;

/** Readable failure messages for multi-line text comparisons: both texts and the first differing line. */
public final class TextDiff {
    private TextDiff() {
    }

    /** Both texts and the first line where they differ, for an assertion message. */
    public static String describe(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int line = 0;
        while (line < e.length && line < a.length && e[line].equals(a[line])) {
            line++;
        }
        StringBuilder b = new StringBuilder();
        b.append("--- expected\n").append(expected).append("\n--- actual\n").append(actual).append('\n');
        b.append("first difference at line ").append(line + 1).append(":\n");
        b.append("  expected: ").append(line < e.length ? quote(e[line]) : "<end of text>").append('\n');
        b.append("  actual:   ").append(line < a.length ? quote(a[line]) : "<end of text>");
        return b.toString();
    }

    private static String quote(String s) {
        return "\"" + s + "\" (" + s.length() + " chars)";
    }
}
