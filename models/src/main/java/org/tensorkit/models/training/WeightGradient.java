package org.tensorkit.models.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.layers.Weight;

/**
 * The merged gradient of one weight for one step: either dense ({@link #dense()}, the weight's shape) or
 * row-sparse ({@link #rows()}, distinct and increasing, with {@link #rowValues()} of shape
 * {@code (rows.length, rowLength)}; every other row's gradient is zero and an optimizer leaves it alone).
 */
public record WeightGradient(Weight weight, INDArray dense, long[] rows, INDArray rowValues) {
    public static WeightGradient dense(Weight weight, INDArray gradient) {
        return new WeightGradient(weight, gradient, null, null);
    }

    public static WeightGradient rows(Weight weight, long[] rows, INDArray rowValues) {
        return new WeightGradient(weight, null, rows, rowValues);
    }

    public boolean isRowSparse() {
        return dense == null;
    }
}
