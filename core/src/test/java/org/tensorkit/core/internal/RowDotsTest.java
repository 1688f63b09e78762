package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.testing.Similarity;

class RowDotsTest {
    @Test
    void dotsOfEveryRowSplitOverTheCoresMatchADoubleReference() {
        Nd4j.getRandom().setSeed(9);
        INDArray table = Nd4j.randn(DataType.FLOAT, 50_000, 13);     // over 1 MiB: split over the helpers
        float[] query = Nd4j.randn(DataType.FLOAT, 13).toFloatVector();
        float[] out = new float[50_000];
        RowDots.dots(table, query, out);
        for (int r = 0; r < 50_000; r += 997) {
            assertEquals(Similarity.dot(table.getRow(r).toFloatVector(), query), out[r], 1e-4, "row " + r);
        }
    }

    @Test
    void refusesTablesItCannotReadInPlace() {
        assertEquals("RowDots needs a dense float32 table, got INT [2, 2]", assertThrows(IllegalArgumentException.class,
                () -> RowDots.dots(Nd4j.create(DataType.INT, 2, 2), new float[2], new float[2])).getMessage());
        INDArray view = Nd4j.create(DataType.FLOAT, 4, 4).transpose();
        assertThrows(IllegalArgumentException.class, () -> RowDots.dots(view, new float[4], new float[4]));
    }
}
