package org.tensorkit.models.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Regularizers;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.optimizers.WeightGradient;

class GradientAccumulatorTest {
    private static Embedding table(int rows) {
        float[][] init = new float[rows][2];
        for (int r = 0; r < rows; r++) {
            init[r] = new float[] {r, -r};
        }
        return Embedding.builder().inputDim(rows).outputDim(2).weights(Tensor.of(init))
                .embeddingsRegularizer(Regularizers.l2(0.5)).build();
    }

    @Test
    void repeatedRowsFromSeveralCallsAreSummed() {
        Embedding e = table(6);
        GradientAccumulator acc = new GradientAccumulator();
        acc.addRows(e.embeddings(), Nd4j.createFromArray(4L, 1L, 4L),
                Nd4j.createFromArray(new float[][] {{1, 1}, {2, 2}, {3, 3}}));
        acc.addRows(e.embeddings(), Nd4j.createFromArray(1L), Nd4j.createFromArray(new float[][] {{10, 20}}));
        WeightGradient g = acc.gradients().get(0);
        assertTrue(g.isRowSparse());
        assertArrayEquals(new long[] {4, 1}, g.rows(), "distinct rows in order of first appearance");
        assertEquals(Nd4j.createFromArray(new float[][] {{4, 4}, {12, 22}}), g.rowValues());
        assertThrows(IllegalStateException.class, () -> acc.addRows(e.embeddings(), Nd4j.createFromArray(0L),
                Nd4j.createFromArray(new float[][] {{1, 1}})));
        acc.clear();
        assertEquals(List.of(), acc.gradients());
    }

    /**
     * Ids sent as the looked-up array are read into arrays the next step reuses: a smaller step after a larger one
     * shows only its own rows, and the gradient lists exactly its distinct rows.
     */
    @Test
    void idsAreReadIntoArraysReusedFromStepToStep() {
        Embedding e = table(8);
        GradientAccumulator acc = new GradientAccumulator();
        acc.addRowIds(e.embeddings(), Nd4j.createFromArray(new int[][] {{3}, {5}, {3}, {7}}),
                Nd4j.createFromArray(new float[][][] {{{1, 1}}, {{2, 2}}, {{3, 3}}, {{4, 4}}}));
        WeightGradient first = acc.gradients().get(0);
        assertEquals(3, first.rowCount());
        assertArrayEquals(new long[] {3, 5, 7}, first.rows());
        acc.clear();

        acc.addRowIds(e.embeddings(), Nd4j.createFromArray(new float[] {6, 6}),
                Nd4j.createFromArray(new float[][] {{0.5f, 1}, {0.25f, 2}}));
        WeightGradient next = acc.gradients().get(0);
        assertEquals(1, next.rowCount());
        assertArrayEquals(new long[] {6}, next.rows());
        assertSame(first.rowIds(), next.rowIds(), "the rows are listed in the same array");
        assertEquals(6, next.rowIds()[0]);
        assertEquals(Nd4j.createFromArray(new float[][] {{0.75f, 3}}), next.rowValues());
        acc.clear();
    }

    @Test
    void aRowCountOutsideTheRowsIsRefused() {
        Embedding e = table(4);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> WeightGradient.rows(e.embeddings(), new long[] {1, 2}, 3, 2, new float[6]));
        assertEquals("rowCount 3 outside [0, 2]", x.getMessage());
    }

    @Test
    void sharedLayerGradientsAddUpAndFrozenWeightsAreSkipped() {
        Dense d = Dense.builder().units(2).seed(1).build();
        d.call(Input.shape(3));
        GradientAccumulator acc = new GradientAccumulator();
        INDArray x1 = Nd4j.createFromArray(new float[][] {{1, 2, 3}});
        INDArray x2 = Nd4j.createFromArray(new float[][] {{-1, 0, 4}});
        for (INDArray x : List.of(x1, x2)) { // two calls of one layer, as a shared layer in a graph
            CallContext c = CallContext.training(0);
            d.forward(List.of(x), c);
            d.backward(List.of(x), Nd4j.ones(DataType.FLOAT, 1, 2), c, acc);
        }
        List<WeightGradient> gs = acc.gradients();
        assertEquals(2, gs.size());
        INDArray expectedKernel = x1.add(x2).transpose().mmul(Nd4j.ones(DataType.FLOAT, 1, 2));
        assertEquals(expectedKernel, gs.get(0).dense());
        assertEquals(Nd4j.createFromArray(2f, 2f), gs.get(1).dense());

        d.setTrainable(false);
        GradientAccumulator frozen = new GradientAccumulator();
        CallContext c = CallContext.training(0);
        d.forward(List.of(x1), c);
        d.backward(List.of(x1), Nd4j.ones(DataType.FLOAT, 1, 2), c, frozen);
        assertEquals(List.of(), frozen.gradients());
    }

    @Test
    void denseAndRowContributionsToOneWeightMerge() {
        Embedding e = table(3);
        GradientAccumulator acc = new GradientAccumulator();
        acc.addDense(e.embeddings(), Nd4j.ones(DataType.FLOAT, 3, 2));
        acc.addRows(e.embeddings(), Nd4j.createFromArray(2L, 2L), Nd4j.ones(DataType.FLOAT, 2, 2));
        WeightGradient g = acc.gradients().get(0);
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 1}, {1, 1}, {3, 3}}), g.dense());
    }

    @Test
    void rowSparseRegularizationCoversTouchedRowsOnce() {
        Embedding e = table(5);
        GradientAccumulator acc = new GradientAccumulator();
        acc.addRows(e.embeddings(), Nd4j.createFromArray(3L, 1L, 3L), Nd4j.zeros(DataType.FLOAT, 3, 2));
        double penalty = acc.addRegularization(List.of(e.embeddings(), e.embeddings()));
        // rows 1 and 3 once each: 0.5 * (1 + 1 + 9 + 9)
        assertEquals(10.0, penalty, 1e-9);
        WeightGradient g = acc.gradients().get(0);
        assertArrayEquals(new long[] {3, 1}, g.rows(), "distinct rows in order of first appearance");
        assertEquals(Nd4j.createFromArray(new float[][] {{3, -3}, {1, -1}}), g.rowValues()); // 2 * 0.5 * w
    }

    @Test
    void denseRegularizationCoversTheWholeWeightEvenWithoutGradient() {
        Dense d = Dense.builder().units(1).kernelRegularizer(Regularizers.l2(0.1))
                .kernelInitializer((s, t) -> Nd4j.createFromArray(new float[][] {{1}, {2}})).build();
        d.call(Input.shape(2));
        GradientAccumulator acc = new GradientAccumulator();
        double penalty = acc.addRegularization(d.weights());
        assertEquals(0.5, penalty, 1e-7);
        List<WeightGradient> gs = acc.gradients();
        assertEquals(1, gs.size(), "the bias has no regularizer and no gradient");
        assertEquals(Nd4j.createFromArray(new float[][] {{0.2f}, {0.4f}}), gs.get(0).dense());
        Weight bias = d.bias();
        assertTrue(bias.regularizer().isEmpty());
    }

    @Test
    void badRowGradientsAreRejected() {
        Embedding e = table(3);
        GradientAccumulator acc = new GradientAccumulator();
        assertThrows(IllegalArgumentException.class, () -> acc.addRows(e.embeddings(), Nd4j.createFromArray(1, 2),
                Nd4j.ones(DataType.FLOAT, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> acc.addRows(e.embeddings(), Nd4j.createFromArray(1L),
                Nd4j.ones(DataType.FLOAT, 1, 3)));
        acc.addRows(e.embeddings(), Nd4j.createFromArray(7L), Nd4j.ones(DataType.FLOAT, 1, 2));
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, acc::gradients);
        assertTrue(out.getMessage().contains("names row 7, outside [0, 3)"), out.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradientAccumulator().addDense(e.embeddings(),
                Nd4j.ones(DataType.FLOAT, 2, 2)));
    }
}
