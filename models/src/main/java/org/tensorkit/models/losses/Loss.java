package org.tensorkit.models.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras loss with its gradient. Per-sample losses are reduced as Keras's default
 * {@code SUM_OVER_BATCH_SIZE}: the mean over every per-sample value. {@code yTrue} may lack {@code yPred}'s
 * trailing axis of size 1 (ratings {@code (batch,)} against predictions {@code (batch, 1)}), as Keras allows.
 */
public interface Loss {
    /** The value and the gradient of a batch's loss. */
    record Result(double value, INDArray gradient) {
    }

    /** Keras's name, as shown in logs and History ({@code "mse"}, ...). */
    String name();

    /** The per-sample losses: {@code yPred}'s shape without its last axis. */
    INDArray perSample(INDArray yTrue, INDArray yPred);

    /** The mean loss of the batch and its gradient with respect to {@code yPred} (same shape and type). */
    Result compute(INDArray yTrue, INDArray yPred);

    /** The mean loss of the batch. */
    default double value(INDArray yTrue, INDArray yPred) {
        return perSample(yTrue, yPred).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber()
                .doubleValue();
    }
}
