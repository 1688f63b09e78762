package org.tensorkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    private final Tensor matrix = Tensor.arange(40, DType.FLOAT32).reshape(10, 4);

    @Test
    void arangeReshapeKeepsDtypeAndOrder() {
        assertEquals(Shape.of(10, 4), matrix.shape());
        assertEquals(DType.FLOAT32, matrix.dtype());
        assertArrayEquals(new float[] {12, 13, 14, 15}, matrix.get(3).toFloatArray());
        assertArrayEquals(new float[] {36, 37, 38, 39}, matrix.get(-1).toFloatArray());
    }

    @Test
    void getDropsTheFirstAxis() {
        assertEquals(Shape.of(4), matrix.get(3).shape());
        assertEquals(Shape.scalar(), matrix.get(3).get(1).shape());
        assertEquals(13.0, matrix.get(3).get(1).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> matrix.get(10));
        assertTrue(e.getMessage().contains("index 10 is out of bounds for axis 0 with size 10"), e.getMessage());
    }

    @Test
    void eyeIsFloat64AndOneHotDotSelectsARow() {
        Tensor onehot = Tensor.eye(10).get(3);
        assertEquals(DType.FLOAT64, onehot.dtype());
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, onehot.toDoubleArray());
        Tensor row = onehot.dot(matrix);
        assertEquals(DType.FLOAT64, row.dtype());
        assertEquals(Shape.of(4), row.shape());
        assertArrayEquals(new double[] {12, 13, 14, 15}, row.toDoubleArray());
        assertEquals(Tensor.oneHot(Tensor.of(3), 10).get(0), onehot);
    }

    @Test
    void dotCoversVectorAndMatrixCases() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor v = Tensor.of(1.0, 1.0);
        assertArrayEquals(new double[] {3, 7}, a.dot(v).toDoubleArray());
        assertArrayEquals(new double[] {4, 6}, v.dot(a).toDoubleArray());
        assertEquals(2.0, v.dot(v).item());
        assertEquals(Shape.scalar(), v.dot(v).shape());
        assertArrayEquals(new double[] {7, 10, 15, 22}, a.matmul(a).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> a.dot(Tensor.of(1.0, 2.0, 3.0)));
    }

    @Test
    void takeGathersRowsWithTheIndexShape() {
        Tensor rows = matrix.take(Tensor.of(new int[][] {{3}, {0}, {9}}));
        assertEquals(Shape.of(3, 1, 4), rows.shape());
        assertArrayEquals(new float[] {12, 13, 14, 15, 0, 1, 2, 3, 36, 37, 38, 39}, rows.toFloatArray());
        assertArrayEquals(new float[] {36, 37, 38, 39}, matrix.take(Tensor.of(-1L)).toFloatArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, matrix.take(Tensor.of(2.0f)).toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> matrix.take(Tensor.of(new int[][] {{1}, {10}})));
        assertTrue(e.getMessage().contains("index 10 at position [1, 0] is out of bounds for axis 0 with size 10"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> matrix.take(Tensor.of(2.5f)));
        assertThrows(IllegalArgumentException.class, () -> matrix.take(Tensor.of(Float.NaN)));
    }

    @Test
    void castTruncatesAndKeepsValues() {
        Tensor t = Tensor.of(3.9f, -0.5f).cast(DType.INT32);
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[] {3, 0}, t.toIntArray());
        assertEquals(DType.FLOAT64, Tensor.ones(10, 4).dtype());
        assertEquals(Tensor.ones(DType.FLOAT32, 10, 4), Tensor.ones(10, 4).cast(DType.FLOAT32));
    }

    @Test
    void allCloseUsesNumpyTolerances() {
        Tensor a = Tensor.of(1.0, 2.0);
        assertTrue(a.allClose(Tensor.of(1.0 + 1e-9, 2.0)));
        assertFalse(a.allClose(Tensor.of(1.001, 2.0)));
        assertFalse(a.allClose(Tensor.of(1.0, 2.0, 3.0)));
        assertFalse(Tensor.of(Double.NaN).allClose(Tensor.of(Double.NaN)));
    }

    @Test
    void factoriesRejectRaggedRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1 has 1 elements, row 0 has 2"), e.getMessage());
    }

    @Test
    void fullZerosAndScalar() {
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7, DType.FLOAT32, 3).toFloatArray());
        assertEquals(DType.FLOAT64, Tensor.zeros(2, 2).dtype());
        assertEquals(Shape.scalar(), Tensor.scalar(3, DType.FLOAT32).shape());
    }

    @Test
    void zeroLengthJavaArraysGiveEmptyTensors() {
        assertEquals(Shape.of(0), Tensor.of(new long[0]).shape());
        assertEquals(DType.INT64, Tensor.of(new long[0]).dtype());
        assertEquals(Shape.of(0), Tensor.of(new float[0]).shape());
        assertEquals(Shape.of(0, 0), Tensor.of(new int[0][]).shape());
        assertEquals(Shape.of(2, 0), Tensor.of(new double[][] {{}, {}}).shape());
        assertEquals("[]", Tensor.of(new float[0]).toString());
        assertEquals("array([], dtype=float32)", Tensor.of(new float[0]).repr());
    }
}
