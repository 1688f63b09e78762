package org.tensorkit.models.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras metric: per-sample values whose running mean over an epoch is what Keras logs
 * ({@code MeanMetricWrapper}); see {@link org.tensorkit.models.training.RunningMean}.
 */
public interface Metric {
    /** The name in logs and History ({@code "mse"}, {@code "accuracy"}). */
    String name();

    /** One value per sample: a 1-D array over every axis of {@code yPred} but the last. */
    INDArray perSample(INDArray yTrue, INDArray yPred);
}
