package org.tensorkit.core.format;

import java.util.ArrayList;
import java.util.List;

import org.tensorkit.core.DType;

/**
 * numpy's {@code FloatingFormat} with the default print options (precision 8, floatmode {@code maxprec},
 * suppress off, sign {@code '-'}): decides once per array between positional and scientific notation and the
 * paddings that align the column, then formats single elements.
 *
 * <p>Values arrive widened exactly to double; {@code dtype} says which IEEE type they really are, because
 * both the shortest digits and numpy's mode decision (done in the array's own precision) depend on it.
 */
final class FloatFormat {
    private static final int PRECISION = 8;

    private final DType dtype;
    private final boolean scientific;
    private final int padLeft;
    private final int padRight;
    /** Scientific mode only: digits after the point, the same for every element. */
    private final int fractionDigits;
    /** Scientific mode only: exponent digits, the same for every element. */
    private final int exponentDigits;

    /** @param shown the values that will be printed (only the edges when numpy summarizes) */
    FloatFormat(double[] shown, DType dtype) {
        this.dtype = dtype;
        List<BinaryFloat> finite = new ArrayList<>();
        boolean hasNonFinite = false;
        boolean hasNegativeInfinity = false;
        for (double v : shown) {
            if (Double.isFinite(v)) {
                finite.add(BinaryFloat.of(v, dtype));
            } else {
                hasNonFinite = true;
                hasNegativeInfinity |= v == Double.NEGATIVE_INFINITY;
            }
        }
        this.scientific = needsScientific(shown, dtype);

        int left = 0;
        int right = 0;
        int fraction = 0;
        int exponentSize = -1;
        if (!finite.isEmpty() && scientific) {
            // First pass: each value's own shortest mantissa; the widest fraction is then used for all.
            for (BinaryFloat f : finite) {
                String s = f.scientific(PRECISION, -1, BinaryFloat.Trim.ZEROS, -1, -1);
                int e = s.indexOf('e');
                int dot = s.indexOf('.');
                left = Math.max(left, dot);
                fraction = Math.max(fraction, e - dot - 1);
                exponentSize = Math.max(exponentSize, s.length() - e - 2);
            }
            right = exponentSize + 2 + fraction;
        } else if (!finite.isEmpty()) {
            for (BinaryFloat f : finite) {
                String s = f.positional(PRECISION, -1, BinaryFloat.Trim.ZEROS, -1, -1);
                int dot = s.indexOf('.');
                left = Math.max(left, dot);
                right = Math.max(right, s.length() - dot - 1);
            }
        }
        if (hasNonFinite) {
            // nan/inf are right-aligned in the element width; widen the integer side if they do not fit.
            int offset = right + 1;
            left = Math.max(left, Math.max(3 - offset, 3 + (hasNegativeInfinity ? 1 : 0) - offset));
        }
        this.padLeft = left;
        this.padRight = right;
        this.fractionDigits = fraction;
        this.exponentDigits = exponentSize;
    }

    /**
     * numpy's rule on the non-zero finite magnitudes, evaluated in the array's dtype: numpy compares a
     * float32 maximum with {@code 1e8} and {@code 1e-4} converted to float32, and divides in float32.
     */
    private static boolean needsScientific(double[] shown, DType dtype) {
        double max = Double.NaN;
        double min = Double.NaN;
        for (double v : shown) {
            double a = Math.abs(v);
            if (Double.isFinite(a) && a != 0) {
                max = Double.isNaN(max) ? a : Math.max(max, a);
                min = Double.isNaN(min) ? a : Math.min(min, a);
            }
        }
        if (Double.isNaN(max)) {
            return false;
        }
        return switch (dtype) {
            case FLOAT64 -> max >= 1e8 || min < 1e-4 || max / min > 1000.0;
            case FLOAT32 -> (float) max >= 1e8f || (float) min < 1e-4f || (float) max / (float) min > 1000f;
            case FLOAT16 -> (float) max >= Half.round(1e8f) || (float) min < Half.round(1e-4f)
                    || Half.round((float) max / (float) min) > 1000f;
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        };
    }

    String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            String text = Double.isNaN(value) ? "nan" : value < 0 ? "-inf" : "inf";
            int width = padLeft + padRight + 1;
            return " ".repeat(Math.max(0, width - text.length())) + text;
        }
        BinaryFloat f = BinaryFloat.of(value, dtype);
        if (scientific) {
            return f.scientific(fractionDigits, fractionDigits, BinaryFloat.Trim.NONE, padLeft, exponentDigits);
        }
        return f.positional(PRECISION, 0, BinaryFloat.Trim.ZEROS, padLeft, padRight);
    }

    /**
     * numpy {@code str()} of a float scalar, which is also {@code str()} of a 0-d array: shortest
     * round-trip digits without a precision limit, positional for 1e-4 <= |x| < 1e16 (and zero).
     */
    static String scalarStr(double value, DType dtype) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value < 0 ? "-inf" : "inf";
        }
        BinaryFloat f = BinaryFloat.of(value, dtype);
        double abs = Math.abs(value);
        if (abs == 0 || (abs >= 1e-4 && abs < 1e16)) {
            return f.positional(-1, -1, BinaryFloat.Trim.LEAVE_ONE_ZERO, -1, -1);
        }
        return f.scientific(-1, -1, BinaryFloat.Trim.DPT_ZEROS, -1, -1);
    }
}
