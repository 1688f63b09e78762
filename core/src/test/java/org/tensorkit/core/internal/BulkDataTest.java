package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BulkDataTest {
    private static INDArray matrix() {
        return Nd4j.arange(20).castTo(DataType.FLOAT).reshape('c', 10, 2).dup('c');
    }

    /** Ids of every numeric dtype read into a reused array, as ND4J's cast gives them; a short array is refused. */
    @Test
    void readLongsIntoAnArrayCastsLikeNd4jAndRefusesAShortOne() {
        long[] into = new long[6];
        java.util.Arrays.fill(into, 99);
        for (INDArray ids : new INDArray[] {Nd4j.createFromArray(new int[][] {{3, -1}, {7, 0}}),
                Nd4j.createFromArray(new long[][] {{3, -1}, {7, 0}}),
                Nd4j.createFromArray(new float[][] {{3.9f, -1.5f}, {7, 0}}),
                Nd4j.createFromArray(new double[][] {{3.2, -1.0}, {7.99, 0}}),
                Nd4j.createFromArray(new int[][] {{9, 9}, {3, -1}, {7, 0}}).get(NDArrayIndex.interval(1, 3))}) {
            assertArrayEquals(ids.castTo(DataType.LONG).reshape(4).toLongVector(),
                    java.util.Arrays.copyOf(BulkData.readLongs(ids, into), 4), ids.dataType() + " " + ids.isView());
            assertEquals(99, into[4], "nothing written past the ids");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BulkData.readLongs(Nd4j.createFromArray(1, 2, 3), new long[2]));
        assertEquals("3 longs do not fit in an array of 2", e.getMessage());
    }

    @Test
    void readsViewsTransposesAndOtherTypesInCOrder() {
        INDArray m = matrix();
        assertTrue(NdArrays.isDense(m));
        INDArray rows = m.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
        assertFalse(NdArrays.isDense(rows));
        assertFalse(NdArrays.isDense(m.transpose()), "F-order strides");
        assertFalse(NdArrays.isDense(m.get(NDArrayIndex.all(), NDArrayIndex.point(1))), "a column");
        INDArray reshaped = m.reshape('c', 2, 5, 2); // a "view" to ND4J over the same memory in the same order
        assertTrue(NdArrays.isDense(reshaped), "a reshape is read in bulk, not copied");
        assertTrue(NdArrays.sharesMemory(reshaped, m));
        assertArrayEquals(BulkData.readFloats(m), BulkData.readFloats(reshaped));
        assertTrue(NdArrays.dense(reshaped) == reshaped, "no copy");
        assertArrayEquals(new float[] {6, 7, 8, 9, 10, 11}, BulkData.readFloats(rows));
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19},
                BulkData.readFloats(m.transpose()));
        assertArrayEquals(new long[] {6, 7, 8, 9, 10, 11}, BulkData.readLongs(rows));
        assertArrayEquals(new long[] {6, 8, 10}, BulkData.readLongs(rows.castTo(DataType.DOUBLE).getColumn(0)));
        assertArrayEquals(new long[] {3, -2, 7}, BulkData.readLongs(Nd4j.createFromArray(3.9f, -2.7f, 7f)));
        assertArrayEquals(new long[] {3, 4}, BulkData.readLongs(Nd4j.createFromArray(3, 4)));
        assertArrayEquals(new long[] {5, 1L << 40}, BulkData.readLongs(Nd4j.createFromArray(5L, 1L << 40)));
        assertThrows(IllegalArgumentException.class, () -> BulkData.readFloats(Nd4j.createFromArray(1.0, 2.0)));
    }

    @Test
    void floatsAndCopyRowsMakeFreshDenseArrays() {
        INDArray a = BulkData.floats(new float[] {1, 2, 3, 4, 5, 6, 99}, 2, 3);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}), a);
        assertThrows(IllegalArgumentException.class, () -> BulkData.floats(new float[2], 3));
        INDArray big = BulkData.floats(new float[8192], 8192); // from the output pool
        assertEquals(8192, big.length());

        INDArray m = matrix();
        INDArray copy = BulkData.copyRows(m, 3, 6);
        assertTrue(NdArrays.isDense(copy));
        assertEquals(m.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all()), copy);
        copy.putScalar(0, 0, -1);
        assertEquals(6f, m.getFloat(3, 0), "a copy, not a view");
        assertArrayEquals(new long[] {0, 2}, BulkData.copyRows(m, 4, 4).shape());
        INDArray fromView = BulkData.copyRows(m.get(NDArrayIndex.interval(2, 8), NDArrayIndex.all()), 1, 3);
        assertEquals(Nd4j.createFromArray(new float[][] {{6, 7}, {8, 9}}), fromView);
        assertThrows(IllegalArgumentException.class, () -> BulkData.copyRows(m, 5, 11));
    }

    @Test
    void gatherRowsCopiesRowsInTheGivenOrderAndRefusesBadPositions() {
        INDArray a = Nd4j.createFromArray(new int[][] {{0, 1}, {2, 3}, {4, 5}});
        int[] order = {2, 0, 1, 2};
        assertArrayEquals(new int[] {4, 5, 0, 1, 2, 3}, BulkData.gatherRows(a, order, 0, 3).data().asInt());
        assertArrayEquals(new int[] {2, 3, 4, 5}, BulkData.gatherRows(a, order, 2, 4).data().asInt());
        assertEquals("order positions [3, 5) of 4", assertThrows(IllegalArgumentException.class,
                () -> BulkData.gatherRows(a, order, 3, 5)).getMessage());
        assertEquals("row 3 is outside [0, 3)", assertThrows(IllegalArgumentException.class,
                () -> BulkData.gatherRows(a, new int[] {3}, 0, 1)).getMessage());
    }

    @Test
    void floatBufferWritesThrough() {
        INDArray m = matrix();
        BulkData.floatBuffer(m).put(5, 42f);
        assertEquals(42f, m.getFloat(2, 1));
        assertThrows(IllegalArgumentException.class,
                () -> BulkData.floatBuffer(m.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all())));
    }
}
