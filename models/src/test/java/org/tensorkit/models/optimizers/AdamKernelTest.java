package org.tensorkit.models.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
        Random rng = new Random(3);
        int rows = 50;
        int width = 16;
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
        for (int step = 0; step < 25; step++) {
            long[] touched = rng.ints(8, 0, rows).distinct().sorted().asLongStream().toArray();
            float[] grad = new float[touched.length * width];
            for (int i = 0; i < grad.length; i++) {
                grad[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
            }
            INDArray g = Nd4j.createFromArray(grad).reshape('c', touched.length, width);
            INDArray m = RowSparse.gather(refM, touched);
            INDArray v = RowSparse.gather(refV, touched);
            INDArray update = g.dup('c');
            Nd4j.exec(new AdamUpdater(update, v, m, 0.01, 0.9, 0.999, 1e-7, step));
            RowSparse.scatter(refTable, touched, RowSparse.gather(refTable, touched).subi(update));
            RowSparse.scatter(refM, touched, m);
            RowSparse.scatter(refV, touched, v);

            adam.apply(List.of(WeightGradient.rows(w, touched, g.dup('c'))));
            assertArrayEquals(refTable.data().asFloat(), w.value().data().asFloat(), 0f, "step " + step);
        }
    }
}
