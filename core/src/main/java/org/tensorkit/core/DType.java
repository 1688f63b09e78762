package org.tensorkit.core;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element types, named as numpy names them. Each maps to exactly one ND4J {@link DataType}.
 */
public enum DType {
    FLOAT16("float16", DataType.HALF),
    FLOAT32("float32", DataType.FLOAT),
    FLOAT64("float64", DataType.DOUBLE),
    INT8("int8", DataType.BYTE),
    INT16("int16", DataType.SHORT),
    INT32("int32", DataType.INT),
    INT64("int64", DataType.LONG),
    UINT8("uint8", DataType.UBYTE),
    BOOL("bool", DataType.BOOL),
    /**
     * Text: Keras's {@code "string"} dtype, for inputs of keys such as {@code "user_42"}. Tensors of it print as
     * numpy prints its {@code <U} arrays; their elements are Java strings, held as UTF-8 (see
     * {@link Tensor#of(String...)}).
     */
    STRING("string", DataType.UTF8);

    /** {@link #values()} without the copy it makes. */
    private static final DType[] VALUES = values();

    private final String numpyName;
    private final DataType nd4j;

    DType(String numpyName, DataType nd4j) {
        this.numpyName = numpyName;
        this.nd4j = nd4j;
    }

    /**
     * The numpy name, e.g. {@code float32} (for {@link #STRING}, Keras's name {@code string}); also what
     * {@link #toString()} returns.
     */
    public String numpyName() {
        return numpyName;
    }

    /** The ND4J data type of this dtype. */
    public DataType toNd4j() {
        return nd4j;
    }

    /** Whether this is a floating-point dtype (float16, float32, float64). */
    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /** Whether this is an integer dtype (signed or unsigned, not bool). */
    public boolean isInteger() {
        return this == INT8 || this == INT16 || this == INT32 || this == INT64 || this == UINT8;
    }

    /** Numeric in numpy's sense: anything but bool and string. */
    public boolean isNumeric() {
        return this != BOOL && this != STRING;
    }

    /** The DType of an ND4J array type. */
    public static DType of(DataType dataType) {
        for (DType t : VALUES) {
            if (t.nd4j == dataType) {
                return t;
            }
        }
        throw new IllegalArgumentException("ND4J data type " + dataType + " has no tensorkit DType; supported: "
                + java.util.Arrays.toString(values()));
    }

    /** Parses a numpy name such as {@code "float32"} or {@code "int64"}, or Keras's {@code "string"}. */
    public static DType fromNumpyName(String name) {
        for (DType t : values()) {
            if (t.numpyName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("dtype '" + name + "' is not supported; expected one of "
                + java.util.Arrays.toString(values()));
    }

    @Override
    public String toString() {
        return numpyName;
    }
}
