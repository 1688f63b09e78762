package org.tensorkit.models.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.losses.Metric;
import org.tensorkit.models.losses.Metrics;
import org.tensorkit.models.training.RunningMean;

class MetricsTest {
    @Test
    void errorsPerSample() {
        INDArray y = Nd4j.createFromArray(4.0, 2.0);
        INDArray p = Nd4j.createFromArray(new double[][] {{3.0}, {2.5}});
        assertArrayEquals(new double[] {1, 0.25}, Metrics.mse().perSample(y, p).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {1, 0.5}, Metrics.get("mae", Losses.mse(), 1).perSample(y, p)
                .toDoubleVector(), 1e-12);
    }

    @Test
    void accuracyIsResolvedLikeKeras() {
        Metric binary = Metrics.get("accuracy", Losses.binaryCrossentropy(), 1);
        assertEquals("accuracy", binary.name());
        assertArrayEquals(new double[] {1, 0, 1}, binary.perSample(Nd4j.createFromArray(1.0, 1.0, 0.0),
                Nd4j.createFromArray(new double[][] {{0.7}, {0.4}, {0.5}})).toDoubleVector(), 0);
        Metric sparse = Metrics.get("acc", Losses.sparseCategoricalCrossentropy(), 3);
        assertArrayEquals(new double[] {1, 0}, sparse.perSample(Nd4j.createFromArray(2, 1),
                Nd4j.createFromArray(new double[][] {{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}})).toDoubleVector(), 0);
        assertThrows(IllegalArgumentException.class, () -> Metrics.get("accuracy", Losses.mse(), 3));
        assertThrows(IllegalArgumentException.class, () -> Metrics.get("auc", Losses.mse(), 1));
    }

    @Test
    void runningMeanWeighsSamples() {
        RunningMean m = new RunningMean();
        assertEquals(0, m.result());
        m.update(Nd4j.createFromArray(1.0, 2.0, 3.0));
        m.update(10, 1);
        assertEquals(4, m.result(), 1e-12);
        assertEquals(4, m.count());
        m.reset();
        assertEquals(0, m.count());
    }
}
