package org.tensorkit.layers;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A penalty on a weight's values that training adds to the loss (Keras's {@code kernel_regularizer},
 * {@code embeddings_regularizer}). Given to a layer's builder; it ends up on the {@link Weight}.
 *
 * <p>Both methods take either a whole weight or some of its rows: a row-sparse weight (an embedding table) is
 * penalized only on the rows a training step touches, see {@link Weight#isRowSparse()}. For that to mean
 * anything the penalty must be a sum over elements, as Keras's l1/l2 are.
 */
public interface Regularizer {
    /** The penalty of {@code values}, a scalar added to the loss. */
    double penalty(INDArray values);

    /** The gradient of {@link #penalty} with respect to {@code values}: a new array of the same shape and type. */
    INDArray gradient(INDArray values);

    /**
     * Keras's description, {@code {"class_name": "L2", "config": {"l2": 0.01}}}. A custom regularizer has none:
     * the default throws {@link IllegalStateException}; override it to make a layer that uses it describable.
     */
    default Map<String, Object> config() {
        throw new IllegalStateException("regularizer " + this + " has no config: only tensorkit's built-in "
                + "regularizers (l2) describe themselves");
    }
}
