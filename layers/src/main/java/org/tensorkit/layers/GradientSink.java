package org.tensorkit.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Receives weight gradients from {@link Layer#backward}. Dense gradients cover a whole weight; row gradients
 * cover only some rows of a table (an embedding touches only the rows of the ids in the batch), so an optimizer
 * can update just those rows.
 */
public interface GradientSink {
    /** Adds {@code gradient} (same shape as the weight) to the weight's gradient. */
    void addDense(Weight weight, INDArray gradient);

    /**
     * Adds {@code rowGradients[k]} to row {@code rows[k]} of the weight's gradient. {@code rows} is a 1-D int64
     * array that may repeat a row (the contributions add up); {@code rowGradients} is {@code (rows.length, ...)}
     * with the weight's row shape.
     */
    void addRows(Weight weight, INDArray rows, INDArray rowGradients);
}
