package org.tensorkit.models.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.OutputBuffers;

class BatchesTest {
    private final INDArray x = Nd4j.createFromArray(new int[][] {{0}, {1}, {2}, {3}, {4}});
    private final INDArray y = Nd4j.createFromArray(10f, 11f, 12f, 13f, 14f);

    @Test
    void viewsCoverEveryRowInOrderAndAWholeBatchIsTheDataItself() {
        Batches b = Batches.views(List.of(x), y, 2);
        assertEquals(3, b.count());
        StringBuilder seen = new StringBuilder();
        while (b.next()) {
            seen.append(b.start()).append('-').append(b.end()).append(':')
                    .append(java.util.Arrays.toString(b.targets().toFloatVector())).append(' ');
        }
        assertEquals("0-2:[10.0, 11.0] 2-4:[12.0, 13.0] 4-5:[14.0] ", seen.toString());
        Batches whole = Batches.views(List.of(x), null, 8);
        assertTrue(whole.next());
        assertSame(x, whole.inputs().get(0));
    }

    @Test
    void copiesFollowTheOrderAndGoBackToThePoolOnRelease() {
        Batches b = Batches.copies(List.of(x), y, 3, new int[] {4, 0, 2, 1, 3});
        assertTrue(b.next());
        INDArray first = b.inputs().get(0);
        INDArray targets = b.targets();
        assertArrayEquals(new int[] {4, 0, 2}, first.data().asInt());
        assertArrayEquals(new float[] {14, 10, 12}, targets.toFloatVector(), 0f);
        b.releaseCopies();
        // back in the output pool: the next outputs of their dtype and size are made over the same buffers
        INDArray nextInts = OutputBuffers.uninitialized(DataType.INT, 3, 1);
        INDArray nextFloats = OutputBuffers.uninitialized(DataType.FLOAT, 3);
        assertSame(first.data(), nextInts.data(), "the ids' copy went back to the pool");
        assertSame(targets.data(), nextFloats.data(), "the targets' copy went back to the pool");
        OutputBuffers.release(nextInts);
        OutputBuffers.release(nextFloats);
        assertFalse(x.data().wasClosed(), "the data itself is not released");
        assertTrue(b.next());
        assertArrayEquals(new int[] {1, 3}, b.inputs().get(0).data().asInt());
        assertFalse(b.next());
    }
}
