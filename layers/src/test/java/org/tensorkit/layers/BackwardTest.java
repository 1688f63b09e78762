package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.testing.GradientCheck;
import org.tensorkit.layers.testing.LayerChecks;

/** Backward passes of the layers that existed before training: Embedding, Flatten, InputLayer. */
class BackwardTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void embeddingGradientIsRowSparseAndAddsRepeatedIds() {
        Embedding e = Embedding.builder().inputDim(6).outputDim(3).seed(1).build();
        INDArray ids = Nd4j.createFromArray(new int[][] {{4, 1}, {4, 4}});
        LayerChecks.DenseSink sink = LayerChecks.check(e, List.of(ids), 1e-2, 1e-4);
        // one row per id, repeats included, in C order of the ids
        assertEquals(1, sink.rowsSent.size());
        assertArrayEquals(new long[] {4, 1, 4, 4}, sink.rowsSent.get(0).toLongVector());
        // rows never looked up get nothing
        INDArray g = sink.of(e.embeddings());
        for (int row : new int[] {0, 2, 3, 5}) {
            assertEquals(0.0, g.getRow(row).norm1Number().doubleValue(), 0, "row " + row);
        }
        assertTrue(e.embeddings().isRowSparse());
    }

    @Test
    void embeddingGradientEqualsSummedOutputGradients() {
        Embedding e = Embedding.builder().inputDim(5).outputDim(2).build();
        INDArray ids = Nd4j.createFromArray(new long[] {3, 0, 3});
        CallContext c = CallContext.training(0);
        e.forward(List.of(ids), c);
        INDArray up = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        LayerChecks.DenseSink sink = new LayerChecks.DenseSink();
        assertNull(e.backward(List.of(ids), up, c, sink).get(0), "ids have no gradient");
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 5, 2);
        expected.putRow(0, Nd4j.createFromArray(3.0, 4.0));
        expected.putRow(3, Nd4j.createFromArray(6.0, 8.0));
        assertEquals(expected, sink.of(e.embeddings()));
    }

    @Test
    void embeddingRegularizerIsOnTheTable() {
        Regularizer l2 = Regularizers.l2(1e-4);
        Embedding e = Embedding.builder().inputDim(5).outputDim(2).embeddingsRegularizer(l2).build();
        assertSame(l2, e.embeddings().regularizer().orElseThrow());
        assertTrue(Embedding.builder().inputDim(5).outputDim(2).build().embeddings().regularizer().isEmpty());
    }

    @Test
    void flattenGradientsInBothDataFormats() {
        LayerChecks.check(Flatten.create(), List.of(LayerChecks.normal(1, 2, 3, 4)), 1e-6, 1e-8);
        LayerChecks.check(Flatten.builder().dataFormat(Flatten.DataFormat.CHANNELS_FIRST).build(),
                List.of(LayerChecks.normal(2, 2, 3, 2, 2)), 1e-6, 1e-8);
    }

    @Test
    void flattenPassesTheGradientOnAsADenseArrayOverTheSameMemory() {
        // what follows (an Embedding's row gradients) reads it in bulk: a copy would cost a fresh native buffer
        Flatten f = Flatten.create();
        INDArray x = LayerChecks.normal(1, 4, 1, 3).castTo(DataType.FLOAT);
        CallContext c = CallContext.training(0);
        f.forward(List.of(x), c);
        INDArray up = LayerChecks.normal(2, 4, 3).castTo(DataType.FLOAT);
        INDArray down = f.backward(List.of(x), up, c, new LayerChecks.DenseSink()).get(0);
        assertArrayEquals(new long[] {4, 1, 3}, down.shape());
        assertTrue(NdArrays.isDense(down));
        assertTrue(NdArrays.sharesMemory(down, up));
        assertArrayEquals(BulkData.readFloats(up), BulkData.readFloats(down));
    }

    @Test
    void inputLayerPassesTheGradientOn() {
        SymbolicTensor in = Input.builder().shape(3).dtype(DType.FLOAT64).build();
        Layer inputLayer = in.layer();
        LayerChecks.check(inputLayer, List.of(LayerChecks.normal(3, 4, 3)), 1e-6, 1e-8);
    }

    @Test
    void regularizerL2ValueAndGradient() {
        Regularizer l2 = Regularizers.l2(0.5);
        INDArray w = Nd4j.createFromArray(new double[][] {{1, -2}, {0.5, 3}});
        assertEquals(0.5 * (1 + 4 + 0.25 + 9), l2.penalty(w), 1e-12);
        GradientCheck.assertClose("l2", l2.gradient(w), GradientCheck.numerical(l2::penalty, w, 1e-6), 1e-8);
        assertEquals(0.01, ((Regularizers.DEFAULT_L2)), 0);
        assertEquals(0.01 * 14.25, Regularizers.l2().penalty(w), 1e-12);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l2(-1)).getMessage().contains("got -1.0"));
    }
}
