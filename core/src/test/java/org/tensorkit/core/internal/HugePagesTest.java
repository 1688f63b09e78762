package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.testing.Smaps;

class HugePagesTest {
    private static final long HUGE = 2L << 20;

    @Test
    void theAdviceReachesTheKernelHere() {
        // the build targets linux-x86_64 only, and JNA comes with ND4J: the advice must be live, not silently off
        assertTrue(HugePages.available());
    }

    @Test
    void aLargeTableIsAdvisedOverItsAlignedInteriorAndKeepsItsValues() {
        // 51 MB, above glibc's largest mmap threshold (32 MiB): a mapping of its own, never advised before
        INDArray table = Nd4j.rand(DataType.FLOAT, 200_000, 64);
        INDArray before = table.dup();
        HugePages.Span span = HugePages.span(table);
        long address = table.data().address();
        long bytes = table.length() * Float.BYTES;

        assertEquals(0, span.start() % HUGE);
        assertEquals(0, span.end() % HUGE);
        assertTrue(span.start() >= address && span.start() - address < HUGE, "start " + span.start());
        assertTrue(span.end() <= address + bytes && address + bytes - span.end() < HUGE, "end " + span.end());
        assertFalse(Smaps.hugePagesAdvised(span), "not advised before the call");

        assertEquals(span.bytes(), HugePages.advise(table));
        assertTrue(Smaps.hugePagesAdvised(span));
        assertEquals(before, table);
    }

    @Test
    void aViewIsAdvisedThroughTheWholeBufferBehindIt() {
        INDArray both = Nd4j.zeros(DataType.FLOAT, 50_000, 128);
        INDArray firstHalf = both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 64));
        HugePages.Span span = HugePages.span(both);

        assertEquals(span, HugePages.span(firstHalf));
        assertEquals(span.bytes(), HugePages.advise(firstHalf));
        assertTrue(Smaps.hugePagesAdvised(span));
    }

    @Test
    void buffersBelowTheThresholdAreLeftAlone() {
        INDArray small = Nd4j.rand(DataType.FLOAT, 1_000, 64); // 256 KB
        assertEquals(0, HugePages.span(small).bytes());
        assertEquals(0, HugePages.advise(small));
        assertEquals(0, HugePages.advise(null));
        assertEquals(0, HugePages.advise(Nd4j.empty(DataType.FLOAT)));
    }
}
