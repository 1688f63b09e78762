package org.tensorkit.layers.preprocessing;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.RowGather;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Layer;

/** Integer keys and indices read from a layer's input: integers as they are, floats only when integral. */
final class IntegerInputs {
    private IntegerInputs() {
    }

    /**
     * The values of {@code input} in C order as longs.
     *
     * @throws IllegalArgumentException for a NaN, infinite, fractional or out-of-long-range float, naming the layer,
     *                                  the value and its position in the caller's data
     */
    static long[] read(Layer layer, INDArray input, CallContext context) {
        if (!DType.of(input.dataType()).isFloatingPoint()) {
            return BulkData.readLongs(input);
        }
        double[] values = NdArrays.dense(input).data().asDouble();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            long k = (long) v;
            if (k != v || v >= 0x1p63) {
                throw new IllegalArgumentException(layer.getClass().getSimpleName() + " \"" + layer.name()
                        + "\": " + RowGather.formatIndex(v) + " at position "
                        + RowGather.position(i, input.shape(), context.rowOffset())
                        + " is not an integer; keys and indices must be integers");
            }
            out[i] = k;
        }
        return out;
    }
}
