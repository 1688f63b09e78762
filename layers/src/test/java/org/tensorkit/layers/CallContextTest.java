package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.internal.StepArena;

class CallContextTest {
    /** A training loop's context is made ready for the next step in place: nothing of the last step remains. */
    @Test
    void aLoopsContextStartsEachStepAfresh() {
        try (StepArena arena = new StepArena()) {
            CallContext c = CallContext.training(0, 11, arena);
            c.save("state of step 1");
            assertSame(c, c.nextStep(64, 12));
            assertEquals(64, c.rowOffset());
            assertEquals(OptionalLong.of(12), c.seed());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.saved(String.class));
            assertEquals("backward needs a forward pass run with CallContext.training(...)", e.getMessage());
        }
    }

    @Test
    void onlyALoopsContextIsReused() {
        CallContext once = CallContext.training(0, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> once.nextStep(0, 6));
        assertEquals("only a training loop's context (made with a StepArena) is reused", e.getMessage());
        assertEquals(OptionalLong.of(5), once.seed(), "the refusal changed nothing");
        try (StepArena arena = new StepArena()) {
            CallContext loop = CallContext.training(0, 1, arena);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> loop.nextStep(-1, 2));
            assertEquals("rowOffset must be >= 0, got -1", bad.getMessage());
            assertEquals(0, loop.rowOffset());
            assertEquals(OptionalLong.of(1), loop.seed());
        }
    }
}
