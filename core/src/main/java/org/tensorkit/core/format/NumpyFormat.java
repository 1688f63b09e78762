package org.tensorkit.core.format;

import java.util.List;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * numpy 1.x printing (numpy 1.14 to 1.26, the default print options): {@code str} and {@code repr} of arrays,
 * and Python's {@code repr} of a list of arrays.
 * The output is byte-exact; see the spec section 8 for the rules. Float digits come from a port of numpy's
 * Dragon4 ({@link Dragon4}), the per-array float format from {@link FloatFormat}, the nesting and wrapping
 * from {@link ArrayLayout}.
 */
public final class NumpyFormat {
    /** numpy's default {@code linewidth}. */
    private static final int LINE_WIDTH = 75;
    private static final String REPR_PREFIX = "array(";

    private NumpyFormat() {
    }

    /** numpy {@code str(a)}. */
    public static String str(INDArray array, DType dtype) {
        ElementData data = data(array, dtype);
        if (data.rank() == 0) {
            return scalarStr(data);
        }
        if (data.size() == 0) {
            return "[]";
        }
        return ArrayLayout.format(data, " ", "", LINE_WIDTH);
    }

    /** numpy {@code repr(a)}. */
    public static String repr(INDArray array, DType dtype) {
        ElementData data = data(array, dtype);
        boolean empty = data.size() == 0;
        // the closing ')' is reserved on the last line, so the body gets one column less
        String body = empty ? "[]" : ArrayLayout.format(data, ", ", REPR_PREFIX, LINE_WIDTH - 1);
        StringBuilder extras = new StringBuilder();
        if (empty && data.rank() != 1) {
            extras.append("shape=").append(Shape.of(data.shape()));
        }
        if (!dtypeIsImplied(dtype) || empty) {
            extras.append(extras.length() > 0 ? ", " : "").append("dtype=").append(reprName(data));
        }
        if (extras.length() == 0) {
            return REPR_PREFIX + body + ")";
        }
        String text = REPR_PREFIX + body + ",";
        String extraText = extras + ")";
        int lastLineLength = text.length() - (text.lastIndexOf('\n') + 1);
        String spacer = lastLineLength + extraText.length() + 1 > LINE_WIDTH
                ? "\n" + " ".repeat(REPR_PREFIX.length())
                : " ";
        return text + spacer + extraText;
    }

    /** Python {@code repr(list)} / {@code print(list)} of arrays. */
    public static String reprList(List<Tensor> tensors) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < tensors.size(); i++) {
            b.append(i > 0 ? ", " : "").append(tensors.get(i).repr());
        }
        return b.append(']').toString();
    }

    /** The dtype as a repr names it: {@code float32}, or {@code '<U5'} for strings of at most 5 code points. */
    private static String reprName(ElementData data) {
        if (data.dtype() != DType.STRING) {
            return data.dtype().numpyName();
        }
        int width = 1; // numpy's narrowest string dtype, also that of an empty array
        for (String s : data.strings()) {
            width = Math.max(width, PythonStrings.length(s));
        }
        return "'<U" + width + "'";
    }

    /** numpy omits the dtype from a repr when the values already imply it (the default types). */
    private static boolean dtypeIsImplied(DType dtype) {
        return dtype == DType.FLOAT64 || dtype == DType.INT64 || dtype == DType.BOOL;
    }

    /** {@code str()} of a 0-d array is {@code str()} of its scalar, which has no precision limit. */
    private static String scalarStr(ElementData data) {
        if (data.dtype() == DType.STRING) {
            return data.strings()[0];
        }
        if (data.dtype().isFloatingPoint()) {
            return FloatFormat.scalarStr(data.floats()[0], data.dtype());
        }
        long value = data.integers()[0];
        if (data.dtype() == DType.BOOL) {
            return value != 0 ? "True" : "False";
        }
        return Long.toString(value);
    }

    private static ElementData data(INDArray array, DType dtype) {
        Objects.requireNonNull(array, "array");
        Objects.requireNonNull(dtype, "dtype");
        if (DType.of(array.dataType()) != dtype) {
            throw new IllegalArgumentException("dtype " + dtype + " does not match the array's data type "
                    + array.dataType());
        }
        return ElementData.of(array, dtype);
    }
}
