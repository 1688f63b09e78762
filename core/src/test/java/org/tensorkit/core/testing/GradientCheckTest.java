package org.tensorkit.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class GradientCheckTest {
    @Test
    void numericalGradientOfKnownFunctions() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0.5, -1.5}, {2.0, 3.0}});
        // f(x) = sum(x^3) has gradient 3 x^2
        INDArray g = GradientCheck.numerical(a -> a.mul(a).mul(a).sumNumber().doubleValue(), x, 1e-5);
        GradientCheck.assertClose("x^3", x.mul(x).muli(3), g, 1e-8);
        // the input is left as it was
        assertEquals(Nd4j.createFromArray(new double[][] {{0.5, -1.5}, {2.0, 3.0}}), x);
    }

    @Test
    void projectionGivesTheVectorJacobianProduct() {
        INDArray x = GradientCheck.randomNormal(1, 3, 4);
        INDArray r = GradientCheck.randomNormal(2, 3, 4);
        // d/dx sum(tanh(x) * r) = (1 - tanh(x)^2) * r
        INDArray numeric = GradientCheck.numerical(GradientCheck.projected(a -> Transforms.tanh(a, true), r), x, 1e-6);
        INDArray t = Transforms.tanh(x, true);
        GradientCheck.assertClose("tanh", t.mul(t).rsubi(1).muli(r), numeric, 1e-7);
    }

    @Test
    void inPlaceRestoresBitsAndHandlesFloat32() {
        INDArray w = Nd4j.createFromArray(new float[] {0.1f, -0.3f, 0.7f});
        INDArray before = w.dup();
        INDArray c = Nd4j.createFromArray(new float[] {2f, 3f, -1f});
        INDArray g = GradientCheck.numericalInPlace(() -> w.castTo(DataType.DOUBLE)
                .mul(c.castTo(DataType.DOUBLE)).sumNumber().doubleValue(), w, 1e-2);
        GradientCheck.assertClose("linear float32", c, g, 1e-5);
        assertEquals(before, w);
    }

    @Test
    void mismatchesAreReportedWithTheElement() {
        INDArray a = Nd4j.createFromArray(1.0, 2.0, 3.0);
        INDArray n = Nd4j.createFromArray(1.0, 2.5, 3.0);
        AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.assertClose("w", a, n, 1e-6));
        assertTrue(e.getMessage().contains("flat index 1: analytic 2.0, numerical 2.5"), e.getMessage());
        assertThrows(AssertionError.class, () -> GradientCheck.assertClose("nan", a,
                Nd4j.createFromArray(1.0, Double.NaN, 3.0), 1e-6));
    }
}
