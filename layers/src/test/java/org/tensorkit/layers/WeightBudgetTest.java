package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightBudgetTest {
    @Test
    void layersCreatedWithinABudgetMayNotAllocateMoreThanIt() {
        Embedding fits = WeightBudget.within(15, "the test's 15 values",
                () -> Embedding.builder().inputDim(5).outputDim(3).build());
        assertEquals(15, fits.countParams());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightBudget.within(20, "the test's 20 values", () -> {
                    Embedding.builder().inputDim(5).outputDim(3).build();
                    return Embedding.builder().inputDim(2).outputDim(3).build(); // 15 + 6 > 20
                }));
        assertTrue(e.getMessage().contains("of shape (2, 3) needs 6 values, more than the test's 20 values hold "
                + "(20, 15 of them taken by earlier weights)"), e.getMessage());
        // the weights are to be overwritten from the file: initializers do not run
        Initializer refuses = (shape, dtype) -> {
            throw new AssertionError("initializer ran");
        };
        assertEquals(12, WeightBudget.within(100, "x", () -> Embedding.builder().inputDim(4).outputDim(3)
                .initializer(refuses).build()).countParams());
        assertThrows(AssertionError.class, () -> Embedding.builder().inputDim(4).outputDim(3).initializer(refuses)
                .build());
        // no cap outside
        assertEquals(600, Embedding.builder().inputDim(200).outputDim(3).build().countParams());
    }
}
