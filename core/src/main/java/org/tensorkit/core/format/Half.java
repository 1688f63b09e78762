package org.tensorkit.core.format;

/**
 * IEEE binary16 helpers that Java 17 lacks ({@code Float.floatToFloat16} arrived in Java 20). ND4J hands
 * float16 data out widened to float, so these work on floats.
 */
final class Half {
    /** Largest finite binary16 value. */
    private static final float MAX = 65504f;

    private Half() {
    }

    /** The binary16 bit pattern of a float that holds a binary16 value exactly (as ND4J's widened data does). */
    static int toBits(float value) {
        int sign = (Float.floatToRawIntBits(value) >>> 16) & 0x8000;
        if (Float.isNaN(value)) {
            return sign | 0x7E00;
        }
        float abs = Math.abs(value);
        if (Float.isInfinite(abs)) {
            return sign | 0x7C00;
        }
        if (abs == 0) {
            return sign;
        }
        int e = Math.getExponent(abs);
        if (e >= -14) {
            return sign | (e + 15) << 10 | (Float.floatToRawIntBits(abs) & 0x7FFFFF) >> 13;
        }
        return sign | (int) Math.scalb(abs, 24); // subnormal: a multiple of 2^-24, exact
    }

    /**
     * Rounds a float to the nearest binary16 value (ties to even), overflowing to infinity. Rounding a
     * float32 quotient again to binary16 equals rounding the exact quotient (24 >= 2 * 11 + 2 bits), so this
     * reproduces numpy's float16 arithmetic for one operation.
     */
    static float round(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value) || value == 0) {
            return value;
        }
        float abs = Math.abs(value);
        int ulpExponent = Math.max(Math.getExponent(abs), -14) - 10;
        float rounded = Math.scalb((float) Math.rint(Math.scalb(abs, -ulpExponent)), ulpExponent);
        if (rounded > MAX) {
            rounded = Float.POSITIVE_INFINITY;
        }
        return Math.copySign(rounded, value);
    }
}
