package org.tensorkit.models.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.HugePages;
import org.tensorkit.core.testing.Smaps;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.Sgd;
import org.tensorkit.models.optimizers.WeightGradient;

class OptimizerTest {
    private static final double[][] GRADS = {{0.5, -0.25}, {0.1, 0.3}, {-0.2, 0.0}};

    private static Weight weight(float[][] init) {
        return Embedding.builder().inputDim(init.length).outputDim(init[0].length).weights(Tensor.of(init)).build()
                .embeddings();
    }

    private static INDArray grad(int step) {
        return Nd4j.createFromArray(new float[][] {{(float) GRADS[step][0], (float) GRADS[step][1]}});
    }

    /** Keras's Adam on one scalar for three steps, in float64. */
    private static double kerasAdam(double w, int element) {
        double m = 0;
        double v = 0;
        for (int t = 1; t <= 3; t++) {
            double g = (float) GRADS[t - 1][element];
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            double lr = 0.001 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            w -= lr * m / (Math.sqrt(v) + 1e-7);
        }
        return w;
    }

    @Test
    void adamMatchesKerasFormulaDenseAndRows() {
        Weight dense = weight(new float[][] {{1f, -2f}});
        Weight rows = weight(new float[][] {{1f, -2f}});
        Adam a = Adam.create();
        Adam b = Adam.create();
        assertEquals(0.001, a.learningRate());
        assertEquals(1e-7, a.epsilon());
        for (int step = 0; step < 3; step++) {
            a.apply(List.of(WeightGradient.dense(dense, grad(step))));
            b.apply(List.of(WeightGradient.rows(rows, new long[] {0}, grad(step))));
        }
        assertEquals(3, a.iterations());
        assertEquals(kerasAdam(1, 0), dense.value().getDouble(0, 0), 1e-6);
        assertEquals(kerasAdam(-2, 1), dense.value().getDouble(0, 1), 1e-6);
        // a row gradient covering every row runs the very same computation
        assertEquals(dense.value(), rows.value());
    }

    @Test
    void lazyAdamTouchesOnlyTheRowsOfTheStep() {
        float[][] init = {{1, 1}, {2, 2}, {3, 3}, {4, 4}};
        Weight w = weight(init);
        Adam adam = Adam.create();
        INDArray g = Nd4j.createFromArray(new float[][] {{0.5f, -0.5f}});
        adam.apply(List.of(WeightGradient.rows(w, new long[] {1}, g.dup())));
        adam.apply(List.of(WeightGradient.rows(w, new long[] {3}, g.dup())));
        adam.apply(List.of(WeightGradient.rows(w, new long[] {1}, g.dup())));
        assertArrayEquals(new float[] {1, 1}, w.value().getRow(0).toFloatVector());
        assertArrayEquals(new float[] {3, 3}, w.value().getRow(2).toFloatVector());
        // row 3: one step at t = 2 from zero moments
        double lr2 = 0.001 * Math.sqrt(1 - Math.pow(0.999, 2)) / (1 - Math.pow(0.9, 2));
        double step3 = lr2 * (0.1 * 0.5) / (Math.sqrt(0.001 * 0.25) + 1e-7);
        assertEquals(4 - step3, w.value().getDouble(3, 0), 1e-6);
        // row 1: steps at t = 1 and t = 3; its moments did not decay at t = 2 (LazyAdam)
        double lr1 = 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9);
        double m = 0.05;
        double v = 0.00025;
        double after1 = 2 - lr1 * m / (Math.sqrt(v) + 1e-7);
        m = 0.9 * m + 0.05;
        v = 0.999 * v + 0.00025;
        double lr3 = 0.001 * Math.sqrt(1 - Math.pow(0.999, 3)) / (1 - Math.pow(0.9, 3));
        assertEquals(after1 - lr3 * m / (Math.sqrt(v) + 1e-7), w.value().getDouble(1, 0), 1e-6);
    }

    /** Keras's SGD on one scalar for three steps, in float64. */
    private static double kerasSgd(double w, int element, double lr, double momentum, boolean nesterov) {
        double velocity = 0;
        for (int t = 0; t < 3; t++) {
            double g = (float) GRADS[t][element];
            if (momentum == 0) {
                w -= lr * g;
            } else {
                velocity = momentum * velocity - lr * g;
                w += nesterov ? momentum * velocity - lr * g : velocity;
            }
        }
        return w;
    }

    @Test
    void sgdVariantsMatchKerasFormulas() {
        for (double momentum : new double[] {0, 0.9}) {
            for (boolean nesterov : new boolean[] {false, true}) {
                Weight dense = weight(new float[][] {{1f, -2f}});
                Weight rows = weight(new float[][] {{1f, -2f}});
                Sgd a = Sgd.builder().learningRate(0.1).momentum(momentum).nesterov(nesterov).build();
                Sgd b = Sgd.builder().learningRate(0.1).momentum(momentum).nesterov(nesterov).build();
                for (int step = 0; step < 3; step++) {
                    a.apply(List.of(WeightGradient.dense(dense, grad(step))));
                    b.apply(List.of(WeightGradient.rows(rows, new long[] {0}, grad(step))));
                }
                String what = "momentum " + momentum + " nesterov " + nesterov;
                assertEquals(kerasSgd(1, 0, 0.1, momentum, nesterov), dense.value().getDouble(0, 0), 1e-6, what);
                assertEquals(kerasSgd(-2, 1, 0.1, momentum, nesterov), dense.value().getDouble(0, 1), 1e-6, what);
                assertEquals(dense.value(), rows.value(), what);
            }
        }
        assertEquals(0.01, Sgd.create().learningRate());
    }

    @Test
    void lazyMomentumKeepsAbsentRowsAndTheirVelocity() {
        Weight w = weight(new float[][] {{1, 1}, {2, 2}});
        Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).build();
        INDArray g = Nd4j.createFromArray(new float[][] {{1f, 1f}});
        sgd.apply(List.of(WeightGradient.rows(w, new long[] {0}, g.dup())));    // v0 = -0.1, w0 = 0.9
        sgd.apply(List.of(WeightGradient.rows(w, new long[] {1}, g.dup())));    // row 0 does not coast
        assertEquals(0.9, w.value().getDouble(0, 0), 1e-7);
        sgd.apply(List.of(WeightGradient.rows(w, new long[] {0}, g.dup())));    // v0 = -0.19, w0 = 0.71
        assertEquals(0.71, w.value().getDouble(0, 0), 1e-6);
        assertEquals(1.9, w.value().getDouble(1, 0), 1e-6);
    }

    @Test
    void builderArgumentsAreChecked() {
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> Sgd.builder().momentum(1.5));
        assertEquals("`momentum` must be between [0, 1]. Received: momentum=1.5", m.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adam.builder().learningRate(0))
                .getMessage().contains("got 0.0"));
        assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta1(1));
        assertThrows(IllegalArgumentException.class, () -> Adam.builder().epsilon(-1));
        assertEquals(DataType.FLOAT, weight(new float[][] {{1}}).value().dataType());
    }

    @Test
    void aLargeTableAndItsAdamMomentsAreAdvisedHugePagesAtTheirFirstRowStep() {
        Weight w = Embedding.builder().inputDim(100_000).outputDim(64).build().embeddings();
        Adam adam = Adam.create();
        adam.apply(List.of(WeightGradient.rows(w, new long[] {7}, Nd4j.ones(DataType.FLOAT, 1, 64))));
        INDArray[] moments = adam.slots(w);
        HugePages.Span span = HugePages.span(moments[0]);
        assertEquals(span, HugePages.span(moments[1]), "m and v interleaved in one buffer");
        assertTrue(span.bytes() > 2 * w.value().length() * Float.BYTES - (4 << 20), "the whole buffer of both");
        assertTrue(Smaps.hugePagesAdvised(span));
        assertTrue(Smaps.hugePagesAdvised(HugePages.span(w.value())));

        adam.restoreState(1, List.of(w), adam.state(List.of(w))); // new slot arrays, advised at their first step
        adam.apply(List.of(WeightGradient.rows(w, new long[] {7}, Nd4j.ones(DataType.FLOAT, 1, 64))));
        assertTrue(Smaps.hugePagesAdvised(HugePages.span(adam.slots(w)[0])));
    }
}
