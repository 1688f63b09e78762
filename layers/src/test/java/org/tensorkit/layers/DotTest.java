package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.testing.LayerChecks;

class DotTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void matrixFactorizationScoreShapeAndValues() {
        Dot dot = Dot.of(1);
        assertEquals("dot", dot.name());
        assertEquals(0, dot.countParams());
        SymbolicTensor out = dot.call(Input.shape(3), Input.shape(3));
        assertEquals(Shape.batchOf(1), out.shape());
        Tensor y = dot.call(Tensor.of(new float[][] {{1, 2, 3}, {0, 1, 0}}), Tensor.of(new float[][] {{4, 5, 6},
                {7, 8, 9}}));
        assertEquals(Shape.of(2, 1), y.shape());
        assertArrayEquals(new float[] {32, 8}, y.toFloatArray());
    }

    @Test
    void kerasDocumentationExampleWithTwoAxes() {
        // keras.layers.Dot(axes=(1, 2))([np.arange(10).reshape(1, 5, 2), np.arange(10, 20).reshape(1, 2, 5)])
        Tensor x = Tensor.arange(10, DType.FLOAT32).reshape(1, 5, 2);
        Tensor y = Tensor.arange(10, 20, 1, DType.FLOAT32).reshape(1, 2, 5);
        Tensor out = Dot.builder().axes(1, 2).build().call(x, y);
        assertEquals(Shape.of(1, 2, 2), out.shape());
        assertArrayEquals(new float[] {260, 360, 320, 445}, out.toFloatArray());
    }

    @Test
    void normalizeGivesCosineSimilarity() {
        Tensor y = Dot.builder().axes(-1).normalize(true).build()
                .call(Tensor.of(new float[][] {{3, 4}, {1, 0}, {0, 0}}), Tensor.of(new float[][] {{6, 8}, {0, 2},
                        {1, 1}}));
        assertArrayEquals(new float[] {1, 0, 0}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void shapeErrorsInKerasWords() {
        Dot dot = Dot.builder().axes(1).name("score").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dot.computeOutputShape(List.of(Shape.batchOf(3), Shape.batchOf(4))));
        assertEquals("Dimension incompatibility 3 != 4. Layer shapes: (None, 3), (None, 4). Chosen axes: 1, 1 (Dot "
                + "layer \"score\")", e.getMessage());
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> dot.call(Input.shape(3)));
        assertTrue(arity.getMessage().contains("expects 2 input(s), but it received 1"), arity.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Dot.builder().axes(0).build().computeOutputShape(List.of(Shape.of(2, 3), Shape.of(2, 3))));
        assertThrows(IllegalArgumentException.class, () -> Dot.builder().axes(1, 2, 3));
        assertEquals(Shape.of(5, 4, 6), Dot.builder().axes(2, 1).build()
                .computeOutputShape(List.of(Shape.of(5, 4, 3), Shape.of(5, 3, 6))));
    }

    /** The float32 (batch, k) . (batch, k) case runs in Java: same values, exact products in backward. */
    @Test
    void float32RowDotsMatchFloat64AndHaveExactGradients() {
        INDArray x = LayerChecks.normal(5, 64, 48).castTo(DataType.FLOAT);
        INDArray y = LayerChecks.normal(6, 64, 48).castTo(DataType.FLOAT);
        Dot fast = Dot.of(1);
        Dot wide = Dot.builder().axes(1).dtype(DType.FLOAT64).build();
        CallContext c = CallContext.training(0, 1);
        INDArray out = fast.forward(List.of(x, y), c);
        assertArrayEquals(new long[] {64, 1}, out.shape());
        INDArray reference = wide.forward(List.of(x, y), CallContext.inference());
        for (int i = 0; i < 64; i++) {
            double expected = reference.getDouble(i, 0);
            assertEquals(expected, out.getDouble(i, 0), 1e-5 * Math.max(1, Math.abs(expected)), "row " + i);
        }
        INDArray g = LayerChecks.normal(7, 64, 1).castTo(DataType.FLOAT);
        List<INDArray> grads = fast.backward(List.of(x, y), g, c, new LayerChecks.DenseSink());
        assertEquals(x.mulColumnVector(g), grads.get(1), "dy = g * x, each one float product");
        assertEquals(y.mulColumnVector(g), grads.get(0), "dx = g * y");
        assertArrayEquals(x.mulColumnVector(g).data().asFloat(), grads.get(1).data().asFloat(), 0f);
        assertArrayEquals(y.mulColumnVector(g).data().asFloat(), grads.get(0).data().asFloat(), 0f);
        LayerChecks.check(Dot.of(1), List.of(LayerChecks.normal(8, 4, 3).castTo(DataType.FLOAT),
                LayerChecks.normal(9, 4, 3).castTo(DataType.FLOAT)), 1e-2, 1e-3);
    }

    @Test
    void gradientsOfPlainAndNormalizedDots() {
        for (boolean normalize : new boolean[] {false, true}) {
            Dot rank2 = Dot.builder().axes(1).normalize(normalize).dtype(DType.FLOAT64).build();
            LayerChecks.check(rank2, List.of(LayerChecks.normal(1, 4, 3), LayerChecks.normal(2, 4, 3)), 1e-6, 1e-6);
            Dot rank3 = Dot.builder().axes(1, 2).normalize(normalize).dtype(DType.FLOAT64).build();
            LayerChecks.check(rank3, List.of(LayerChecks.normal(3, 2, 5, 3), LayerChecks.normal(4, 2, 4, 5)), 1e-6,
                    1e-6);
        }
    }

    @Test
    void zeroVectorWithNormalizeHasFiniteGradients() {
        Dot dot = Dot.builder().axes(1).normalize(true).dtype(DType.FLOAT64).build();
        INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 2);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 2}});
        CallContext c = CallContext.training(0);
        assertEquals(0.0, dot.forward(List.of(x, y), c).getDouble(0), 0);
        List<INDArray> g = dot.backward(List.of(x, y), Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 1), c,
                new LayerChecks.DenseSink());
        assertTrue(g.get(0).isInfinite().castTo(DataType.INT).sumNumber().intValue() == 0
                && g.get(0).isNaN().castTo(DataType.INT).sumNumber().intValue() == 0,
                g.get(0).toString());
    }
}
