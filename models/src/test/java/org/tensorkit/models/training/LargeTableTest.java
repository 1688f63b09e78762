package org.tensorkit.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Initializer;
import org.tensorkit.layers.Regularizers;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.Optimizer;
import org.tensorkit.models.optimizers.Sgd;

/**
 * A 2,000,000-row table: a training step must touch only the rows of its batch, in the table and in the
 * optimizer's state. (Timing is printed, not asserted.)
 */
class LargeTableTest {
    private static final int ROWS = 2_000_000;
    private static final int DIM = 4;

    @Test
    void onlyTheBatchRowsChange() {
        for (Optimizer optimizer : List.of(Adam.create(), Sgd.builder().momentum(0.9).build())) {
            Embedding e = Embedding.builder().inputDim(ROWS).outputDim(DIM)
                    .initializer(Initializer.uniform(-0.05, 0.05, 1))
                    .embeddingsRegularizer(Regularizers.l2(1e-4)).build();
            INDArray before = e.embeddings().value().dup();
            SplittableRandom rnd = new SplittableRandom(3);
            long[] ids = new long[1024];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i % 10 == 0 ? ids[0] : rnd.nextLong(ROWS); // with repeats
            }
            INDArray batch = Nd4j.createFromArray(ids).reshape(ids.length, 1);
            long[] nanos = new long[5];
            for (int step = 0; step < nanos.length; step++) {
                long t0 = System.nanoTime();
                GradientAccumulator acc = new GradientAccumulator();
                CallContext c = CallContext.training(0);
                INDArray out = e.forward(List.of(batch), c);
                e.backward(List.of(batch), Nd4j.ones(DataType.FLOAT, out.shape()), c, acc);
                acc.addRegularization(e.weights());
                optimizer.apply(acc.gradients());
                nanos[step] = System.nanoTime() - t0;
            }
            System.out.println(optimizer.getClass().getSimpleName() + " step on a " + ROWS + "-row table, batch "
                    + ids.length + ": " + Arrays.toString(Arrays.stream(nanos).map(n -> n / 1000).toArray())
                    + " us");
            INDArray after = e.embeddings().value();
            boolean[] inBatch = new boolean[ROWS];
            for (long id : ids) {
                inBatch[(int) id] = true;
            }
            // compare every row in bulk: rows outside the batch must be bit-identical
            float[] a = before.data().asFloat();
            float[] b = after.data().asFloat();
            int changedOutside = 0;
            int unchangedInside = 0;
            for (int r = 0; r < ROWS; r++) {
                boolean same = Arrays.equals(a, r * DIM, (r + 1) * DIM, b, r * DIM, (r + 1) * DIM);
                if (!inBatch[r] && !same) {
                    changedOutside++;
                }
                if (inBatch[r] && same) {
                    unchangedInside++;
                }
            }
            assertEquals(0, changedOutside, optimizer.getClass().getSimpleName() + ": rows outside the batch moved");
            assertEquals(0, unchangedInside, optimizer.getClass().getSimpleName() + ": batch rows did not move");
            assertNotEquals(before, after);
        }
    }
}
