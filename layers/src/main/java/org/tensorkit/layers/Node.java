package org.tensorkit.layers;

import java.util.List;

/**
 * One call of a layer on symbolic tensors: which tensors went in and which came out. A layer keeps its nodes in
 * call order; a node's {@link #index()} is its position there (the {@code [1]} of {@code My_embedding[1][0]}).
 */
public final class Node {
    private final Layer layer;
    private final int index;
    private final List<SymbolicTensor> inputs;
    private final SymbolicTensor output;

    Node(Layer layer, int index, List<SymbolicTensor> inputs, org.tensorkit.core.Shape outputShape,
         org.tensorkit.core.DType outputDType) {
        this.layer = layer;
        this.index = index;
        this.inputs = List.copyOf(inputs);
        this.output = new SymbolicTensor(outputShape, outputDType, this, 0);
    }

    /** The layer this node is a call of. */
    public Layer layer() {
        return layer;
    }

    /** Position of this call among the layer's calls, across every model the layer sits in. */
    public int index() {
        return index;
    }

    /** The tensors this call consumed; empty for an input layer's node. */
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    /** The tensor this call produced (every tensorkit layer has one output). */
    public SymbolicTensor output() {
        return output;
    }

    @Override
    public String toString() {
        return layer.name() + "[" + index + "]";
    }
}
