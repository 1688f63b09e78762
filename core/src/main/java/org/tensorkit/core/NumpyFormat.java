package org.tensorkit.core;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * numpy 1.x printing (placeholder: replaced by the full implementation of issue 2).
 */
public final class NumpyFormat {
    private NumpyFormat() {
    }

    /** numpy {@code str(a)}. */
    public static String str(INDArray array, DType dtype) {
        return array.toString();
    }

    /** numpy {@code repr(a)}. */
    public static String repr(INDArray array, DType dtype) {
        return "array(" + array + ")";
    }

    /** Python {@code repr(list)} / {@code print(list)} of arrays. */
    public static String reprList(List<Tensor> tensors) {
        return tensors.toString();
    }

    /** How a notebook (IPython's pretty printer) displays a list of arrays as a cell value. */
    public static String displayList(List<Tensor> tensors) {
        return tensors.toString();
    }
}
