package org.tensorkit.models.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.testing.GradientCheck;
import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Losses;

class LossesTest {
    private final INDArray ratings = Nd4j.createFromArray(4.0, 2.0, 5.0);
    private final INDArray predicted = Nd4j.createFromArray(new double[][] {{3.5}, {2.5}, {3.0}});

    private static void checkGradient(Loss loss, INDArray yTrue, INDArray yPred) {
        INDArray numeric = GradientCheck.numerical(p -> loss.value(yTrue, p), yPred, 1e-6);
        GradientCheck.assertClose(loss.name(), loss.compute(yTrue, yPred).gradient(), numeric, 1e-6);
    }

    @Test
    void mseAndMaeOnRatingsWithoutTheTrailingAxis() {
        assertEquals((0.25 + 0.25 + 4) / 3, Losses.mse().value(ratings, predicted), 1e-12);
        assertEquals((0.5 + 0.5 + 2) / 3, Losses.mae().compute(ratings, predicted).value(), 1e-12);
        Loss.Result r = Losses.mse().compute(ratings, predicted);
        assertArrayEquals(new long[] {3, 1}, r.gradient().shape());
        assertArrayEquals(new double[] {2 * -0.5 / 3, 2 * 0.5 / 3, 2 * -2.0 / 3},
                r.gradient().reshape(3).toDoubleVector(), 1e-12);
        INDArray y = GradientCheck.randomNormal(1, 4, 3);
        INDArray p = GradientCheck.randomNormal(2, 4, 3);
        checkGradient(Losses.mse(), y, p);
        checkGradient(Losses.mae(), y, p);
        // mean over the last axis, then over samples
        assertEquals(y.sub(p).mul(y.sub(p)).meanNumber().doubleValue(), Losses.mse().value(y, p), 1e-12);
        assertEquals(org.nd4j.linalg.ops.transforms.Transforms.abs(y.sub(p)).meanNumber().doubleValue(),
                Losses.mae().value(y, p), 1e-12);
    }

    @Test
    void binaryCrossentropyIsKerasOnProbabilities() {
        INDArray y = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}});
        INDArray p = Nd4j.createFromArray(new double[][] {{0.9}, {0.2}, {0.6}});
        double eps = 1e-7;
        double expected = -(Math.log(0.9 + eps) + Math.log(1 - 0.2 + eps) + Math.log(0.6 + eps)) / 3;
        assertEquals(expected, Losses.binaryCrossentropy().value(y, p), 1e-12);
        checkGradient(Losses.binaryCrossentropy(), y, p);
        // a prediction of exactly 0 or 1 is clipped: finite loss, no gradient
        INDArray extreme = Nd4j.createFromArray(new double[][] {{0.0}, {1.0}, {0.5}});
        Loss.Result r = Losses.binaryCrossentropy().compute(y, extreme);
        assertTrue(Double.isFinite(r.value()));
        assertEquals(0.0, r.gradient().getDouble(0, 0), 0);
        assertEquals(0.0, r.gradient().getDouble(1, 0), 0);
    }

    @Test
    void sparseCategoricalCrossentropyIsKerasOnProbabilities() {
        INDArray labels = Nd4j.createFromArray(2, 0);
        INDArray p = Nd4j.createFromArray(new double[][] {{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}});
        assertEquals(-(Math.log(0.7) + Math.log(0.5)) / 2, Losses.sparseCategoricalCrossentropy().value(labels, p),
                1e-9);
        checkGradient(Losses.sparseCategoricalCrossentropy(), labels, p);
        // Keras renormalizes: log(p) are softmax logits
        INDArray unnormalized = Nd4j.createFromArray(new double[][] {{0.2, 0.2, 0.4}});
        assertEquals(-Math.log(0.5), Losses.sparseCategoricalCrossentropy()
                .value(Nd4j.createFromArray(new long[][] {{2}}), unnormalized), 1e-9);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Losses.sparseCategoricalCrossentropy().value(Nd4j.createFromArray(3, 0), p));
        assertTrue(bad.getMessage().startsWith("Received a label value of 3 which is outside the valid range of "
                + "[0, 3)"), bad.getMessage());
    }

    @Test
    void namesAndShapeErrors() {
        assertEquals("mse", Losses.get("mean_squared_error").name());
        assertEquals("binary_crossentropy", Losses.get("binary_crossentropy").name());
        assertThrows(IllegalArgumentException.class, () -> Losses.get("hinge"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.mse().value(Nd4j.zeros(DataType.DOUBLE, 3, 2), predicted));
        assertTrue(e.getMessage().contains("targets of shape [3, 2] do not match predictions of shape [3, 1]"),
                e.getMessage());
    }
}
