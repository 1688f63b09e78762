package org.tensorkit.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.BulkData;

/**
 * Receives weight gradients from {@link Layer#backward}. Dense gradients cover a whole weight; row gradients
 * cover only some rows of a table (an embedding touches only the rows of the ids in the batch), so an optimizer
 * can update just those rows.
 */
public interface GradientSink {
    /**
     * Adds {@code gradient} (same shape as the weight) to the weight's gradient. The sink copies what it keeps: the
     * caller may free {@code gradient} once the call returns.
     */
    void addDense(Weight weight, INDArray gradient);

    /**
     * Adds {@code rowGradients[k]} to row {@code rows[k]} of the weight's gradient. {@code rows} is a 1-D int64
     * array that may repeat a row (the contributions add up); {@code rowGradients} is {@code (rows.length, ...)}
     * with the weight's row shape.
     */
    void addRows(Weight weight, INDArray rows, INDArray rowGradients);

    /**
     * {@link #addRows(Weight, INDArray, INDArray)} with the rows as a Java array (the sink may keep it: the caller
     * must not change it afterwards) and {@code rowGradients} of any shape holding {@code rows.length} rows of the
     * weight's row size in C order (an embedding's {@code (batch, length, dim)} output gradient as it is). The
     * default wraps the rows in an int64 array and reshapes the gradients; a sink that works on Java arrays
     * overrides it and saves both.
     */
    default void addRows(Weight weight, long[] rows, INDArray rowGradients) {
        long rowLength = weight.size() / Math.max(weight.shape().dim(0), 1);
        addRows(weight, Nd4j.createFromArray(rows), rowGradients.reshape('c', rows.length, rowLength));
    }

    /**
     * {@link #addRows(Weight, long[], INDArray)} with the rows as the ids a layer looked up: an array of integers,
     * or of floating-point values holding integers (cast as ND4J casts), any shape, already validated against the
     * table. The sink reads them at once (it keeps nothing of {@code ids}); the default reads them into a new Java
     * array, a training loop's sink into one it reuses from step to step.
     */
    default void addRowIds(Weight weight, INDArray ids, INDArray rowGradients) {
        addRows(weight, BulkData.readLongs(ids), rowGradients);
    }
}
