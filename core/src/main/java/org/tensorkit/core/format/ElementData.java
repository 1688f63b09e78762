package org.tensorkit.core.format;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.internal.StringArrays;

/**
 * The elements of an array pulled out of ND4J once, in C order, as plain Java arrays: floats widened exactly
 * to double (every float16/float32 value is a double), integers and bools (0/1) as long.
 *
 * @param floats the values when {@code dtype} is floating-point, else null
 * @param integers the values when {@code dtype} is an integer type or bool, else null
 * @param strings the values when {@code dtype} is string, else null
 */
record ElementData(long[] shape, DType dtype, double[] floats, long[] integers, String[] strings) {

    static ElementData of(INDArray array, DType dtype) {
        long[] shape = array.shape();
        if (array.length() == 0 && shape.length == 0) {
            // ND4J makes a rank-0 "empty" array from a zero-length Java array; numpy's equivalent is shape (0,)
            shape = new long[] {0};
        }
        if (array.length() == 0) {
            return new ElementData(shape, dtype, new double[0], new long[0], new String[0]);
        }
        if (dtype == DType.STRING) {
            return new ElementData(shape, dtype, null, null, StringArrays.strings(array));
        }
        INDArray c = array.dup('c');
        if (dtype.isFloatingPoint()) {
            // float data is read as float and widened here, so no ND4J rounding path can alter the bits
            double[] values = dtype == DType.FLOAT64 ? c.data().asDouble() : widen(c.data().asFloat());
            return new ElementData(shape, dtype, values, null, null);
        }
        return new ElementData(shape, dtype, null, c.data().asLong(), null);
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    int rank() {
        return shape.length;
    }

    long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
