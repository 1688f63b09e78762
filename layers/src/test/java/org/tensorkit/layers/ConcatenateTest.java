package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.testing.LayerChecks;

class ConcatenateTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void joinsAlongTheLastAxisByDefault() {
        Concatenate c = Concatenate.create();
        assertEquals("concatenate", c.name());
        assertEquals(0, c.countParams());
        assertEquals(Shape.batchOf(7), c.call(Input.shape(3), Input.shape(4)).shape());
        assertEquals(Shape.batchOf(Shape.UNKNOWN), c.computeOutputShape(List.of(Shape.batchOf(3),
                Shape.batchOf(Shape.UNKNOWN))));
        Tensor y = c.call(Tensor.of(new float[][] {{1, 2}, {3, 4}}), Tensor.of(new float[][] {{5}, {6}}),
                Tensor.of(new float[][] {{7, 8}, {9, 10}}));
        assertEquals(Shape.of(2, 5), y.shape());
        assertArrayEquals(new float[] {1, 2, 5, 7, 8, 3, 4, 6, 9, 10}, y.toFloatArray());
    }

    @Test
    void otherAxesMustMatch() {
        Concatenate c = Concatenate.builder().axis(1).name("cat").build();
        assertEquals(Shape.of(2, 5, 3), c.computeOutputShape(List.of(Shape.of(2, 2, 3), Shape.of(2, 3, 3))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.computeOutputShape(List.of(Shape.batchOf(2, 3), Shape.batchOf(2, 4))));
        assertTrue(e.getMessage().startsWith("A `Concatenate` layer requires inputs with matching shapes except for "
                + "the concat axis. Got inputs shapes: [(None, 2, 3), (None, 2, 4)]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> c.computeOutputShape(List.of(Shape.batchOf(2, 3), Shape.batchOf(2))));
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> c.call(Input.shape(3)));
        assertTrue(one.getMessage().contains("expects at least 2 input(s), but it received 1"), one.getMessage());
    }

    @Test
    void gradientsAreTheSlices() {
        Concatenate last = Concatenate.builder().dtype(DType.FLOAT64).build();
        LayerChecks.check(last, List.of(LayerChecks.normal(1, 3, 2), LayerChecks.normal(2, 3, 4),
                LayerChecks.normal(3, 3, 1)), 1e-6, 1e-8);
        Concatenate middle = Concatenate.builder().axis(1).dtype(DType.FLOAT64).build();
        LayerChecks.check(middle, List.of(LayerChecks.normal(4, 2, 1, 3), LayerChecks.normal(5, 2, 2, 3)), 1e-6,
                1e-8);
    }
}
