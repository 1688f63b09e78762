package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RowSetTest {
    @Test
    void rowsBecomeSortedDisjointRanges() {
        RowSet s = RowSet.of(9, 3, 4, 3, 0, 1, 2, 20);
        assertArrayEquals(new long[] {0, 5, 9, 10, 20, 21}, s.ranges());
        assertEquals(7, s.size());
        assertEquals(21, s.end());
        assertEquals("RowSet [0, 5) [9, 10) [20, 21) (7 rows)", s.toString());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 9, 20}, s.toArray());
        assertEquals(RowSet.ofRanges(20, 21, 0, 3, 2, 5, 9, 10), s);
        assertEquals(s, RowSet.range(0, 5).union(RowSet.of(9)).union(RowSet.of(20)));
        assertTrue(RowSet.empty().isEmpty());
        assertEquals("RowSet (0 rows)", RowSet.range(4, 4).toString());
    }

    @Test
    void containsAndUnionAgreeWithABitSet() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            BitSet bits = new BitSet();
            RowSet set = RowSet.empty();
            for (int k = 0; k < 10; k++) {
                int start = rng.nextInt(100);
                int end = start + rng.nextInt(8);
                bits.set(start, end);
                set = rng.nextBoolean() ? set.union(RowSet.range(start, end))
                        : RowSet.range(start, end).union(set);
            }
            assertEquals(bits, set.toBitSet());
            assertEquals(bits.cardinality(), set.size());
            for (int r = 0; r < 110; r++) {
                assertEquals(bits.get(r), set.contains(r), "row " + r + " of " + set);
            }
        }
        assertFalse(RowSet.of(1).contains(-1));
    }

    @Test
    void refusesNegativeRowsAndBadRanges() {
        assertEquals("rows[1] = -2 is negative; rows are >= 0",
                assertThrows(IllegalArgumentException.class, () -> RowSet.of(1, -2)).getMessage());
        assertEquals("a row range needs 0 <= start <= end, got [5, 2)",
                assertThrows(IllegalArgumentException.class, () -> RowSet.range(5, 2)).getMessage());
        assertEquals("ranges come as start, end pairs; got 3 values",
                assertThrows(IllegalArgumentException.class, () -> RowSet.ofRanges(1, 2, 3)).getMessage());
    }
}
