package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RowSparseTest {
    private static INDArray rows(float[][] values) {
        return Nd4j.createFromArray(values);
    }

    /** Repeats within and across chunks add up in input order; the rows come in order of first appearance. */
    @Test
    void mergeSumsRepeatedRowsIntoAReusedBuffer() {
        RowSparse.Workspace index = new RowSparse.Workspace();
        float[] stale = new float[32];
        Arrays.fill(stale, 99f);
        RowSparse.Merged m = RowSparse.merge("t", 10, 2, List.of(new long[] {5, 2, 5}, new long[] {2, 7}),
                List.of(rows(new float[][] {{1, 2}, {3, 4}, {10, 20}}), rows(new float[][] {{0.5f, 0.5f}, {6, 6}})),
                index, stale);
        assertArrayEquals(new long[] {5, 2, 7}, m.rows());
        assertSame(stale, m.floats(), "summed into the caller's buffer");
        assertArrayEquals(new float[] {11, 22, 3.5f, 4.5f, 6, 6}, Arrays.copyOf(m.floats(), 6));
        assertEquals(Nd4j.createFromArray(new float[][] {{11, 22}, {3.5f, 4.5f}, {6, 6}}), m.array());

        // the next step reuses the buffer: nothing of the last step shows
        RowSparse.Merged next = RowSparse.merge("t", 10, 2, List.of(new long[] {1}),
                List.of(rows(new float[][] {{-1, -2}})), index, m.floats());
        assertArrayEquals(new long[] {1}, next.rows());
        assertArrayEquals(new float[] {-1, -2}, Arrays.copyOf(next.floats(), 2));
    }

    @Test
    void aTooSmallBufferIsReplacedAndRowsOutsideTheTableAreRefused() {
        RowSparse.Merged m = RowSparse.merge("t", 4, 2, List.<long[]>of(new long[] {3, 1}),
                List.of(rows(new float[][] {{1, 1}, {2, 2}})), new RowSparse.Workspace(), new float[1]);
        assertArrayEquals(new float[] {1, 1, 2, 2}, m.floats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowSparse.merge("table", 4,
                2, List.<long[]>of(new long[] {4}), List.of(rows(new float[][] {{1, 1}})), new RowSparse.Workspace(), null));
        assertEquals("row gradient of table names row 4, outside [0, 4)", e.getMessage());
    }
}
