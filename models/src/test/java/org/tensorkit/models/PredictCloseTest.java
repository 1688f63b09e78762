package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;

/** {@link Tensor#close()} on predict results: the buffer goes back to the pool at once, and only that. */
class PredictCloseTest {
    private static final int V = 50;
    private static final int D = 64; // rows of 256 bytes
    private Model model;

    @BeforeEach
    void build() {
        Names.reset();
        float[][] table = new float[V][D];
        for (int r = 0; r < V; r++) {
            for (int c = 0; c < D; c++) {
                table[r][c] = r * 1000 + c;
            }
        }
        Embedding embedding = Embedding.builder().inputDim(V).outputDim(D).weights(Tensor.of(table)).build();
        SymbolicTensor in = Input.builder().shape(1).dtype(DType.INT32).build();
        model = Model.of(in, Flatten.create().call(embedding.call(in)));
    }

    private static int[][] ids(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] ids = new int[n][1];
        for (int[] id : ids) {
            id[0] = r.nextInt(V);
        }
        return ids;
    }

    private static void assertRows(int[][] ids, Tensor out) {
        float[] got = out.toFloatArray();
        assertEquals(ids.length * D, got.length);
        for (int p = 0; p < ids.length; p++) {
            for (int c = 0; c < D; c++) {
                if (got[p * D + c] != ids[p][0] * 1000 + c) {
                    throw new AssertionError("row " + p + " col " + c + ": " + got[p * D + c] + " for id " + ids[p][0]);
                }
            }
        }
    }

    @Test
    void closingAResultLetsTheNextPredictReuseItsBuffer() {
        int[][] a = ids(100, 1);
        int[][] b = ids(100, 2);
        Tensor first = model.predict(Tensor.of(a), 100);
        assertRows(a, first);
        long address = first.unwrap().data().address();
        first.close();
        try (Tensor second = model.predict(Tensor.of(b), 100)) {
            assertEquals(address, second.unwrap().data().address());
            assertRows(b, second);
        }
    }

    @Test
    void resultsUsedAfterCloseThrow() {
        Tensor out = model.predict(Tensor.of(ids(3, 3)));
        out.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, out::toFloatArray);
        assertEquals("tensor is closed", e.getMessage());
        assertThrows(IllegalStateException.class, out::unwrap);
        out.close(); // idempotent
    }

    @Test
    void closingAResultThatWouldAliasTheInputLeavesTheUserArrayIntact() {
        SymbolicTensor in = Input.builder().shape(3).build();
        Model flatten = Model.of(in, Flatten.create().call(in)); // (None, 3) -> (None, 3): a view of the input
        INDArray user = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor out = flatten.predict(Tensor.wrap(user));
        out.close();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, user.data().asFloat());
        assertTrue(!user.data().wasClosed());
        user.addi(1);
        assertEquals(27.0, user.sumNumber().doubleValue());
    }

    @Test
    void closingFromOneThreadWhileOthersPredict() throws Exception {
        LinkedBlockingQueue<Tensor> toClose = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    int[][] kept = ids(64, 1000 + seed);
                    Tensor keptOut = model.predict(Tensor.of(kept), 64); // never closed: survives the closes
                    for (int i = 0; i < 400; i++) {
                        int[][] x = ids(1 + i % 80, seed * 10_000 + i);
                        Tensor out = model.predict(Tensor.of(x), 128);
                        assertRows(x, out);
                        toClose.add(out); // closed by another thread
                    }
                    assertRows(kept, keptOut);
                    return null;
                }));
            }
            Future<?> closer = pool.submit(() -> {
                int closed = 0;
                while (closed < 1200) {
                    Tensor t = toClose.poll(10, TimeUnit.SECONDS);
                    if (t == null) {
                        throw new AssertionError("predictors stalled after " + closed);
                    }
                    t.close();
                    closed++;
                }
                return null;
            });
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
            closer.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }
}
