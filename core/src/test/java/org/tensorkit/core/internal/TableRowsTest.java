package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TableRowsTest {
    private static INDArray table(int rows, int width) {
        float[] v = new float[rows * width];
        for (int k = 0; k < v.length; k++) {
            v[k] = k;
        }
        return Nd4j.createFromArray(v).reshape(rows, width);
    }

    @Test
    void readsAndWritesSegmentsOfRowsInPlace() {
        INDArray t = table(5, 6);
        TableRows rows = TableRows.of(t, 6);
        float[] into = new float[10];
        rows.read(3, 2, into, 4, 3);
        assertArrayEquals(new float[] {0, 0, 0, 0, 20, 21, 22, 0, 0, 0}, into);
        rows.write(1, 4, new float[] {-1, -2, -3}, 1, 2);
        assertArrayEquals(new float[] {6, 7, 8, 9, -2, -3}, t.getRow(1).toFloatVector());
        float[] expected = table(5, 6).data().asFloat();
        expected[10] = -2;
        expected[11] = -3;
        assertArrayEquals(expected, t.data().asFloat(), "nothing else moved");
    }

    @Test
    void interleavedRowsAreRowsOfTheirCombinedWidth() {
        INDArray both = table(4, 8); // rows of m (4 floats) then v (4 floats)
        TableRows rows = TableRows.of(both, 8);
        float[] v = new float[4];
        rows.read(2, 4, v, 0, 4);
        assertArrayEquals(new float[] {20, 21, 22, 23}, v);
    }

    @Test
    void everyRangeIsCheckedBeforeMemoryIsTouched() {
        INDArray t = table(5, 6);
        INDArray before = t.dup();
        TableRows rows = TableRows.of(t, 6);
        float[] a = new float[6];
        assertEquals("row 5 floats [0, 6) of a table of 5 rows of 6, at 0 of an array of 6",
                assertThrows(IndexOutOfBoundsException.class, () -> rows.read(5, 0, a, 0, 6)).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> rows.read(-1, 0, a, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.read(0, 4, a, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.write(0, 0, a, 1, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.write(0, 0, a, -1, 2));
        assertEquals(before, t);
        assertThrows(IllegalArgumentException.class, () -> TableRows.of(t, 4));
        assertThrows(IllegalArgumentException.class, () -> TableRows.of(t.castTo(DataType.DOUBLE), 6));
        assertThrows(IllegalArgumentException.class, () -> TableRows.of(t.getColumn(1), 1));
    }
}
