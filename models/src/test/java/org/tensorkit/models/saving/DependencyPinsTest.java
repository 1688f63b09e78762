package org.tensorkit.models.saving;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What the parent POM pins against a transitive upgrade that would cost every ND4J array. */
class DependencyPinsTest {
    /**
     * jhdf brings commons-lang3 3.20, whose {@code RandomUtils.nextInt} makes a new {@code SecureRandom} per call
     * (through {@code RandomUtils.secure()}, added in 3.15); ND4J calls it for every buffer it creates. The pinned
     * 3.14 draws from {@code ThreadLocalRandom} and has no {@code secure()}.
     */
    @Test
    void commonsLang3IsTheOneWithASharedGenerator() {
        Class<?> randomUtils = assertDoesNotThrow(() -> Class.forName("org.apache.commons.lang3.RandomUtils"));
        assertThrows(NoSuchMethodException.class, () -> randomUtils.getMethod("secure"),
                "commons-lang3 on the class path is 3.15 or later: pin it to 3.14.0 in the parent POM");
    }
}
