package org.tensorkit.core.format;

import java.math.BigInteger;

/**
 * Decimal digits of a binary floating-point value, generated exactly as numpy's {@code dragon4.c} does in its
 * "unique" digit mode (the only mode numpy's default {@code floatmode='maxprec'} uses).
 *
 * <p>This is a port of the algorithm, not a re-derivation: numpy's output depends on its details (IEEE
 * unbiased margins, round-half-even of the last digit, and the {@code cutoff_min} rule that keeps generating
 * exact digits past the shortest unique ones), and Java's {@code Double.toString} follows none of them. The
 * value is {@code mantissa * 2^exponent}; all arithmetic is on exact big integers.
 */
final class Dragon4 {
    private static final double LOG10_2 = 0.30102999566398119521373889472449;

    /** Whether the cutoffs count digits after the decimal point or significant digits. */
    enum Cutoff {
        FRACTION_LENGTH, TOTAL_LENGTH
    }

    /** The generated digits (no leading zeros) and the base-10 exponent of the first one. */
    record Digits(String digits, int exponent) {
    }

    private Dragon4() {
    }

    /**
     * Shortest digits that identify the value among its neighbours of the same type, but never past
     * {@code cutoffMax} digits (rounded there, half to even) and never fewer than {@code cutoffMin} digits.
     * A negative cutoff means none.
     *
     * @param mantissaBit index of the highest set bit of the mantissa
     * @param unequalMargins true when the gap to the next value above is twice the gap below (a power of two)
     */
    static Digits unique(BigInteger mantissa, int exponent, int mantissaBit, boolean unequalMargins,
            Cutoff cutoffMode, int cutoffMax, int cutoffMin) {
        if (mantissa.signum() == 0) {
            return new Digits("0", 0);
        }
        // The neighbours' midpoints round to this value when the mantissa is even (IEEE ties-to-even), so the
        // margins are then inclusive.
        boolean isEven = !mantissa.testBit(0);

        // value = scaledValue / scale; the margins are half the gaps to the neighbouring values, scaled alike.
        BigInteger scaledValue;
        BigInteger scale;
        BigInteger marginLow;
        if (exponent > 0) {
            scaledValue = mantissa.shiftLeft(exponent + (unequalMargins ? 2 : 1));
            scale = BigInteger.valueOf(unequalMargins ? 4 : 2);
            marginLow = BigInteger.ONE.shiftLeft(exponent);
        } else {
            scaledValue = mantissa.shiftLeft(unequalMargins ? 2 : 1);
            scale = BigInteger.ONE.shiftLeft(-exponent + (unequalMargins ? 2 : 1));
            marginLow = BigInteger.ONE;
        }

        // numpy's estimate of floor(log10(value)) + 1 (exact or one too low, corrected below). Kept verbatim
        // because the fraction-length clamp right after it depends on the estimate, not the exact value.
        int digitExponent = (int) Math.ceil((double) (mantissaBit + exponent) * LOG10_2 - 0.69);
        if (cutoffMax >= 0 && cutoffMode == Cutoff.FRACTION_LENGTH && digitExponent <= -cutoffMax) {
            digitExponent = -cutoffMax + 1;
        }
        if (digitExponent > 0) {
            scale = scale.multiply(BigInteger.TEN.pow(digitExponent));
        } else if (digitExponent < 0) {
            BigInteger pow10 = BigInteger.TEN.pow(-digitExponent);
            scaledValue = scaledValue.multiply(pow10);
            marginLow = marginLow.multiply(pow10);
        }
        if (scaledValue.compareTo(scale) >= 0) {
            digitExponent++;
        } else {
            scaledValue = scaledValue.multiply(BigInteger.TEN);
            marginLow = marginLow.multiply(BigInteger.TEN);
        }

        int cutoffMaxExponent = Integer.MIN_VALUE;
        if (cutoffMax >= 0) {
            cutoffMaxExponent = cutoffMode == Cutoff.TOTAL_LENGTH ? digitExponent - cutoffMax : -cutoffMax;
        }
        int cutoffMinExponent = digitExponent;
        if (cutoffMin >= 0) {
            int desired = cutoffMode == Cutoff.TOTAL_LENGTH ? digitExponent - cutoffMin : -cutoffMin;
            cutoffMinExponent = Math.min(cutoffMinExponent, desired);
        }
        int outExponent = digitExponent - 1;

        StringBuilder digits = new StringBuilder();
        int outputDigit;
        boolean low;
        boolean high;
        while (true) {
            digitExponent--;
            BigInteger[] qr = scaledValue.divideAndRemainder(scale);
            outputDigit = qr[0].intValueExact();
            scaledValue = qr[1];
            BigInteger marginHigh = unequalMargins ? marginLow.shiftLeft(1) : marginLow;
            int cmpLow = scaledValue.compareTo(marginLow);
            low = isEven ? cmpLow <= 0 : cmpLow < 0;
            int cmpHigh = scaledValue.add(marginHigh).compareTo(scale);
            high = isEven ? cmpHigh >= 0 : cmpHigh > 0;
            if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent == cutoffMaxExponent) {
                break;
            }
            digits.append((char) ('0' + outputDigit));
            scaledValue = scaledValue.multiply(BigInteger.TEN);
            marginLow = marginLow.multiply(BigInteger.TEN);
        }

        // Round the last digit: towards the side that stays unique, else to nearest, ties to an even digit.
        boolean roundDown = low;
        if (low == high) {
            int compare = scaledValue.shiftLeft(1).compareTo(scale);
            roundDown = compare < 0 || (compare == 0 && (outputDigit & 1) == 0);
        }
        if (roundDown) {
            digits.append((char) ('0' + outputDigit));
        } else if (outputDigit < 9) {
            digits.append((char) ('0' + outputDigit + 1));
        } else {
            // Carry through trailing nines; all nines become a single 1 one decade up.
            int end = digits.length();
            while (end > 0 && digits.charAt(end - 1) == '9') {
                end--;
            }
            if (end == 0) {
                digits.setLength(0);
                digits.append('1');
                outExponent++;
            } else {
                digits.setLength(end);
                digits.setCharAt(end - 1, (char) (digits.charAt(end - 1) + 1));
            }
        }
        return new Digits(digits.toString(), outExponent);
    }
}
