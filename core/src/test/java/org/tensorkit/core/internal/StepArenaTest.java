package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StepArenaTest {
    /** The k-th output of a step is the k-th of the previous step when dtype and shape match, else a new array. */
    @Test
    void aStepGetsThePreviousStepsArraysBackInOrder() {
        try (StepArena arena = new StepArena()) {
            arena.enter();
            INDArray a = OutputBuffers.uninitialized(DataType.FLOAT, 64, 4);
            INDArray b = OutputBuffers.uninitialized(DataType.INT, 64);
            float[] work = arena.floats(100);
            arena.exit();

            arena.enter();
            assertSame(a, OutputBuffers.uninitialized(DataType.FLOAT, 64, 4));
            INDArray other = OutputBuffers.uninitialized(DataType.INT, 32); // another size: a new array
            assertNotSame(b, other);
            assertArrayEquals(new long[] {32}, other.shape());
            assertSame(work, arena.floats(50), "a smaller request gets the same array");
            assertNotSame(arena.floats(10), arena.floats(200), "the next request its own array, a larger one a new one");
            arena.exit();
        }
    }

    /** Outside an entered arena, outputs are fresh; inside, released arena arrays stay valid and are not reused. */
    @Test
    void releasingAnArenaArrayLeavesItToTheArena() {
        try (StepArena arena = new StepArena()) {
            arena.enter();
            INDArray a = OutputBuffers.uninitialized(DataType.FLOAT, 256);
            a.assign(7);
            assertTrue(arena.owns(a));
            assertTrue(arena.owns(NdArrays.reshape(a, 16, 16)), "a view of an arena array is the arena's memory");
            OutputBuffers.release(a); // what a step's cleanup does: a no-op for the arena's arrays
            arena.exit();

            INDArray outside = OutputBuffers.uninitialized(DataType.FLOAT, 256); // from the pool, not the arena
            outside.assign(-1);
            assertFalse(arena.owns(outside));
            assertEquals(7f * 256, a.sumNumber().floatValue(), "the pool did not hand the arena's array out again");
            OutputBuffers.release(outside);
        }
    }

    /** A reshape of the same array to the same shape in the same place of a step is the previous step's view. */
    @Test
    void reshapesAreReusedForTheSameArrayAndShape() {
        try (StepArena arena = new StepArena()) {
            arena.enter();
            INDArray a = OutputBuffers.uninitialized(DataType.FLOAT, 8, 8);
            INDArray v = NdArrays.reshape(a, 64);
            arena.exit();

            arena.enter();
            INDArray again = OutputBuffers.uninitialized(DataType.FLOAT, 8, 8);
            assertSame(a, again);
            assertSame(v, NdArrays.reshape(again, 64));
            INDArray other = NdArrays.reshape(again, 4, 16);
            assertArrayEquals(new long[] {4, 16}, other.shape());
            arena.exit();
        }
    }

    /** The view of another array of the same dtype and shape is the same object, showing that array's values. */
    @Test
    void aReshapeOfTheNextBatchIsTheSameViewOverItsBuffer() {
        INDArray first = org.nd4j.linalg.factory.Nd4j.createFromArray(1, 2, 3);
        INDArray second = org.nd4j.linalg.factory.Nd4j.createFromArray(7, 8, 9);
        INDArray longs = org.nd4j.linalg.factory.Nd4j.createFromArray(4L, 5L, 6L);
        try (StepArena arena = new StepArena()) {
            arena.enter();
            INDArray v = NdArrays.reshape(first, 3, 1);
            arena.exit();

            arena.enter();
            INDArray w = NdArrays.reshape(second, 3, 1);
            assertSame(v, w);
            assertArrayEquals(new long[] {3, 1}, w.shape());
            assertArrayEquals(new int[] {7, 8, 9}, w.data().asInt());
            assertEquals(9, w.getInt(2, 0));
            second.putScalar(1, 80);
            assertEquals(80, w.getInt(1, 0), "the view shares the batch's memory");
            assertArrayEquals(new int[] {1, 2, 3}, first.toIntVector(), "the first batch is untouched");
            arena.exit();

            arena.enter();
            INDArray x = NdArrays.reshape(longs, 3, 1);     // another dtype: a view of its own
            assertEquals(DataType.LONG, x.dataType());
            assertEquals(6L, x.getLong(2, 0));
            arena.exit();
        }
    }

    @Test
    void oneArenaAtATimePerThread() {
        try (StepArena first = new StepArena(); StepArena second = new StepArena()) {
            first.enter();
            IllegalStateException e = assertThrows(IllegalStateException.class, second::enter);
            assertEquals("a step arena is already entered on this thread", e.getMessage());
            first.exit();
            second.enter(); // the refusal changed nothing: the thread is free once the first exits
            second.exit();
        }
    }
}
