package org.tensorkit.vectors;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;

/** Reading a 2-D float table a block of rows at a time, without copying the whole table to the heap. */
final class Tables {
    private Tables() {
    }

    /** {@code table} checked to be 2-D floating point; its float32, C-ordered array (a copy only when needed). */
    static INDArray floats(Tensor table, String what) {
        if (table.rank() != 2 || !table.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + " must be a 2-D floating-point table, got " + table.dtype()
                    + " " + table.shape());
        }
        INDArray a = table.dtype() == DType.FLOAT32 ? table.unwrap() : table.unwrap().castTo(
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
        return a.isEmpty() ? a : NdArrays.dense(a);
    }

    /** Rows {@code [from, from + count)} of a dense float32 {@code (rows, dim)} array, as floats. */
    static FloatBuffer rows(INDArray a, long from, int count, int dim) {
        ByteBuffer window = NdArrays.bytes(a, from * dim * 4L, Math.multiplyExact(count, dim) * 4);
        return window.asFloatBuffer();
    }
}
