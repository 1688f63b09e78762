package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.testing.HookLayer;
import org.tensorkit.layers.testing.NotebookFixture;

class PredictTest {
    private Embedding embedding;
    private Model model;   // Input (None, 1) -> Embedding -> (None, 1, 4)
    private Model model2;  // ... -> Flatten -> (None, 4)

    @BeforeEach
    void build() {
        Names.reset();
        embedding = NotebookFixture.embedding();
        SymbolicTensor x = Input.builder().shape(1).name("Input").build();
        model = Model.of(x, embedding.call(x));
        SymbolicTensor x2 = Input.builder().shape(1).name("Input").build();
        model2 = Model.of(x2, Flatten.create().call(embedding.call(x2)));
    }

    private static int[][] ids(int n) {
        int[][] ids = new int[n][1];
        for (int i = 0; i < n; i++) {
            ids[i][0] = (i * 7) % 10;
        }
        return ids;
    }

    /** keras functional_test.py::test_1d_inputs_expanded_to_2d: (n,) is read as (n, 1). */
    @Test
    void rank1InputIsExpanded() {
        Tensor out = model2.predict(Tensor.of(new int[] {3, 0, 9}));
        assertEquals(Shape.of(3, 4), out.shape());
        assertEquals(model2.predict(Tensor.of(new int[][] {{3}, {0}, {9}})), out);
        assertEquals(Shape.of(10, 1, 4), model.predict(Tensor.arange(10, DType.INT64)).shape());
    }

    @Test
    void everyInputTypeGivesTheSameResult() {
        Tensor expected = model2.predict(Tensor.of(new int[][] {{1}, {8}}));
        assertEquals(expected, model2.predict(Tensor.of(new int[][] {{1}, {8}})));
        assertEquals(expected, model2.predict(Tensor.of(new long[][] {{1}, {8}})));
        assertEquals(expected, model2.predict(Tensor.of(new long[] {1, 8})));
        assertEquals(expected, model2.predict(Tensor.of(new float[][] {{1}, {8}})));
        assertEquals(expected, model2.predict(Tensor.of(new float[] {1, 8})));
        assertEquals(expected, model2.predict(Tensor.of(new double[][] {{1}, {8}})));
        assertEquals(expected, model2.predict(Tensor.of(new double[] {1, 8})));
        INDArray nd = Tensor.of(new int[][] {{1}, {8}}).unwrap();
        assertEquals(expected, model2.predict(Tensor.wrap(nd)));
        assertEquals(expected, model2.predict(Tensor.wrap(nd), 1));
        assertEquals(expected, model2.predict(List.of(Tensor.wrap(nd))).get(0));
        assertEquals(DType.FLOAT32, expected.dtype());
    }

    /** keras embeddings_test.py::test_embedding_with_ragged_input (dense): float ids behind a float32 Input. */
    @Test
    void floatIdsBehindAFloatInput() {
        Embedding e = Embedding.builder().inputDim(3).outputDim(2)
                .weights(Tensor.of(new float[][] {{0, 0}, {1, 1}, {2, 2}})).build();
        SymbolicTensor x = Input.shape(Shape.UNKNOWN);
        Model m = Model.of(x, e.call(x));
        Tensor out = m.predict(Tensor.of(new float[][] {{1, 2, 2}}));
        assertEquals(Shape.of(1, 3, 2), out.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 2, 2}, out.toFloatArray());
    }

    @Test
    void severalBatchesEqualOneBatch() {
        Tensor data = Tensor.of(ids(100));
        Tensor whole = model.predict(data, 100);
        assertEquals(Shape.of(100, 1, 4), whole.shape());
        assertEquals(whole, model.predict(data)); // 4 batches of 32
        assertEquals(whole, model.predict(data, 7));
        assertEquals(whole, model.predict(data, 1));
        assertEquals(NotebookFixture.MATRIX.take(Tensor.of(ids(100))), whole);
        assertThrows(IllegalArgumentException.class, () -> model.predict(data, 0));
    }

    @Test
    void aBadIdNamesItsRowInTheWholeInput() {
        int[][] data = ids(100);
        data[40][0] = 12;
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.of(data)));
        assertTrue(ex.getMessage().contains("indices[40, 0] = 12 is not in [0, 10)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("My_embedding"), ex.getMessage());
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.of(data), 128));
        assertTrue(single.getMessage().contains("indices[40, 0] = 12"), single.getMessage());
    }

    /** tf.keras 2.1's shape check (spec section 7). */
    @Test
    void shapesAreCheckedAgainstTheInput() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.zeros(4, 1, 1)));
        assertEquals("Error when checking input: expected Input to have 2 dimensions, but got array with shape "
                + "(4, 1, 1)", rank.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.of(new int[][] {{1, 2}})));
        assertEquals("Error when checking input: expected Input to have shape (1,) but got array with shape (2,)",
                dim.getMessage());
    }

    @Test
    void wrongCountEmptyNullAndUnsupportedInputs() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> model.predict(List.of(Tensor.of(new int[] {1}), Tensor.of(new int[] {2}))));
        assertEquals("Layer model expects 1 input(s), but it received 2 input tensors. Inputs received: "
                + "[array(shape=(1,), dtype=int32), array(shape=(1,), dtype=int32)]", count.getMessage());
        assertEquals("Expect x to be a non-empty array or dataset.", assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.of(new int[0]))).getMessage());
        assertEquals("Expect x to be a non-empty array or dataset.", assertThrows(IllegalArgumentException.class,
                () -> model.predict(Tensor.zeros(0, 1))).getMessage());
        assertThrows(NullPointerException.class, () -> model.predict((Tensor) null));
        assertThrows(NullPointerException.class, () -> model.predict((List<Tensor>) null));
        List<Tensor> withNull = new ArrayList<>();
        withNull.add(null);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> model.predict(withNull));
        assertTrue(npe.getMessage().contains("input 0"), npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.scalar(3, DType.INT32)));
        assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.of(new int[][] {{1}, {2, 3}})));
    }

    @Test
    void outputsNeverAliasTheCallersData() {
        SymbolicTensor x = Input.shape(4);
        Model identity = Model.of(x, Flatten.create().call(x));
        Tensor data = Tensor.of(new float[][] {{1, 2, 3, 4}});
        Tensor out = identity.predict(data);
        assertEquals(data, out);
        assertNotSame(data.unwrap().data(), out.unwrap().data());
        data.unwrap().assign(0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, out.toFloatArray());

        Model both = Model.builder().inputs(x).outputs(x, x).build();
        List<Tensor> outs = both.predict(List.of(Tensor.of(new double[][] {{1, 2, 3, 4}})));
        assertEquals(DType.FLOAT32, outs.get(0).dtype());
        assertNotSame(outs.get(0).unwrap().data(), outs.get(1).unwrap().data());
    }

    @Test
    void concurrentPredictFromManyThreads() throws Exception {
        Tensor data = Tensor.of(ids(100));
        Tensor expected = model.predict(data);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Tensor>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Network m = i % 2 == 0 ? model : model2;
                results.add(pool.submit(() -> m.predict(data, 16)));
            }
            for (int i = 0; i < results.size(); i++) {
                Tensor got = results.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(i % 2 == 0 ? expected : expected.reshape(100, 4), got);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A setWeights that runs while a predict is under way, made to happen there deterministically: a hook layer in
     * the graph lets the writer swap the table at a known point of the reader's forward pass and waits for it.
     * After the Embedding has read the table, the swap cannot change that batch (all old rows); before it, the
     * whole batch reads the new table. Never a mix.
     */
    @Test
    void setWeightsDuringPredictNeverMixesValues() throws Exception {
        Tensor data = Tensor.of(ids(64));
        Tensor zeros = Tensor.zeros(DType.FLOAT32, 10, 4);
        Tensor ones = Tensor.ones(DType.FLOAT32, 10, 4);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (boolean hookAfterLookup : new boolean[] {true, false}) {
                Names.reset();
                Embedding table = NotebookFixture.embedding();
                table.setWeights(List.of(ones));
                CountDownLatch inPredict = new CountDownLatch(1);
                CountDownLatch swapped = new CountDownLatch(1);
                AtomicInteger hookRuns = new AtomicInteger();
                HookLayer hook = HookLayer.of("hook", () -> {
                    hookRuns.incrementAndGet();
                    inPredict.countDown();
                    await(swapped);
                });
                SymbolicTensor x = Input.builder().shape(1).name("Input").build();
                SymbolicTensor y = hookAfterLookup ? Flatten.create().call(hook.call(table.call(x)))
                        : Flatten.create().call(table.call(hook.call(x)));
                Model gated = Model.of(x, y);
                Future<float[]> reader = pool.submit(() -> gated.predict(data, 64).toFloatArray()); // one batch
                Future<?> writer = pool.submit(() -> {
                    await(inPredict); // the reader is inside its forward pass, at the hook
                    table.setWeights(List.of(zeros));
                    swapped.countDown();
                    return null;
                });
                writer.get(60, TimeUnit.SECONDS);
                float[] out = reader.get(60, TimeUnit.SECONDS);
                assertEquals(1, hookRuns.get(), "the predict ran its one batch through the hook");
                float expected = hookAfterLookup ? 1 : 0; // read before the swap: old table; after it: new
                for (float v : out) {
                    assertEquals(expected, v, "the batch saw another table than the one it read");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for the other thread (hang guard)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
