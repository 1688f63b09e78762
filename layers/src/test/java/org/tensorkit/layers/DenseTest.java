package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.testing.LayerChecks;

class DenseTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void kerasParameterCountsAndWeightNames() {
        Dense d = Dense.builder().units(16).build();
        IllegalStateException unbuilt = assertThrows(IllegalStateException.class, d::countParams);
        assertTrue(unbuilt.getMessage().contains("call `count_params` on dense"), unbuilt.getMessage());
        SymbolicTensor y = d.call(Input.shape(4));
        assertEquals(Shape.batchOf(16), y.shape());
        assertEquals(80, d.countParams());
        assertEquals("dense/kernel:0", d.kernel().name());
        assertEquals("dense/bias:0", d.bias().name());
        assertEquals(Shape.of(4, 16), d.kernel().shape());
        Dense noBias = Dense.builder().units(3).useBias(false).build();
        noBias.call(Input.shape(4));
        assertEquals(12, noBias.countParams());
        assertEquals(1, noBias.weights().size());
    }

    @Test
    void shapesAndKerasErrors() {
        Dense d = Dense.builder().units(5).name("d").build();
        assertEquals(Shape.of(3, 7, 5), d.computeOutputShape(Shape.of(3, 7, 2)));
        IllegalArgumentException rank1 = assertThrows(IllegalArgumentException.class,
                () -> d.computeOutputShape(Shape.batchOf()));
        assertEquals("Input 0 of layer \"d\" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full "
                + "shape received: (None,)", rank1.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> d.computeOutputShape(Shape.batchOf(Shape.UNKNOWN)));
        assertTrue(unknown.getMessage().startsWith("The last dimension of the inputs to `Dense` should be defined. "
                + "Found `None`."), unknown.getMessage());
        d.call(Input.shape(4));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> d.call(Input.shape(5)));
        assertEquals("Input 0 of layer \"d\" is incompatible with the layer: expected axis -1 of input shape to have "
                + "value 4 but received input with shape (None, 5)", wrong.getMessage());
        IllegalArgumentException units = assertThrows(IllegalArgumentException.class,
                () -> Dense.builder().units(0).build());
        assertTrue(units.getMessage().contains("`units`, expected a positive integer, got 0"), units.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dense.builder().units(2).activation("gelu"));
    }

    @Test
    void forwardIsActivationOfAffineMap() {
        Dense d = Dense.builder().units(2).activation("relu").build();
        d.call(Input.shape(3));
        d.setWeights(List.of(Tensor.of(new float[][] {{1, -1}, {2, 0}, {0, 1}}), Tensor.of(0.5f, -4f)));
        Tensor out = d.call(Tensor.of(new float[][] {{1, 1, 1}, {0, 0, 2}}));
        // [1+2+0+0.5, -1+0+1-4] = [3.5, -4] -> relu [3.5, 0]; [0.5, 2-4] -> [0.5, 0]
        assertArrayEquals(new float[] {3.5f, 0f, 0.5f, 0f}, out.toFloatArray());
        assertEquals(DType.FLOAT32, out.dtype());
    }

    @Test
    void glorotUniformKernelAndZeroBiasLikeKeras() {
        Dense d = Dense.builder().units(30).seed(3).build();
        d.call(Input.shape(20));
        double limit = Math.sqrt(6.0 / 50);
        for (float v : d.kernel().read().toFloatArray()) {
            assertTrue(Math.abs(v) <= limit, "kernel value " + v + " outside +-" + limit);
        }
        assertArrayEquals(new float[30], d.bias().read().toFloatArray());
        Dense same = Dense.builder().units(30).seed(3).build();
        same.call(Input.shape(20));
        assertEquals(d.kernel().read(), same.kernel().read());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void gradientsOfEveryActivation(Activation activation) {
        Dense d = Dense.builder().units(3).activation(activation).dtype(DType.FLOAT64).seed(5)
                .biasInitializer(Initializer.uniform(-0.5, 0.5, 6)).build();
        // offset away from 0 so that relu's kink is not inside a finite difference
        INDArray x = LayerChecks.normal(1, 4, 5);
        LayerChecks.check(d, List.of(x), 1e-6, 1e-6);
    }

    @Test
    void gradientsOnRank3InputsAndWithoutBias() {
        Dense d = Dense.builder().units(2).activation("tanh").useBias(false).dtype(DType.FLOAT64).seed(8).build();
        LayerChecks.check(d, List.of(LayerChecks.normal(2, 3, 4, 5)), 1e-6, 1e-6);
    }

    @Test
    void regularizersLiveOnTheWeights() {
        Regularizer l2 = Regularizers.l2(1e-3);
        Dense d = Dense.builder().units(2).kernelRegularizer(l2).build();
        d.call(Input.shape(3));
        assertSame(l2, d.kernel().regularizer().orElseThrow());
        assertTrue(d.bias().regularizer().isEmpty());
        assertTrue(!d.kernel().isRowSparse());
    }
}
