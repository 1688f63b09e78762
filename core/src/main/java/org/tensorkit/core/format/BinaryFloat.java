package org.tensorkit.core.format;

import java.math.BigInteger;

import org.tensorkit.core.DType;

/**
 * One IEEE binary16/32/64 value taken apart as numpy's {@code dragon4.c} takes it apart, with numpy's
 * {@code dragon4_positional} and {@code dragon4_scientific} text forms (ports of {@code FormatPositional} and
 * {@code FormatScientific}). The width of the type matters: the same real number has different shortest
 * digits as a float32 than as a float64.
 *
 * @param negative the sign bit (so {@code -0.0} prints {@code -0.})
 * @param mantissa the integer significand; the finite value is {@code mantissa * 2^exponent}
 * @param mantissaBit index of the highest set bit of the mantissa (the subnormal case has fewer bits)
 * @param unequalMargins true for powers of two (but not the smallest normal): the gap above is twice the
 *        gap below
 */
record BinaryFloat(boolean negative, Kind kind, BigInteger mantissa, int exponent, int mantissaBit,
        boolean unequalMargins) {

    enum Kind {
        FINITE, INFINITE, NAN
    }

    /** How trailing zeros and the decimal point are trimmed (numpy's {@code trim} argument). */
    enum Trim {
        /** {@code 'k'}: keep trailing zeros. */
        NONE,
        /** {@code '.'}: trim trailing zeros, keep the point: {@code 1.}. */
        ZEROS,
        /** {@code '0'}: trim trailing zeros but leave one: {@code 1.0}. */
        LEAVE_ONE_ZERO,
        /** {@code '-'}: trim trailing zeros and the point: {@code 1}. */
        DPT_ZEROS
    }

    static BinaryFloat ofDouble(double value) {
        long bits = Double.doubleToRawLongBits(value);
        return decompose(bits < 0, (bits >>> 52) & 0x7FF, bits & ((1L << 52) - 1), 52, 0x7FF, 1023);
    }

    static BinaryFloat ofFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        return decompose(bits < 0, (bits >>> 23) & 0xFF, bits & ((1 << 23) - 1), 23, 0xFF, 127);
    }

    /** A binary16 value, given as the float it widens to exactly. */
    static BinaryFloat ofHalf(float value) {
        int bits = Half.toBits(value);
        return decompose((bits & 0x8000) != 0, (bits >>> 10) & 0x1F, bits & 0x3FF, 10, 0x1F, 15);
    }

    /** The value of a float of {@code dtype} that was widened exactly to a double. */
    static BinaryFloat of(double value, DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> ofDouble(value);
            case FLOAT32 -> ofFloat((float) value);
            case FLOAT16 -> ofHalf((float) value);
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        };
    }

    private static BinaryFloat decompose(boolean negative, long exponentField, long fraction, int fractionBits,
            long specialExponent, int bias) {
        if (exponentField == specialExponent) {
            Kind kind = fraction == 0 ? Kind.INFINITE : Kind.NAN;
            return new BinaryFloat(negative, kind, BigInteger.ZERO, 0, 0, false);
        }
        if (exponentField != 0) {
            long mantissa = (1L << fractionBits) | fraction;
            return new BinaryFloat(negative, Kind.FINITE, BigInteger.valueOf(mantissa),
                    (int) exponentField - bias - fractionBits, fractionBits, exponentField != 1 && fraction == 0);
        }
        int highestBit = 63 - Long.numberOfLeadingZeros(fraction); // -1 for zero; unused then
        return new BinaryFloat(negative, Kind.FINITE, BigInteger.valueOf(fraction), 1 - bias - fractionBits,
                Math.max(highestBit, 0), false);
    }

    boolean isFinite() {
        return kind == Kind.FINITE;
    }

    /**
     * numpy {@code dragon4_positional(x, precision, min_digits, unique=True, fractional=True, trim,
     * pad_left, pad_right)}; negative arguments mean "not given".
     */
    String positional(int precision, int minDigits, Trim trim, int padLeft, int padRight) {
        if (!isFinite()) {
            return nonFinite();
        }
        String sign = negative ? "-" : "";
        Dragon4.Digits d = Dragon4.unique(mantissa, exponent, mantissaBit, unequalMargins,
                Dragon4.Cutoff.FRACTION_LENGTH, precision, minDigits);
        String digits = d.digits();
        int printExponent = d.exponent();
        StringBuilder b = new StringBuilder(sign);
        int numWholeDigits;
        int numFractionDigits = 0;
        if (printExponent >= 0) {
            numWholeDigits = printExponent + 1;
            if (digits.length() <= numWholeDigits) {
                b.append(digits).append("0".repeat(numWholeDigits - digits.length()));
            } else {
                b.append(digits, 0, numWholeDigits).append('.').append(digits, numWholeDigits, digits.length());
                numFractionDigits = digits.length() - numWholeDigits;
            }
        } else {
            int leadingZeros = -(printExponent + 1);
            b.append("0.").append("0".repeat(leadingZeros)).append(digits);
            numFractionDigits = leadingZeros + digits.length();
            numWholeDigits = 1;
        }
        if (trim != Trim.DPT_ZEROS && numFractionDigits == 0) {
            b.append('.');
        }
        int desiredFractionDigits = Math.max(minDigits, 0);
        if (trim == Trim.LEAVE_ONE_ZERO) {
            if (numFractionDigits == 0) {
                b.append('0');
                numFractionDigits++;
            }
        } else if (trim == Trim.NONE && desiredFractionDigits > numFractionDigits) {
            b.append("0".repeat(desiredFractionDigits - numFractionDigits));
            numFractionDigits = desiredFractionDigits;
        }
        if (trim != Trim.NONE && numFractionDigits > 0) {
            while (b.charAt(b.length() - 1) == '0') {
                b.setLength(b.length() - 1);
                numFractionDigits--;
            }
            if (b.charAt(b.length() - 1) == '.') {
                if (trim == Trim.LEAVE_ONE_ZERO) {
                    b.append('0');
                    numFractionDigits++;
                } else if (trim == Trim.DPT_ZEROS) {
                    b.setLength(b.length() - 1);
                }
            }
        }
        if (padRight >= numFractionDigits) {
            if (trim == Trim.DPT_ZEROS && numFractionDigits == 0) {
                b.append(' ');
            }
            b.append(" ".repeat(padRight - numFractionDigits));
        }
        int used = numWholeDigits + sign.length();
        if (padLeft > used) {
            b.insert(0, " ".repeat(padLeft - used));
        }
        return b.toString();
    }

    /**
     * numpy {@code dragon4_scientific(x, precision, min_digits, unique=True, trim, pad_left, exp_digits)};
     * negative arguments mean "not given".
     */
    String scientific(int precision, int minDigits, Trim trim, int padLeft, int expDigits) {
        if (!isFinite()) {
            return nonFinite();
        }
        String sign = negative ? "-" : "";
        StringBuilder b = new StringBuilder();
        int leftChars = 1 + sign.length();
        if (padLeft > leftChars) {
            b.append(" ".repeat(padLeft - leftChars));
        }
        b.append(sign);
        Dragon4.Digits d = Dragon4.unique(mantissa, exponent, mantissaBit, unequalMargins,
                Dragon4.Cutoff.TOTAL_LENGTH, precision < 0 ? -1 : precision + 1, minDigits < 0 ? -1 : minDigits + 1);
        String digits = d.digits();
        b.append(digits.charAt(0));
        int numFractionDigits = digits.length() - 1;
        if (numFractionDigits > 0) {
            b.append('.').append(digits, 1, digits.length());
        }
        if (trim != Trim.DPT_ZEROS && numFractionDigits == 0) {
            b.append('.');
        }
        int addDigits = Math.max(minDigits, 0);
        if (trim == Trim.LEAVE_ONE_ZERO) {
            if (numFractionDigits == 0) {
                b.append('0');
                numFractionDigits++;
            }
        } else if (trim == Trim.NONE && addDigits > numFractionDigits) {
            b.append("0".repeat(addDigits - numFractionDigits));
            numFractionDigits = addDigits;
        }
        if (trim != Trim.NONE && numFractionDigits > 0) {
            while (b.charAt(b.length() - 1) == '0') {
                b.setLength(b.length() - 1);
            }
            if (trim == Trim.LEAVE_ONE_ZERO && b.charAt(b.length() - 1) == '.') {
                b.append('0');
            }
        }
        int printExponent = d.exponent();
        b.append('e').append(printExponent >= 0 ? '+' : '-');
        String exponentDigits = Integer.toString(Math.abs(printExponent));
        int width = Math.min(expDigits < 0 ? 2 : expDigits, 5);
        b.append("0".repeat(Math.max(0, width - exponentDigits.length()))).append(exponentDigits);
        return b.toString();
    }

    /** What dragon4 prints for nan and inf (no padding; numpy's array formatter pads those itself). */
    private String nonFinite() {
        if (kind == Kind.NAN) {
            return "nan";
        }
        return negative ? "-inf" : "inf";
    }
}
