package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RowIndexTest {
    @Test
    void slotsFollowFirstAppearanceAndRepeatsFindTheirSlot() {
        RowIndex index = new RowIndex();
        assertEquals(0, index.slot(40));
        assertEquals(1, index.slot(7));
        assertEquals(0, index.slot(40));
        assertEquals(2, index.slot(Long.MAX_VALUE));
        assertEquals(1, index.slot(7));
        assertEquals(3, index.size());
        assertArrayEquals(new long[] {40, 7, Long.MAX_VALUE}, rows(index));
        index.reset();
        assertEquals(0, index.size());
        assertEquals(0, index.slot(7), "after a reset the rows start over");
        assertArrayEquals(new long[] {7}, rows(index));
    }

    /** Against a LinkedHashMap, over growth and many resets, with ids that collide in the low bits. */
    @Test
    void agreesWithAMapThroughGrowthAndResets() {
        RowIndex index = new RowIndex();
        SplittableRandom rng = new SplittableRandom(11);
        for (int round = 0; round < 50; round++) {
            index.reset();
            Map<Long, Integer> expected = new LinkedHashMap<>();
            int n = rng.nextInt(1, 5_000);
            for (int k = 0; k < n; k++) {
                long row = rng.nextBoolean() ? rng.nextLong(0, 300) : rng.nextLong(0, 64) << 20;
                int slot = expected.computeIfAbsent(row, r -> expected.size());
                assertEquals(slot, index.slot(row));
            }
            assertEquals(expected.size(), index.size());
            assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), rows(index));
        }
    }

    /** The index's distinct rows, in order of first appearance, as {@link RowIndex#copyRows} lists them. */
    private static long[] rows(RowIndex index) {
        long[] rows = new long[index.size()];
        index.copyRows(rows);
        return rows;
    }
}
