package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/** What the base classes decide for every layer: when it is built, how many inputs it takes, its dtype checks. */
class LayerContractTest {
    @Test
    void aLayerWithoutOnBuildIsBuiltFromTheStart() {
        for (Layer l : List.of(Flatten.create(), Dropout.of(0.5), Dot.of(1), Concatenate.create(),
                Embedding.builder().inputDim(3).outputDim(2).build(), Input.shape(2).layer())) {
            assertTrue(l.isBuilt(), l.toString());
            assertEquals(l.weights().stream().mapToLong(Weight::size).sum(), l.countParams());
        }
    }

    @Test
    void aLayerWhoseWeightsNeedTheInputWaitsForItsFirstCall() {
        Dense d = Dense.of(3);
        assertFalse(d.isBuilt());
        assertThrows(IllegalStateException.class, d::countParams);
        d.call(Input.shape(4));
        assertTrue(d.isBuilt());
        assertEquals(4 * 3 + 3, d.countParams());
    }

    @Test
    void inputCountsComeFromTheBaseClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dense.of(1).computeOutputShape(List.of(Shape.batchOf(2), Shape.batchOf(2))));
        assertTrue(e.getMessage().endsWith("expects 1 input(s), but it received 2 input tensor(s)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Concatenate.create().computeOutputShape(Shape.batchOf(2)));
        assertTrue(e.getMessage().endsWith("expects at least 2 input(s), but it received 1 input tensor(s)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dot.of(1).computeOutputShape(
                List.of(Shape.batchOf(2), Shape.batchOf(2), Shape.batchOf(2))));
        assertTrue(e.getMessage().endsWith("expects 2 input(s), but it received 3 input tensor(s)"), e.getMessage());
    }

    @Test
    void computingLayersRefuseANonFloatingDtypeByClassName() {
        assertEquals("Dense dtype must be floating point, got int32",
                assertThrows(IllegalArgumentException.class, () -> Dense.builder().dtype(DType.INT32)).getMessage());
        assertEquals("Dropout dtype must be floating point, got int64",
                assertThrows(IllegalArgumentException.class, () -> Dropout.builder().dtype(DType.INT64)).getMessage());
        assertEquals("Dot dtype must be floating point, got bool",
                assertThrows(IllegalArgumentException.class, () -> Dot.builder().dtype(DType.BOOL)).getMessage());
        assertEquals("Concatenate dtype must be floating point, got int8", assertThrows(
                IllegalArgumentException.class, () -> Concatenate.builder().dtype(DType.INT8)).getMessage());
    }
}
