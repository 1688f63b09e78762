package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.testing.GradientCheck;

class ActivationTest {
    @Test
    void valuesMatchTheFormulas() {
        INDArray z = Nd4j.createFromArray(new double[][] {{-1, 0.5, 2}});
        assertArrayEquals(new double[] {0, 0.5, 2}, Activation.RELU.apply(z).toDoubleVector(), 0);
        assertArrayEquals(new double[] {1 / (1 + Math.E), 1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-2))},
                Activation.SIGMOID.apply(z).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {Math.tanh(-1), Math.tanh(0.5), Math.tanh(2)},
                Activation.TANH.apply(z).toDoubleVector(), 1e-12);
        double sum = Math.exp(-1) + Math.exp(0.5) + Math.exp(2);
        assertArrayEquals(new double[] {Math.exp(-1) / sum, Math.exp(0.5) / sum, Math.exp(2) / sum},
                Activation.SOFTMAX.apply(z).toDoubleVector(), 1e-12);
        assertSame(z, Activation.LINEAR.apply(z));
        assertEquals(Nd4j.createFromArray(new double[][] {{-1, 0.5, 2}}), z); // not modified
    }

    @Test
    void softmaxNormalizesTheLastAxisOfAnyRank() {
        INDArray z = GradientCheck.randomNormal(3, 2, 3, 4);
        INDArray s = Activation.SOFTMAX.apply(z);
        assertArrayEquals(new long[] {2, 3, 4}, s.shape());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, s.sum(2).reshape(6).toDoubleVector(), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backpropMatchesNumericalGradients(Activation a) {
        INDArray z = GradientCheck.randomNormal(4, 3, 5);
        INDArray r = GradientCheck.randomNormal(5, 3, 5);
        INDArray numeric = GradientCheck.numerical(GradientCheck.projected(a::apply, r), z, 1e-6);
        GradientCheck.assertClose(a.kerasName(), a.backprop(z, r), numeric, 1e-6);
    }

    @Test
    void kerasNames() {
        assertEquals(Activation.LINEAR, Activation.fromName(null));
        assertEquals(Activation.SOFTMAX, Activation.fromName("softmax"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.fromName("elu"));
        assertEquals("Unknown activation function: elu (supported: [linear, relu, sigmoid, tanh, softmax])",
                e.getMessage());
    }
}
