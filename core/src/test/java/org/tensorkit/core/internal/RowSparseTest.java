package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RowSparseTest {
    private static INDArray rows(float[][] values) {
        return Nd4j.createFromArray(values);
    }

    /** Repeats within and across contributions add up in input order; the rows come in order of first appearance. */
    @Test
    void mergeSumsRepeatedRowsIntoArraysReusedFromStepToStep() {
        RowSparse.Workspace workspace = new RowSparse.Workspace();
        RowSparse.Rows rows = new RowSparse.Rows();
        rows.add(new long[] {5, 2, 5}, rows(new float[][] {{1, 2}, {3, 4}, {10, 20}}));
        rows.addIds(Nd4j.createFromArray(new int[] {2, 7}), rows(new float[][] {{0.5f, 0.5f}, {6, 6}}));
        RowSparse.Merged m = RowSparse.merge("t", 10, 2, rows, workspace);
        assertEquals(3, m.count());
        assertArrayEquals(new long[] {5, 2, 7}, m.distinctRows());
        assertArrayEquals(new float[] {11, 22, 3.5f, 4.5f, 6, 6}, Arrays.copyOf(m.floats(), 6));
        assertEquals(Nd4j.createFromArray(new float[][] {{11, 22}, {3.5f, 4.5f}, {6, 6}}), m.array());

        // the next step reuses the arrays: nothing of the last step shows
        rows.clear();
        rows.addIds(Nd4j.createFromArray(new float[] {1}), rows(new float[][] {{-1, -2}}));
        RowSparse.Merged next = RowSparse.merge("t", 10, 2, rows, workspace);
        assertSame(m.floats(), next.floats(), "summed into the same array");
        assertSame(m.rows(), next.rows(), "rows listed in the same array");
        assertEquals(1, next.count());
        assertArrayEquals(new long[] {1}, next.distinctRows());
        assertArrayEquals(new float[] {-1, -2}, Arrays.copyOf(next.floats(), 2));
    }

    /** Every row once, over several contributions: each is read straight into its place among the sums. */
    @Test
    void distinctRowsOfSeveralContributionsAreTheirSumsInOrder() {
        RowSparse.Rows rows = new RowSparse.Rows();
        rows.add(new long[] {3, 1}, rows(new float[][] {{1, 2}, {3, 4}}));
        rows.addIds(Nd4j.createFromArray(new int[] {0, 8, 9}), rows(new float[][] {{5, 6}, {7, 8}, {9, 10}}));
        RowSparse.Merged m = RowSparse.merge("t", 10, 2, rows, new RowSparse.Workspace());
        assertArrayEquals(new long[] {3, 1, 0, 8, 9}, m.distinctRows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Arrays.copyOf(m.floats(), 10));
    }

    @Test
    void rowsOutsideTheTableAreRefused() {
        RowSparse.Rows rows = new RowSparse.Rows();
        rows.addIds(Nd4j.createFromArray(new long[] {4}), rows(new float[][] {{1, 1}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowSparse.merge("table", 4, 2, rows, new RowSparse.Workspace()));
        assertEquals("row gradient of table names row 4, outside [0, 4)", e.getMessage());
    }
}
