package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** Split loops: every position once, the least bad one, failures, nesting, concurrent callers, reused jobs. */
class ParallelRowsTest {
    private static final long BIG = ParallelRows.MIN_BYTES; // a loop this size is split when there are helpers

    /** Counts how often each position of {@code [0, n)} is visited by one split loop. */
    private static AtomicIntegerArray visit(int n, int chunk) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        long bad = ParallelRows.run(n, chunk, BIG, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                seen.incrementAndGet(i);
            }
            return -1;
        });
        assertEquals(-1, bad);
        return seen;
    }

    private static void assertOnce(AtomicIntegerArray seen, String what) {
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), what + ": position " + i);
        }
    }

    @Test
    void everyPositionRunsOnceCallAfterCall() {
        for (int call = 0; call < 200; call++) { // the caller's job is reused every time
            int n = 1 + call * 37;
            assertOnce(visit(n, 1 + call % 7), "call " + call);
        }
    }

    @Test
    void theLeastBadPositionIsReportedWhoeverFindsIt() {
        for (int call = 0; call < 50; call++) {
            long bad = ParallelRows.run(10_000, 16, BIG, (lo, hi) -> lo <= 4321 && 4321 < hi ? 4321
                    : lo <= 9000 && 9000 < hi ? 9000 : -1);
            assertEquals(4321, bad);
        }
    }

    @Test
    void aBodysFailureIsRethrownAndTheNextLoopRuns() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ParallelRows.run(1000, 10, BIG, (lo, hi) -> {
                    if (lo == 500) {
                        throw boom;
                    }
                    return -1;
                }));
        assertSame(boom, e);
        assertOnce(visit(1000, 10), "after a failure");
    }

    @Test
    void aLoopSplitInsideALoopsBody() {
        AtomicIntegerArray seen = new AtomicIntegerArray(40 * 50);
        ParallelRows.run(40, 1, BIG, (lo, hi) -> {
            for (int outer = lo; outer < hi; outer++) {
                int base = outer * 50;
                ParallelRows.run(50, 5, BIG, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        seen.incrementAndGet(base + i);
                    }
                    return -1;
                });
            }
            return -1;
        });
        assertOnce(seen, "nested");
    }

    @Test
    void manyCallersAtOnceEachGetTheirWholeRange() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<AtomicIntegerArray>> results = new ArrayList<>();
            for (int k = 0; k < 300; k++) {
                int n = 500 + k;
                results.add(callers.submit(() -> visit(n, 3)));
            }
            for (int k = 0; k < results.size(); k++) {
                AtomicIntegerArray seen = results.get(k).get();
                assertEquals(500 + k, seen.length());
                assertOnce(seen, "caller " + k);
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
