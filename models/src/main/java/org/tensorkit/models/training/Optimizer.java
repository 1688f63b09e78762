package org.tensorkit.models.training;

import java.util.List;

/**
 * Updates weights in place from one step's merged gradients ({@link GradientAccumulator#gradients()}).
 * Dense gradients update the whole weight; row-sparse gradients update only their rows, and only those rows'
 * optimizer state (lazy updates), so a step on a huge embedding table costs the size of the batch.
 */
public interface Optimizer {
    /**
     * Applies one step to every weight in {@code gradients}, then counts the step. The gradients are consumed:
     * their arrays may be overwritten.
     */
    void apply(List<WeightGradient> gradients);

    /** Steps applied so far (Keras's {@code optimizer.iterations}). */
    long iterations();

    /** The learning rate. */
    double learningRate();
}
