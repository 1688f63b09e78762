package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

class DropoutTest {
    private final INDArray ones = Nd4j.ones(DataType.FLOAT, 200, 50);

    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void inferencePassesThrough() {
        Dropout d = Dropout.of(0.5);
        assertEquals("dropout", d.name());
        assertEquals(0, d.countParams());
        assertEquals(Shape.batchOf(3, 4), d.call(Input.shape(3, 4)).shape());
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        assertEquals(x, d.call(x));
        assertEquals(Tensor.wrap(ones), Tensor.wrap(d.forward(List.of(ones), CallContext.inference())));
    }

    @Test
    void trainingDropsAboutRateAndScalesTheRest() {
        Dropout d = Dropout.builder().rate(0.3).seed(1).build();
        INDArray y = d.forward(List.of(ones), CallContext.training(0));
        long zeros = y.eq(0).castTo(DataType.INT).sumNumber().longValue();
        long kept = y.eq((float) (1 / 0.7)).castTo(DataType.INT).sumNumber().longValue();
        assertEquals(10_000, zeros + kept, "every element is dropped or scaled by 1 / (1 - rate)");
        assertTrue(Math.abs(zeros / 10_000.0 - 0.3) < 0.03, "dropped fraction " + zeros / 10_000.0);
    }

    @Test
    void sameSeedAndCallSequenceGiveSameMasks() {
        Dropout a = Dropout.builder().rate(0.5).seed(7).build();
        Dropout b = Dropout.builder().rate(0.5).seed(7).build();
        INDArray a1 = a.forward(List.of(ones), CallContext.training(0));
        INDArray a2 = a.forward(List.of(ones), CallContext.training(0));
        assertNotEquals(a1, a2, "successive calls draw new masks");
        assertEquals(a1, b.forward(List.of(ones), CallContext.training(0)));
        assertEquals(a2, b.forward(List.of(ones), CallContext.training(0)));
        // a context seed fixes the mask whatever ran before
        INDArray c1 = a.forward(List.of(ones), CallContext.training(0, 42));
        assertEquals(c1, b.forward(List.of(ones), CallContext.training(0, 42)));
        assertEquals(c1, a.forward(List.of(ones), CallContext.training(0, 42)));
        assertNotEquals(c1, a.forward(List.of(ones), CallContext.training(0, 43)));
        Dropout otherSeed = Dropout.builder().rate(0.5).seed(8).build();
        assertNotEquals(c1, otherSeed.forward(List.of(ones), CallContext.training(0, 42)));
    }

    @Test
    void backwardUsesTheForwardMask() {
        Dropout d = Dropout.builder().rate(0.4).seed(3).dtype(DType.FLOAT64).build();
        LayerChecks.check(d, List.of(LayerChecks.normal(1, 6, 5)), 1e-6, 1e-8);
        CallContext c = CallContext.training(0, 5);
        INDArray y = d.forward(List.of(ones), c);
        INDArray g = d.backward(List.of(ones), Nd4j.ones(DataType.FLOAT, 200, 50), c, new LayerChecks.DenseSink())
                .get(0);
        assertEquals(y.castTo(DataType.FLOAT), g, "for x = 1 and upstream 1 the gradient is the scaled mask");
    }

    @Test
    void rateZeroIsIdentityAndBadRatesAreRejected() {
        Dropout none = Dropout.builder().rate(0).build();
        CallContext c = CallContext.training(0);
        assertEquals(ones, none.forward(List.of(ones), c));
        assertEquals(ones, none.backward(List.of(ones), ones, c, new LayerChecks.DenseSink()).get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dropout.builder().rate(1).build());
        assertTrue(e.getMessage().contains("Received: rate=1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dropout.builder().rate(-0.1).build());
        assertThrows(IllegalArgumentException.class, () -> Dropout.builder().build());
    }
}
