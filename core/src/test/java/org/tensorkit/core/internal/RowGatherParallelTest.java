package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The gather of batches large enough to be split over threads, into pooled outputs. */
class RowGatherParallelTest {
    private static final int V = 1000;
    private static final int D = 32;
    /** 16384 rows of 128 bytes = 2 MiB: above ParallelRows.MIN_BYTES. */
    private static final int B = 16384;

    private final float[] table = new float[V * D];
    private final INDArray tableArray;

    RowGatherParallelTest() {
        for (int i = 0; i < table.length; i++) {
            table[i] = i * 0.5f;
        }
        tableArray = Nd4j.createFromArray(table).reshape(V, D);
    }

    private static int[] ids(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[B];
        for (int i = 0; i < B; i++) {
            ids[i] = r.nextInt(V);
        }
        return ids;
    }

    private float[] expected(int[] ids) {
        float[] out = new float[ids.length * D];
        for (int p = 0; p < ids.length; p++) {
            System.arraycopy(table, ids[p] * D, out, p * D, D);
        }
        return out;
    }

    private INDArray gather(INDArray indices) {
        INDArray out = OutputBuffers.uninitialized(DataType.FLOAT, indices.length(), D);
        RowGather.gather(tableArray, indices, false, out,
                (position, value) -> new IllegalArgumentException("bad " + position + " " + value));
        return out;
    }

    @Test
    void everyIdTypeGathersTheSameRows() {
        int[] ids = ids(1);
        float[] want = expected(ids);
        INDArray intIds = Nd4j.createFromArray(ids);
        for (DataType type : new DataType[] {DataType.INT, DataType.LONG, DataType.FLOAT, DataType.DOUBLE,
                DataType.SHORT}) {
            INDArray out = gather(intIds.castTo(type));
            assertArrayEquals(want, out.data().asFloat(), type.toString());
        }
    }

    @Test
    void theFirstBadIdInOrderIsReported() {
        int[] ids = ids(2);
        ids[B - 10] = V;      // late chunk
        ids[B / 2 + 3] = -1;  // middle chunk: the first one
        INDArray bad = Nd4j.createFromArray(ids);
        for (int run = 0; run < 20; run++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gather(bad));
            assertEquals("bad " + (B / 2 + 3) + " -1.0", e.getMessage());
        }
        float[] fractional = new float[B];
        fractional[B - 1] = 2.5f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gather(Nd4j.createFromArray(fractional)));
        assertEquals("bad " + (B - 1) + " 2.5", e.getMessage());
    }

    @Test
    void manyThreadsAtOnceGetTheirOwnRows() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = 100 + t;
                results.add(pool.submit(() -> {
                    int[] ids = ids(seed);
                    float[] want = expected(ids);
                    INDArray idArray = Nd4j.createFromArray(ids);
                    for (int i = 0; i < 20; i++) {
                        assertArrayEquals(want, gather(idArray).data().asFloat());
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
