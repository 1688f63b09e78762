package org.tensorkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void printsAsAPythonTuple() {
        assertEquals("(None, 1, 4)", Shape.batchOf(1, 4).toString());
        assertEquals("(None,)", Shape.batchOf().toString());
        assertEquals("()", Shape.scalar().toString());
        assertEquals("(3, 2)", Shape.of(3, 2).toString());
        assertEquals("[(None, 1), (None, 2)]", Shape.toString(List.of(Shape.batchOf(1), Shape.batchOf(2))));
    }

    @Test
    void isAValue() {
        assertEquals(Shape.of(2L, 3L), Shape.of(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2L, 3L).hashCode());
        long[] dims = {1, 2};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        assertEquals(1, s.dim(0));
        s.toArray()[0] = 9;
        assertEquals(1, s.dim(0));
    }

    @Test
    void compatibilityIgnoresUnknownDims() {
        assertTrue(Shape.batchOf(1).isCompatibleWith(Shape.of(32, 1)));
        assertFalse(Shape.batchOf(1).isCompatibleWith(Shape.of(32, 2)));
        assertFalse(Shape.batchOf(1).isCompatibleWith(Shape.of(32)));
    }

    @Test
    void sizeAndSlicing() {
        assertEquals(24, Shape.of(2, 3, 4).size());
        assertEquals(Shape.of(3, 4), Shape.of(2, 3, 4).drop(1));
        assertEquals(Shape.of(2), Shape.of(2, 3, 4).take(1));
        assertEquals(Shape.of(2, 3, 5), Shape.of(2, 3).append(5));
        assertEquals(-1, Shape.batchOf(4).dim(0));
        assertEquals(4, Shape.batchOf(4).dim(-1));
        assertThrows(IllegalStateException.class, () -> Shape.batchOf(4).size());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(-2));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2).dim(1));
    }

    @Test
    void axisArithmeticFollowsNumpy() {
        assertEquals(1, Shape.normalizeAxis(-1, 2));
        assertEquals(0, Shape.normalizeAxis(0, 2));
        assertEquals(true, Shape.isValidAxis(-2, 2));
        assertEquals(false, Shape.isValidAxis(2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.normalizeAxis(2, 2));
        assertEquals("axis 2 is out of bounds for an array of rank 2", e.getMessage());
        assertEquals(3, Shape.of(2, 3, 4).normalizeAxis(-2) + 2);
        assertArrayEquals(new int[] {0, 2, 3, 1}, Shape.moveAxis(4, 1, 3));
        assertArrayEquals(new int[] {0, 3, 1, 2}, Shape.moveAxis(4, 3, 1));
        assertArrayEquals(new int[] {1, 2, 0}, Shape.moveAxis(3, 0, -1));
        assertArrayEquals(new int[] {0, 3, 1, 2}, Shape.invertPermutation(0, 2, 3, 1));
        assertEquals(Shape.of(2, 4, 5, 3), Shape.of(2, 3, 4, 5).permute(Shape.moveAxis(4, 1, 3)));
        assertThrows(IllegalArgumentException.class, () -> Shape.invertPermutation(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).permute(0));
    }
}
