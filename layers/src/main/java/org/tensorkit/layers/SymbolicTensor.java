package org.tensorkit.layers;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * A placeholder for a tensor that a graph will compute: its shape (batch dimension first, usually unknown),
 * its dtype, and the {@link Node} (the layer call) that produces it. Keras calls it a KerasTensor.
 */
public final class SymbolicTensor {
    private final Shape shape;
    private final DType dtype;
    private final Node node;
    private final int index;

    SymbolicTensor(Shape shape, DType dtype, Node node, int index) {
        this.shape = shape;
        this.dtype = dtype;
        this.node = node;
        this.index = index;
    }

    /** The shape including the batch dimension, e.g. {@code (None, 1, 4)}. */
    public Shape shape() {
        return shape;
    }

    /** The dtype of the values this tensor stands for. */
    public DType dtype() {
        return dtype;
    }

    /** The call that produces this tensor. */
    public Node node() {
        return node;
    }

    /** The layer whose call produces this tensor. */
    public Layer layer() {
        return node.layer();
    }

    /** The position of this tensor among its node's outputs. */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return "SymbolicTensor(shape=" + shape + ", dtype=" + dtype + ", produced by " + node + ")";
    }
}
