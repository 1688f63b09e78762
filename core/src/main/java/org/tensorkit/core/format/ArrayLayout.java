package org.tensorkit.core.format;

import java.util.function.IntFunction;

import org.tensorkit.core.DType;

/**
 * numpy's {@code array2string} body for a non-empty array (a port of {@code _formatArray} and
 * {@code _leading_trailing} with numpy 1.14+ rules): nested brackets, line wrapping with a hanging indent,
 * blank lines between blocks of rank >= 3, and {@code ...} summaries past 1000 elements.
 */
final class ArrayLayout {
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    private static final String SUMMARY = "...";

    private final long[] shape;
    private final long[] strides;
    private final boolean summarize;
    private final String separator;
    /** Text of the element at a C-order flat index. */
    private final IntFunction<String> element;

    private ArrayLayout(ElementData data, String separator) {
        this.shape = data.shape();
        this.strides = new long[shape.length];
        long stride = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            strides[axis] = stride;
            stride *= shape[axis];
        }
        this.summarize = data.size() > THRESHOLD;
        this.separator = separator;
        this.element = elementFormatter(data, shownIndices());
    }

    /**
     * The array's text as {@code array2string(a, separator=separator, prefix=prefix)} makes it, for a
     * non-empty array.
     *
     * @param lineWidth the usable width (numpy's linewidth minus the length of the suffix)
     */
    static String format(ElementData data, String separator, String prefix, int lineWidth) {
        return new ArrayLayout(data, separator).recurse(0, 0, " " + " ".repeat(prefix.length()), lineWidth);
    }

    /** Whether an axis of length n is cut to its first and last edge items around a {@code ...}. */
    private boolean summarized(long n) {
        return summarize && n > 2 * EDGE_ITEMS;
    }

    /** Flat indices of the elements that will be printed; the element format depends only on those. */
    private int[] shownIndices() {
        int count = 1;
        for (long n : shape) {
            count = Math.multiplyExact(count, (int) (summarized(n) ? 2 * EDGE_ITEMS : n));
        }
        int[] out = new int[count];
        collect(0, 0, out, new int[] {0});
        return out;
    }

    private void collect(int axis, long offset, int[] out, int[] next) {
        if (axis == shape.length) {
            out[next[0]++] = Math.toIntExact(offset);
            return;
        }
        long n = shape[axis];
        for (long i = 0; i < n; i++) {
            if (summarized(n) && i == EDGE_ITEMS) {
                i = n - EDGE_ITEMS;
            }
            collect(axis + 1, offset + i * strides[axis], out, next);
        }
    }

    private static IntFunction<String> elementFormatter(ElementData data, int[] shown) {
        DType dtype = data.dtype();
        if (dtype == DType.STRING) {
            String[] values = data.strings();
            return i -> PythonStrings.repr(values[i]);
        }
        if (dtype.isFloatingPoint()) {
            double[] values = data.floats();
            double[] shownValues = new double[shown.length];
            for (int i = 0; i < shown.length; i++) {
                shownValues[i] = values[shown[i]];
            }
            FloatFormat format = new FloatFormat(shownValues, dtype);
            return i -> format.format(values[i]);
        }
        long[] values = data.integers();
        if (dtype == DType.BOOL) {
            // " True" lines up with "False", except in a 0-d array
            String trueText = data.rank() == 0 ? "True" : " True";
            return i -> values[i] != 0 ? trueText : "False";
        }
        int width = 0;
        for (int i : shown) {
            width = Math.max(width, Long.toString(values[i]).length());
        }
        int w = width;
        return i -> {
            String s = Long.toString(values[i]);
            return " ".repeat(w - s.length()) + s;
        };
    }

    private String recurse(int axis, long offset, String hangingIndent, int currentWidth) {
        int axesLeft = shape.length - axis;
        if (axesLeft == 0) {
            return element.apply(Math.toIntExact(offset));
        }
        // nested levels align with the '[' just added, and lose one column to it
        String nextHangingIndent = hangingIndent + " ";
        int nextWidth = currentWidth - 1;
        long n = shape[axis];
        boolean showSummary = summarized(n);
        long leading = showSummary ? EDGE_ITEMS : 0;
        long trailing = showSummary ? EDGE_ITEMS : n;
        long stride = strides[axis];

        StringBuilder s = new StringBuilder();
        if (axesLeft == 1) {
            // room for the separator or closing bracket after each element
            int elementWidth = currentWidth - Math.max(stripTrailing(separator).length(), 1);
            StringBuilder line = new StringBuilder(hangingIndent);
            for (long i = 0; i < leading; i++) {
                extendLine(s, line, recurse(axis + 1, offset + i * stride, nextHangingIndent, nextWidth),
                        elementWidth, hangingIndent);
                line.append(separator);
            }
            if (showSummary) {
                extendLine(s, line, SUMMARY, elementWidth, hangingIndent);
                line.append(separator);
            }
            for (long i = trailing; i > 1; i--) {
                extendLine(s, line, recurse(axis + 1, offset + (n - i) * stride, nextHangingIndent, nextWidth),
                        elementWidth, hangingIndent);
                line.append(separator);
            }
            extendLine(s, line, recurse(axis + 1, offset + (n - 1) * stride, nextHangingIndent, nextWidth),
                    elementWidth, hangingIndent);
            s.append(line);
        } else {
            String lineSeparator = stripTrailing(separator) + "\n".repeat(axesLeft - 1);
            for (long i = 0; i < leading; i++) {
                s.append(hangingIndent).append(recurse(axis + 1, offset + i * stride, nextHangingIndent, nextWidth))
                        .append(lineSeparator);
            }
            if (showSummary) {
                s.append(hangingIndent).append(SUMMARY).append(lineSeparator);
            }
            for (long i = trailing; i > 1; i--) {
                s.append(hangingIndent)
                        .append(recurse(axis + 1, offset + (n - i) * stride, nextHangingIndent, nextWidth))
                        .append(lineSeparator);
            }
            s.append(hangingIndent).append(recurse(axis + 1, offset + (n - 1) * stride, nextHangingIndent,
                    nextWidth));
        }
        // the first line's indent is replaced by the bracket
        return "[" + s.substring(hangingIndent.length()) + "]";
    }

    /** Appends word to line, first flushing line to s if it would overflow and wrapping can help. */
    private static void extendLine(StringBuilder s, StringBuilder line, String word, int lineWidth,
            String nextLinePrefix) {
        boolean needsWrap = line.length() + word.length() > lineWidth && line.length() > nextLinePrefix.length();
        if (needsWrap) {
            s.append(stripTrailing(line.toString())).append('\n');
            line.setLength(0);
            line.append(nextLinePrefix);
        }
        line.append(word);
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
