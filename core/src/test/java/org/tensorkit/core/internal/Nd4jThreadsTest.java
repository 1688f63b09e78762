package org.tensorkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jThreadsTest {
    @Test
    void propertyValues() {
        assertEquals(1, Nd4jThreads.threads(null));
        assertEquals(0, Nd4jThreads.threads("keep"));
        assertEquals(3, Nd4jThreads.threads("3"));
        assertEquals(1, Nd4jThreads.threads(" 1 "));
        assertEquals(1, Nd4jThreads.threads("0"));
        assertEquals(1, Nd4jThreads.threads("many"));
    }

    /**
     * Each value of the property applied to ND4J's real environment, whatever this JVM was started with; the
     * settings are restored afterwards. ND4J 1.0.0-M2.1's maxThreads() keeps reporting the core count after
     * setMaxThreads(1); the master thread count is what it stores (and what Nd4jThreadsBenchmark shows taking
     * effect).
     */
    @Test
    void eachSettingReachesNd4j() {
        Environment env = Nd4j.getEnvironment();
        int masters = env.maxMasterThreads();
        int threads = env.maxThreads();
        int elementwise = env.elementwiseThreshold();
        int tad = env.tadThreshold();
        try {
            assertEquals(1, Nd4jThreads.configure(null, env));
            assertEquals(1, env.maxMasterThreads());
            assertTrue(env.elementwiseThreshold() >= Nd4jThreads.ELEMENTWISE_THRESHOLD);
            assertTrue(env.tadThreshold() >= Nd4jThreads.TAD_THRESHOLD);

            assertEquals(2, Nd4jThreads.configure("2", env));
            assertEquals(2, env.maxMasterThreads());

            env.setMaxMasterThreads(1); // ND4J caps the count at the cores; 1 differs from the 2 set above
            assertEquals(0, Nd4jThreads.configure("keep", env));
            assertEquals(1, env.maxMasterThreads(), "keep leaves ND4J's setting alone");
        } finally {
            env.setMaxMasterThreads(masters);
            env.setMaxThreads(threads);
            env.setElementwiseThreshold(elementwise);
            env.setTadThreshold(tad);
        }
    }

    /** configure() applies the property this JVM was started with: one ND4J thread unless it says otherwise. */
    @Test
    void configureAppliesThisJvmsSetting() {
        Environment env = Nd4j.getEnvironment();
        int before = env.maxMasterThreads();
        Nd4jThreads.configure(); // the first call applies the setting; later ones (or this one) leave it
        assertTrue(Nd4jThreads.isConfigured());
        int expected = Nd4jThreads.threads(System.getProperty(Nd4jThreads.PROPERTY));
        assertEquals(expected == 0 ? before : expected, env.maxMasterThreads());
    }

    @Test
    void applyRefusesAThreadCountBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nd4jThreads.apply(Nd4j.getEnvironment(), 0));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }
}
