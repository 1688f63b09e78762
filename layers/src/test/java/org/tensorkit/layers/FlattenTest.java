package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

class FlattenTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    @Test
    void shapeRulesFromKeras() {
        Flatten f = Flatten.create();
        assertEquals("flatten", f.name());
        assertEquals(Shape.batchOf(4), f.computeOutputShape(Shape.batchOf(1, 4)));
        assertEquals(Shape.of(3, 8), f.computeOutputShape(Shape.of(3, 2, 4)));
        assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), f.computeOutputShape(Shape.batchOf(Shape.UNKNOWN, 4)));
        assertEquals(Shape.of(3, 1), f.computeOutputShape(Shape.of(3)));
        assertThrows(IllegalArgumentException.class, () -> f.computeOutputShape(Shape.scalar()));
        assertEquals("flatten_1", Flatten.create().name());
    }

    @Test
    void flattensRowMajor() {
        Tensor x = Tensor.arange(24, DType.FLOAT32).reshape(3, 2, 4);
        Tensor y = Flatten.create().call(x);
        assertEquals(Shape.of(3, 8), y.shape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        Tensor scalars = Flatten.create().call(Tensor.of(1f, 2f, 3f));
        assertEquals(Shape.of(3, 1), scalars.shape());
    }

    @Test
    void channelsFirstMovesAxisOneLast() {
        Tensor x = Tensor.arange(12, DType.FLOAT32).reshape(1, 3, 2, 2);
        Tensor y = Flatten.builder().dataFormat(Flatten.DataFormat.CHANNELS_FIRST).build().call(x);
        // transpose (0, 2, 3, 1) of [[c0: 0..3], [c1: 4..7], [c2: 8..11]]
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, y.toFloatArray());
    }
}
