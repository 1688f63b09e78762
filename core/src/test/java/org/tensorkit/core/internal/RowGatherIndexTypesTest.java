package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.Tensor;

/** The row loop per index dtype and layout: int32/int64 read directly, reshapes read in place, views copied. */
class RowGatherIndexTypesTest {
    private static final Tensor TABLE = Tensor.of(new float[][] {{0, 0.5f}, {1, 1.5f}, {2, 2.5f}, {3, 3.5f}});

    @Test
    void everyIntegerAndFloatIndexTypeGathersTheSameRows() {
        float[] expected = {3, 3.5f, 0, 0.5f, 2, 2.5f, 3, 3.5f};
        for (DataType type : new DataType[] {DataType.INT, DataType.LONG, DataType.SHORT, DataType.BYTE,
                DataType.UBYTE, DataType.FLOAT, DataType.DOUBLE}) {
            INDArray ids = Nd4j.createFromArray(3, 0, 2, -1).castTo(type);
            if (type == DataType.UBYTE) {
                ids = Nd4j.createFromArray(3, 0, 2, 3).castTo(type);
            }
            assertArrayEquals(expected, TABLE.take(Tensor.wrap(ids)).toFloatArray(), type.toString());
        }
    }

    @Test
    void reshapedAndOffsetViewsOfIdsReadTheRightElements() {
        INDArray flat = Nd4j.createFromArray(new int[] {9, 9, 1, 2, 3, 0});
        INDArray reshaped = flat.reshape('c', 3, 2); // an ND4J "view" over the whole buffer
        INDArray rows = reshaped.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()); // offset 2
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f, 3, 3.5f, 0, 0.5f},
                TABLE.take(Tensor.wrap(rows)).toFloatArray());
        INDArray column = Nd4j.createFromArray(new long[][] {{1, 2}, {3, 0}}).get(NDArrayIndex.all(),
                NDArrayIndex.point(1)); // strided
        assertArrayEquals(new float[] {2, 2.5f, 0, 0.5f}, TABLE.take(Tensor.wrap(column)).toFloatArray());
    }

    @Test
    void hugeAndOutOfRangeLongIdsAreRejected() {
        for (long bad : new long[] {4, -5, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TABLE.take(Tensor.of(new long[] {0, bad})));
            assertTrue(e.getMessage().contains("at position [1]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TABLE.take(Tensor.of(new int[] {0, 1, Integer.MIN_VALUE})));
        assertTrue(e.getMessage().startsWith("index -2147483648 at position [2]"), e.getMessage());
    }
}
