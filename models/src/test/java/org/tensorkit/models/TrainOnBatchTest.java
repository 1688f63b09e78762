package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.Regularizers;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.Sgd;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/** Keras's {@code train_on_batch}: one step on the whole batch, returning the loss before the step. */
class TrainOnBatchTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    /** The MovieLens dot model in small: two embeddings, flatten, dot (optionally dropout on the users). */
    private static Model dotModel(long seed, boolean dropout) {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Embedding users = Embedding.builder().inputDim(20).outputDim(8).inputLength(1).seed(seed)
                .embeddingsRegularizer(Regularizers.l2(1e-3)).build();
        Embedding items = Embedding.builder().inputDim(30).outputDim(8).inputLength(1).seed(seed + 1).build();
        SymbolicTensor u = Flatten.create().call(users.call(user));
        if (dropout) {
            u = Dropout.builder().rate(0.3).seed(seed).build().call(u);
        }
        SymbolicTensor v = Flatten.create().call(items.call(item));
        return Model.builder().inputs(user, item).outputs(Dot.of(1).call(u, v)).build();
    }

    private static float[] ratings(int[] users, int[] items) {
        float[] r = new float[users.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = 0.2f * ((users[i] * 7 + items[i] * 3) % 11) - 1;
        }
        return r;
    }

    private static void assertSameWeights(Network a, Network b) {
        List<Tensor> wa = a.getWeights();
        List<Tensor> wb = b.getWeights();
        assertEquals(wa.size(), wb.size());
        for (int k = 0; k < wa.size(); k++) {
            assertArrayEquals(wa.get(k).unwrap().data().asFloat(), wb.get(k).unwrap().data().asFloat(), 0f,
                    "weight " + k);
        }
    }

    private static int[][] column(int[] ids) {
        int[][] c = new int[ids.length][];
        for (int k = 0; k < ids.length; k++) {
            c[k] = new int[] {ids[k]};
        }
        return c;
    }

    /**
     * A loop cycling over a few rank-1 id batches (their {@code (n, 1)} views are the last call's, pointed at the
     * next batch) steps as the same loop over fresh {@code (n, 1)} arrays: the same losses, the same weights.
     */
    @Test
    void aLoopOverRankOneBatchesStepsAsOneOverColumns() {
        int[][] users = {TestData.ids(16, 20, 3), TestData.ids(16, 20, 4), TestData.ids(16, 20, 5)};
        int[][] items = {TestData.ids(16, 30, 6), TestData.ids(16, 30, 7), TestData.ids(16, 30, 8)};
        List<List<Tensor>> flat = new java.util.ArrayList<>();
        for (int b = 0; b < users.length; b++) {
            flat.add(List.of(Tensor.of(users[b]), Tensor.of(items[b])));
        }
        Names.reset();
        Model cycled = dotModel(9, false);
        Names.reset();
        Model fresh = dotModel(9, false);
        cycled.compile(Adam.create(), Losses.mse());
        fresh.compile(Adam.create(), Losses.mse());
        for (int k = 0; k < 12; k++) {
            int b = k % users.length;
            Tensor r = Tensor.of(ratings(users[b], items[b]));
            double a = cycled.trainOnBatch(flat.get(b), r);
            double e = fresh.trainOnBatch(List.of(Tensor.of(column(users[b])), Tensor.of(column(items[b]))), r);
            assertEquals(e, a, 0.0, "step " + k);
        }
        assertSameWeights(fresh, cycled);
    }

    @Test
    void oneCallIsOneFullBatchStepOfFitWithTheSameLoss() {
        int[] u = TestData.ids(48, 20, 1);
        int[] i = TestData.ids(48, 30, 2);
        float[] r = ratings(u, i);
        for (boolean adam : new boolean[] {true, false}) {
            Names.reset();
            Model stepped = dotModel(5, false);
            Names.reset();
            Model fitted = dotModel(5, false);
            stepped.compile(adam ? Adam.create() : Sgd.builder().learningRate(0.1).momentum(0.5).build(), Losses.mae());
            fitted.compile(adam ? Adam.create() : Sgd.builder().learningRate(0.1).momentum(0.5).build(), Losses.mae());
            double before = stepped.evaluate(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r), 48).get("loss");

            double loss = stepped.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r));
            History h = fitted.fit(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r), FitOptions.builder().batchSize(48).epochs(1).shuffle(false)
                    .verbose(Verbosity.SILENT).build());

            assertEquals(h.get("loss").get(0), loss, 0.0, "the same step gives the same loss");
            // evaluate penalizes the whole regularized table, a step only the rows it touches
            assertTrue(loss <= before + 1e-12, "loss " + loss + " vs evaluate's " + before);
            assertSameWeights(stepped, fitted);
        }
    }

    @Test
    void stepsChangeTheWeightsLowerTheLossAndRepeatExactly() {
        int[] u = TestData.ids(64, 20, 3);
        int[] i = TestData.ids(64, 30, 4);
        float[] r = ratings(u, i);
        double[][] runs = new double[2][40];
        Model[] models = new Model[2];
        for (int run = 0; run < 2; run++) {
            Names.reset();
            Model m = dotModel(9, true); // dropout: the per-step seed must repeat too
            m.compile(Adam.builder().learningRate(0.05).build(), "mse");
            List<Tensor> initial = m.getWeights();
            for (int step = 0; step < runs[run].length; step++) {
                runs[run][step] = m.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r));
            }
            assertNotEquals(initial.get(0), m.getWeights().get(0));
            models[run] = m;
        }
        assertArrayEquals(runs[0], runs[1], 0.0, "same weights and calls, same losses to the last bit");
        assertSameWeights(models[0], models[1]);
        assertTrue(runs[0][39] < 0.5 * runs[0][0], "loss should fall: " + runs[0][0] + " -> " + runs[0][39]);
    }

    @Test
    void recompilingStartsAFreshOptimizer() {
        int[] u = TestData.ids(16, 20, 5);
        int[] i = TestData.ids(16, 30, 6);
        float[] r = ratings(u, i);
        Model m = dotModel(2, false);
        Adam first = Adam.create();
        m.compile(first, Losses.mae());
        m.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r));
        m.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r));
        assertEquals(2, first.iterations());
        Adam second = Adam.create();
        m.compile(second, Losses.mae());
        m.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r));
        assertEquals(2, first.iterations());
        assertEquals(1, second.iterations());
    }

    @Test
    void badCallsAreRejected() {
        Model m = dotModel(1, false);
        int[] u = TestData.ids(4, 20, 7);
        int[] i = TestData.ids(4, 30, 8);
        float[] r = ratings(u, i);
        IllegalStateException notCompiled = assertThrows(IllegalStateException.class,
                () -> m.trainOnBatch(List.of(Tensor.of(u), Tensor.of(i)), Tensor.of(r)));
        assertTrue(notCompiled.getMessage().contains("compile"), notCompiled.getMessage());
        Adam adam = Adam.create();
        m.compile(adam, Losses.mae());
        List<Tensor> x = List.of(Tensor.of(u), Tensor.of(i));
        assertThrows(IllegalArgumentException.class, () -> m.trainOnBatch(x, Tensor.of(new float[3])));
        assertThrows(IllegalArgumentException.class, () -> m.trainOnBatch(List.of(Tensor.of(u)), Tensor.of(r)));
        IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                () -> m.trainOnBatch(x, Tensor.scalar(3, DType.FLOAT32)));
        assertEquals("trainOnBatch: targets is a 0-d array of shape (); expected a batch, with the examples along "
                + "axis 0", scalar.getMessage());
        NullPointerException noTargets = assertThrows(NullPointerException.class, () -> m.trainOnBatch(x, null));
        assertEquals("trainOnBatch: targets is null; expected a Tensor", noTargets.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> m.trainOnBatch(List.of(Tensor.of(new int[0]), Tensor.of(new int[0])), Tensor.of(new float[0])));
        assertTrue(empty.getMessage().contains("non-empty"), empty.getMessage());
        assertEquals(0, adam.iterations(), "rejected calls take no step");
    }

    /**
     * A step releases its outputs and gradients when it ends: the pooled buffers come back at once, so after the
     * first steps the pool owns no more memory however many steps follow (without the release they would wait
     * for a garbage collection, and the pool would grow by a step's outputs every step until one came).
     */
    @Test
    void aStepReturnsItsBuffersToThePoolAtOnce() {
        Model m = dotModel(1, false);
        m.compile(Adam.create(), Losses.mse());
        int[] u = TestData.ids(256, 20, 5);
        int[] i = TestData.ids(256, 30, 6);
        List<Tensor> x = List.of(Tensor.of(u), Tensor.of(i));
        Tensor y = Tensor.of(ratings(u, i));
        for (int step = 0; step < 3; step++) {
            m.trainOnBatch(x, y);
        }
        long owned = OutputBuffers.ownedBytes();
        for (int step = 0; step < 50; step++) {
            m.trainOnBatch(x, y);
        }
        assertEquals(owned, OutputBuffers.ownedBytes(), "50 more steps took no new pooled memory");
    }
}
