package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.HookLayer;

class PredictorTest {
    private static float[][] rows(int n, int d, float scale) {
        float[][] t = new float[n][d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                t[r][j] = scale * (r * d + j);
            }
        }
        return t;
    }

    /** Embedding(50, 8) + Flatten: a lookup model. */
    private static Model lookup() {
        SymbolicTensor in = Input.shape(1);
        Embedding e = Embedding.builder().inputDim(50).outputDim(8).weights(Tensor.of(rows(50, 8, 0.5f))).build();
        return Model.of(in, Flatten.create().call(e.call(in)));
    }

    /** Each call gives what {@code predict} gives; the previous result is closed, its memory reused. */
    @Test
    void eachCallEqualsPredictAndClosesTheLastResult() {
        Model model = lookup();
        try (Predictor p = model.predictor()) {
            Tensor first = p.predict(Tensor.of(new int[] {3, 1, 4, 1, 5}));
            try (Tensor expected = model.predict(Tensor.of(new int[] {3, 1, 4, 1, 5}))) {
                assertArrayEquals(expected.toFloatArray(), first.toFloatArray());
            }
            float[] firstValues = first.toFloatArray();
            org.nd4j.linalg.api.ndarray.INDArray firstArray = first.unwrap();
            Tensor second = p.predict(Tensor.of(new int[] {9, 2, 6, 5, 3}));
            assertTrue(first.isClosed(), "the last result is closed by the next call");
            IllegalStateException stale = assertThrows(IllegalStateException.class, first::toFloatArray);
            assertEquals("tensor is closed", stale.getMessage());
            Tensor third = p.predict(Tensor.of(new int[] {1, 1, 1, 1, 1}));
            assertSame(firstArray, third.unwrap(), "every other call writes into the same arrays");
            assertTrue(second.isClosed());
            second = p.predict(Tensor.of(new int[] {9, 2, 6, 5, 3}));
            try (Tensor expected = model.predict(Tensor.of(new int[] {9, 2, 6, 5, 3}))) {
                assertArrayEquals(expected.toFloatArray(), second.toFloatArray());
            }
            assertFalse(java.util.Arrays.equals(firstValues, second.toFloatArray()));
            Tensor other = p.predict(Tensor.of(new int[] {7, 7})); // another batch size: arrays of its own
            assertArrayEquals(new long[] {2, 8}, other.shape().toArray());
        }
    }

    /** A loop of calls whose results are never closed takes no memory from the pool after its first two. */
    @Test
    void aLoopThatNeverClosesItsResultsDoesNotGrow() {
        Model model = lookup();
        int[] ids = new int[4096];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 50;
        }
        Tensor x = Tensor.of(ids);
        try (Predictor p = model.predictor()) {
            p.predict(x);
            p.predict(x); // the second set of arrays
            long owned = OutputBuffers.ownedBytes();
            for (int call = 0; call < 500; call++) {
                Tensor out = p.predict(x); // 128 KiB per result, never closed
                assertEquals(0.5f * ((ids[call % 4096] * 8) + 7), out.unwrap().getFloat(call % 4096, 7));
            }
            assertEquals(owned, OutputBuffers.ownedBytes(), "the pool owns no more native memory");
        }
    }

    @Test
    void aModelOfTwoInputs() {
        SymbolicTensor u = Input.shape(1);
        SymbolicTensor i = Input.shape(1);
        Embedding users = Embedding.builder().inputDim(10).outputDim(4).weights(Tensor.of(rows(10, 4, 0.1f))).build();
        Embedding items = Embedding.builder().inputDim(10).outputDim(4).weights(Tensor.of(rows(10, 4, -0.2f))).build();
        Model model = Model.builder().inputs(u, i).outputs(Dot.of(1).call(Flatten.create().call(users.call(u)),
                Flatten.create().call(items.call(i)))).build();
        List<Tensor> x = List.of(Tensor.of(new int[] {1, 2, 3}), Tensor.of(new int[] {4, 5, 6}));
        try (Predictor p = model.predictor(); Tensor expected = model.predict(x).get(0)) {
            assertArrayEquals(expected.toFloatArray(), p.predict(x).get(0).toFloatArray());
            assertArrayEquals(expected.toFloatArray(), p.predict(x).get(0).toFloatArray());
        }
    }

    /** Bad input is refused before anything changes: the last result stays valid. */
    @Test
    void refusalsLeaveTheLastResultValid() {
        Model model = lookup();
        Predictor p = model.predictor();
        Tensor last = p.predict(Tensor.of(new int[] {1, 2}));
        float[] values = last.toFloatArray();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> p.predict(Tensor.of(new int[] {1, 50})));
        assertTrue(bad.getMessage().contains("is not in [0, 50)"), bad.getMessage());
        assertArrayEquals(values, last.toFloatArray(), "a refused call changes nothing");
        p.close();
        assertTrue(last.isClosed());
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> p.predict(Tensor.of(new int[] {1})));
        assertEquals("Predictor of model \"" + model.name() + "\" is closed", closed.getMessage());
        p.close(); // idempotent
    }

    /** One thread at a time: a call while another runs is refused, and the running call is unharmed. */
    @Test
    void aSecondThreadIsRefusedWhileACallRuns() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SymbolicTensor in = Input.shape(1);
        Embedding e = Embedding.builder().inputDim(5).outputDim(2).weights(Tensor.of(rows(5, 2, 1f))).build();
        Model model = Model.of(in, HookLayer.of("blocking", () -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        }).call(Flatten.create().call(e.call(in))));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Predictor p = model.predictor()) {
            Future<float[]> running = pool.submit(() -> p.predict(Tensor.of(new int[] {3})).toFloatArray());
            inside.await();
            IllegalStateException e2 = assertThrows(IllegalStateException.class,
                    () -> p.predict(Tensor.of(new int[] {1})));
            assertEquals("Predictor of model \"" + model.name() + "\" is running another call; use one Predictor "
                    + "per thread", e2.getMessage());
            IllegalStateException e3 = assertThrows(IllegalStateException.class, p::close);
            assertEquals("Predictor of model \"" + model.name() + "\" is running a call; close it from the thread "
                    + "that uses it", e3.getMessage());
            release.countDown();
            assertArrayEquals(new float[] {6, 7}, running.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
