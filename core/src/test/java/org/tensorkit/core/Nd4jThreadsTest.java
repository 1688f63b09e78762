package org.tensorkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
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

    @Test
    void defaultIsOneNd4jThread() {
        Tensor.of(1f); // configures
        if (System.getProperty(Nd4jThreads.PROPERTY) == null) {
            // ND4J 1.0.0-M2.1's maxThreads() keeps reporting the core count after setMaxThreads(1); the master
            // thread count is what it stores (and what Nd4jThreadsBenchmark shows taking effect)
            assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
        }
    }
}
