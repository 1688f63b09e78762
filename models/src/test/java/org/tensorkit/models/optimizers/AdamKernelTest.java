package org.tensorkit.models.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.RowSparse;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.WeightGradient;

/**
 * The row-sparse Adam step runs in Java; it must be ND4J's {@code adam_updater} op to the last bit: the same
 * table, moments and gradients through the op (as a dense step on the gathered rows) and through
 * {@link Adam#apply} give identical floats, step after step.
 */
class AdamKernelTest {
    @Test
    void theJavaLazyStepIsTheNd4jKernelBitForBit() {
        sameBitsAsTheKernel(50, 16, 8, 25);
    }

    /**
     * A step large enough (a few MiB of rows) to be cut into chunks and split over the parallel helpers gives the
     * same bits as the kernel: the rows are distinct, so no two chunks touch the same floats.
     */
    @Test
    void aLargeStepSplitIntoChunksIsTheKernelBitForBit() {
        sameBitsAsTheKernel(6000, 64, 4000, 10);
    }

    private static void sameBitsAsTheKernel(int rows, int width, int touchesPerStep, int steps) {
        Random rng = new Random(3);
        float[] initial = new float[rows * width];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = (float) rng.nextGaussian();
        }
        Embedding e = Embedding.builder().inputDim(rows).outputDim(width)
                .weights(Tensor.wrap(Nd4j.createFromArray(initial).reshape('c', rows, width))).build();
        Weight w = e.embeddings();
        Adam adam = Adam.builder().learningRate(0.01).build();

        // the reference: the touched rows of a copy of the table and of the moments gathered, put through the op,
        // and written back (the lazy step as Adam ran it before the Java kernel)
        INDArray refTable = Nd4j.createFromArray(initial).reshape('c', rows, width).dup('c');
        INDArray refM = Nd4j.zeros(DataType.FLOAT, rows, width);
        INDArray refV = Nd4j.zeros(DataType.FLOAT, rows, width);
        for (int step = 0; step < steps; step++) {
            // distinct rows in first-appearance order, as a merged gradient has them
            long[] touched = rng.ints(touchesPerStep, 0, rows).distinct().asLongStream().toArray();
            float[] grad = new float[touched.length * width];
            for (int i = 0; i < grad.length; i++) {
                grad[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
            }
            INDArray g = Nd4j.createFromArray(grad).reshape('c', touched.length, width);
            referenceStep(refTable, refM, refV, touched, g, 0.01, step);

            adam.apply(List.of(WeightGradient.rows(w, touched, g.dup('c'))));
            assertArrayEquals(refTable.data().asFloat(), w.value().data().asFloat(), 0f, "step " + step);
        }
        // the moments too, read through state(): the table's are laid out interleaved, the reference's apart
        List<Tensor> state = adam.state(List.of(w));
        assertArrayEquals(refM.dup('c').data().asFloat(), state.get(0).toFloatArray(), 0f, "first moment");
        assertArrayEquals(refV.dup('c').data().asFloat(), state.get(1).toFloatArray(), 0f, "second moment");

        // restored into a new optimizer (as a loaded file does), the next step is the same bits as the reference's
        Adam resumed = Adam.builder().learningRate(0.01).build();
        resumed.restoreState(adam.iterations(), List.of(w), state);
        long[] touched = {0, rows - 1};
        INDArray g = Nd4j.ones(DataType.FLOAT, 2, width).muli(0.5);
        referenceStep(refTable, refM, refV, touched, g, 0.01, steps);
        resumed.apply(List.of(WeightGradient.rows(w, touched, g.dup('c'))));
        assertArrayEquals(refTable.data().asFloat(), w.value().data().asFloat(), 0f, "after restoreState");
    }

    /**
     * Gradients so small that the second moment turns subnormal (g = 1e-20, so (1 - beta2) g^2 = 1e-43): the
     * flushed step keeps the weights of the unflushed op to the last bit, and its moments differ from the op's by
     * less than Float.MIN_NORMAL (the documented tolerance), being zero where the op's are subnormal.
     */
    @Test
    void subnormalMomentsAreFlushedWithinTheDocumentedTolerance() {
        int rows = 4;
        int width = 8;
        float[] initial = new float[rows * width];
        java.util.Arrays.fill(initial, 0.25f);
        Embedding e = Embedding.builder().inputDim(rows).outputDim(width)
                .weights(Tensor.wrap(Nd4j.createFromArray(initial).reshape('c', rows, width))).build();
        Adam adam = Adam.builder().learningRate(0.001).build();
        INDArray refTable = Nd4j.createFromArray(initial).reshape('c', rows, width).dup('c');
        INDArray refM = Nd4j.zeros(DataType.FLOAT, rows, width);
        INDArray refV = Nd4j.zeros(DataType.FLOAT, rows, width);
        long[] touched = {0, 2};
        float[] grad = new float[touched.length * width];
        java.util.Arrays.fill(grad, 1e-20f);
        for (int step = 0; step < 2 * Adam.FLUSH_INTERVAL; step++) { // two flushes on the way
            INDArray g = Nd4j.createFromArray(grad).reshape('c', touched.length, width);
            referenceStep(refTable, refM, refV, touched, g, 0.001, step);
            adam.apply(List.of(WeightGradient.rows(e.embeddings(), touched, g.dup('c'))));
            assertArrayEquals(refTable.data().asFloat(), e.embeddings().value().data().asFloat(), 0f, "step " + step);
        }
        float refVi = refV.getFloat(0, 0);
        assertTrue(refVi != 0 && Math.abs(refVi) < Float.MIN_NORMAL, "the op's second moment is subnormal: " + refVi);

        // the kernel on one such element, then the flush: the op's moments against the flushed ones
        float[] w = {0.25f};
        float[] m = {refM.getFloat(0, 0)};
        float[] v = {refVi};
        Adam.step(w, m, v, 1, new float[] {1e-20f}, 0.9f, 0.999f, 1e-7f, 1e-3f);
        float unflushedV = v[0];
        assertTrue(unflushedV != 0 && Math.abs(unflushedV) < Float.MIN_NORMAL, "the step alone keeps it: " + v[0]);
        Adam.flushSubnormal(m, 1);
        Adam.flushSubnormal(v, 1);
        assertEquals(0f, v[0], "the subnormal second moment is flushed to zero");
        assertTrue(Math.abs(v[0] - unflushedV) < Float.MIN_NORMAL);
        assertEquals(0.9f * refM.getFloat(0, 0) + 1e-20f * (1 - 0.9f), m[0], 0f, "a normal moment is kept");
    }

    /**
     * The reference lazy step: the touched rows of the table and of the moments gathered, put through ND4J's
     * {@code adam_updater} op (Keras's betas and epsilon), and written back.
     */
    private static void referenceStep(INDArray table, INDArray mTable, INDArray vTable, long[] touched, INDArray g,
                                      double lr, int step) {
        INDArray m = RowSparse.gather(mTable, touched);
        INDArray v = RowSparse.gather(vTable, touched);
        INDArray update = g.dup('c');
        Nd4j.exec(new AdamUpdater(update, v, m, lr, 0.9, 0.999, 1e-7, step));
        RowSparse.scatter(table, touched, RowSparse.gather(table, touched).subi(update));
        RowSparse.scatter(mTable, touched, m);
        RowSparse.scatter(vTable, touched, v);
    }
}
