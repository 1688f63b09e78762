package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layers;
import org.tensorkit.layers.testing.LayerChecks;

/** Normalization against the examples of Keras 3's docstring ({@code normalization.py}), outputs pasted. */
class NormalizationTest {
    @Test
    void adaptOverEverything() {
        Normalization layer = Normalization.builder().axis().build();
        layer.adapt(Tensor.of(1f, 2f, 3f, 4f, 5f));
        assertArrayEquals(new float[] {-1.4142135f, -0.70710677f, 0f}, layer.call(Tensor.of(1f, 2f, 3f))
                .toFloatArray());
        assertEquals(List.of(Shape.scalar(), Shape.scalar(), Shape.scalar()),
                layer.weights().stream().map(w -> w.shape()).toList());
        assertEquals(0, layer.trainableWeights().size());
    }

    @Test
    void adaptPerFeature() {
        Normalization layer = Normalization.builder().build();
        layer.adapt(Tensor.of(new float[][] {{0, 7, 4}, {2, 9, 6}, {0, 7, 4}, {2, 9, 6}}));
        assertArrayEquals(new float[] {-1, -1, -1}, layer.call(Tensor.of(new float[][] {{0, 7, 4}})).toFloatArray());
        assertArrayEquals(new float[] {1, 8, 5}, layer.getWeights().get(0).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, layer.getWeights().get(1).toFloatArray());
    }

    @Test
    void givenMeanAndVarianceAndInversion() {
        Normalization given = Normalization.builder().axis().meanAndVariance(new double[] {3}, new double[] {2})
                .build();
        assertArrayEquals(new float[] {-1.4142135f, -0.70710677f, 0f}, given.call(Tensor.of(1f, 2f, 3f))
                .toFloatArray());
        assertEquals(0, given.weights().size());
        Normalization inverse = Normalization.builder().axis().invert(true).build();
        inverse.adapt(Tensor.of(1f, 2f, 3f, 4f, 5f));
        assertArrayEquals(new float[] {1f, 2f, 3f}, inverse.call(Tensor.of(-1.4142135f, -0.70710677f, 0f))
                .toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsFlowToTheInput() {
        Normalization layer = Normalization.builder().build();
        layer.adapt(Tensor.of(new float[][] {{0, 7}, {2, 9}, {1, 3}}));
        LayerChecks.check(layer, List.of(LayerChecks.normal(3, 4, 2)), 1e-2, 1e-2);
    }

    @Test
    void configRoundTrip() {
        Normalization layer = Normalization.builder().axis(-1).name("year_norm").build();
        Normalization copy = (Normalization) Layers.fromConfig("Normalization", layer.config());
        assertEquals(layer.config(), copy.config());
    }

    @Test
    void refusals() {
        Normalization given = Normalization.builder().name("g").axis()
                .meanAndVariance(new double[] {1}, new double[] {1}).build();
        assertEquals("Normalization \"g\" was given its mean and variance; adapt learns them only when they are not "
                + "given", assertThrows(IllegalStateException.class, () -> given.adapt(Tensor.of(1f))).getMessage());
        assertEquals("Normalization: When setting values directly, `mean` and `variance` must have the same shape. "
                + "Received: mean shape (2,) and variance shape (1,)", assertThrows(IllegalArgumentException.class,
                () -> Normalization.builder().meanAndVariance(new double[] {1, 2}, new double[] {1}).build())
                .getMessage());
        Normalization layer = Normalization.builder().name("n").axis(2).build();
        assertEquals("Normalization \"n\": All `axis` values must be in the range [-ndim, ndim). Received inputs "
                + "with ndim=2, while axis=[2]", assertThrows(IllegalArgumentException.class,
                () -> layer.computeOutputShape(Shape.of(Shape.UNKNOWN, 3))).getMessage());
        Normalization adapted = Normalization.builder().name("a").build();
        adapted.adapt(Tensor.of(new float[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> adapted.adapt(Tensor.of(new float[][] {{1, 2, 3}})));
        Normalization fresh = Normalization.builder().build();
        assertThrows(IllegalArgumentException.class, () -> fresh.call(org.tensorkit.layers.Input.builder().shape(2)
                .dtype(org.tensorkit.core.DType.STRING).build()));
        assertEquals(false, fresh.isBuilt(), "a refused call builds nothing");
        assertEquals("Normalization \"a\" expects numbers, got string input",
                assertThrows(IllegalArgumentException.class, () -> adapted.call(Tensor.of("x"))).getMessage());
    }
}
