package org.tensorkit.models.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import org.tensorkit.layers.InputLayer;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;

/**
 * The immutable graph of a model: the nodes (layer calls) needed to compute the outputs from the inputs, in
 * execution order, with Keras's depths and layer order. Traced once when a model is built; shared by every
 * call of {@code predict} (and later training) on any thread.
 *
 * <p>The tracing follows Keras's {@code _map_graph_network}: a depth-first walk from the outputs (first output
 * first) lists the nodes and the order in which layers are first reached; a node's depth is the longest path
 * from it to an output (a shared layer's nodes are kept no shallower than its deeper calls); layers are listed
 * by decreasing depth, ties in first-reached order, so inputs come first and outputs last.
 */
public final class Graph {
    private final List<SymbolicTensor> inputs;
    private final List<SymbolicTensor> outputs;
    private final List<Node> nodes;
    private final Map<Node, Integer> nodeIndex;
    private final List<List<Node>> nodesByDepth;
    private final List<Layer> layers;

    private Graph(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<List<Node>> nodesByDepth,
                  List<Layer> layers) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodesByDepth = nodesByDepth.stream().map(List::copyOf).toList();
        this.layers = List.copyOf(layers);
        List<Node> order = new ArrayList<>();
        nodesByDepth.forEach(order::addAll);
        this.nodes = List.copyOf(order);
        Map<Node, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            index.put(order.get(i), i);
        }
        this.nodeIndex = Collections.unmodifiableMap(index);
    }

    /**
     * Traces the graph that computes {@code outputs} from {@code inputs}.
     *
     * @param modelName named in error messages
     * @throws IllegalArgumentException if an input does not come from {@code Input()}, an input is listed twice,
     *                                  an output needs a tensor the inputs do not give (Keras's "Graph
     *                                  disconnected"), or two layers share a name
     */
    public static Graph trace(String modelName, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        checkInputs(modelName, inputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("Model \"" + modelName + "\" needs at least one output tensor, got none");
        }

        // Depth-first walk from the outputs: nodes in post order, layers in first-reached order.
        List<Node> postOrder = new ArrayList<>();
        Map<Layer, Integer> layerIndices = new IdentityHashMap<>();
        Set<Node> finished = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor output : outputs) {
            walk(output.node(), finished, postOrder, layerIndices);
        }

        // Depths, from the outputs (depth 0) back to the inputs.
        Map<Node, Integer> nodeDepths = new LinkedHashMap<>();
        Map<Layer, Integer> layerDepths = new LinkedHashMap<>();
        for (int i = postOrder.size() - 1; i >= 0; i--) {
            Node node = postOrder.get(i);
            int depth = Math.max(nodeDepths.computeIfAbsent(node, n -> 0), layerDepths.getOrDefault(node.layer(), 0));
            layerDepths.put(node.layer(), depth);
            nodeDepths.put(node, depth);
            for (SymbolicTensor in : node.inputs()) {
                nodeDepths.merge(in.node(), depth + 1, Math::max);
            }
        }
        for (SymbolicTensor input : inputs) {
            if (!layerDepths.containsKey(input.layer())) { // an input no output depends on
                layerDepths.put(input.layer(), 0);
                layerIndices.put(input.layer(), -1);
                nodeDepths.put(input.node(), 0);
            }
        }

        TreeMap<Integer, List<Node>> byDepth = new TreeMap<>(Collections.reverseOrder());
        nodeDepths.forEach((node, depth) -> byDepth.computeIfAbsent(depth, d -> new ArrayList<>()).add(node));
        TreeMap<Integer, List<Layer>> layersByDepth = new TreeMap<>(Collections.reverseOrder());
        layerDepths.forEach((layer, depth) -> layersByDepth.computeIfAbsent(depth, d -> new ArrayList<>()).add(layer));
        List<Layer> layers = new ArrayList<>();
        for (List<Layer> sameDepth : layersByDepth.values()) {
            sameDepth.sort((a, b) -> Integer.compare(layerIndices.get(a), layerIndices.get(b)));
            layers.addAll(sameDepth);
        }

        List<List<Node>> nodesByDepth = new ArrayList<>(byDepth.values());
        checkConnected(inputs, nodesByDepth);
        checkUniqueNames(layers);
        return new Graph(inputs, outputs, nodesByDepth, layers);
    }

    /** Post-order walk without recursion (deep graphs must not overflow the stack). */
    private static void walk(Node start, Set<Node> finished, List<Node> postOrder, Map<Layer, Integer> layerIndices) {
        Deque<Node> stack = new ArrayDeque<>();
        Deque<Integer> nextInput = new ArrayDeque<>();
        if (!enter(start, finished, layerIndices)) {
            return;
        }
        stack.push(start);
        nextInput.push(0);
        while (!stack.isEmpty()) {
            Node node = stack.peek();
            int next = nextInput.pop();
            if (next < node.inputs().size()) {
                nextInput.push(next + 1);
                Node parent = node.inputs().get(next).node();
                if (enter(parent, finished, layerIndices)) {
                    stack.push(parent);
                    nextInput.push(0);
                }
            } else {
                stack.pop();
                finished.add(node);
                postOrder.add(node);
            }
        }
    }

    private static boolean enter(Node node, Set<Node> finished, Map<Layer, Integer> layerIndices) {
        if (finished.contains(node)) {
            return false;
        }
        layerIndices.putIfAbsent(node.layer(), layerIndices.size());
        return true;
    }

    private static void checkInputs(String modelName, List<SymbolicTensor> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("Model \"" + modelName + "\" needs at least one input tensor, got none");
        }
        Set<SymbolicTensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor input : inputs) {
            if (!isInputTensor(input)) {
                throw new IllegalArgumentException("Input tensors to a Model must come from `Input()`. Received: "
                        + input + " for model \"" + modelName + "\"; it is the output of layer \""
                        + input.layer().name() + "\" (" + input.layer().getClass().getSimpleName() + ")");
            }
            if (!seen.add(input)) {
                throw new IllegalArgumentException("The list of inputs passed to the model \"" + modelName
                        + "\" is redundant. All inputs should only appear once. Found twice: " + input);
            }
        }
    }

    /** Whether {@code t} is the placeholder of an {@code Input()}: an InputLayer's node, with no inputs. */
    public static boolean isInputTensor(SymbolicTensor t) {
        return t.layer() instanceof InputLayer && t.node().inputs().isEmpty();
    }

    /**
     * Keras's check that every node can be computed from the inputs. An input layer's node is computable only if
     * its tensor is one of the model's inputs (as in tf.keras 2.1, the error then names that input layer).
     */
    private static void checkConnected(List<SymbolicTensor> inputs, List<List<Node>> nodesByDepth) {
        Set<SymbolicTensor> computable = Collections.newSetFromMap(new IdentityHashMap<>());
        computable.addAll(inputs);
        List<String> accessed = new ArrayList<>();
        for (List<Node> sameDepth : nodesByDepth) {
            for (Node node : sameDepth) {
                List<SymbolicTensor> needed = node.inputs().isEmpty() ? List.of(node.output()) : node.inputs();
                for (SymbolicTensor t : needed) {
                    if (!computable.contains(t)) {
                        StringJoiner previous = new StringJoiner(", ", "[", "]");
                        accessed.forEach(name -> previous.add("'" + name + "'"));
                        throw new IllegalArgumentException("Graph disconnected: cannot obtain value for tensor " + t
                                + " at layer \"" + node.layer().name() + "\". The following previous layers were "
                                + "accessed without issue: " + previous);
                    }
                }
                computable.add(node.output());
                accessed.add(node.layer().name());
            }
        }
    }

    private static void checkUniqueNames(List<Layer> layers) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        layers.forEach(l -> counts.merge(l.name(), 1, Integer::sum));
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() != 1) {
                throw new IllegalArgumentException("The name \"" + e.getKey() + "\" is used " + e.getValue()
                        + " times in the model. All layer names should be unique.");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The input placeholders, in the order data is fed. */
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    /** The output tensors, in the order results are returned. */
    public List<SymbolicTensor> outputs() {
        return outputs;
    }

    /** Every node, in an order that computes each node after the nodes it reads (decreasing depth). */
    public List<Node> nodes() {
        return nodes;
    }

    /** The nodes grouped by depth, deepest (inputs) first. */
    public List<List<Node>> nodesByDepth() {
        return nodesByDepth;
    }

    /** The layers in Keras's {@code model.layers} order, input layers included. */
    public List<Layer> layers() {
        return layers;
    }

    /** Whether {@code node} is one of this graph's nodes. */
    public boolean contains(Node node) {
        return nodeIndex.containsKey(node);
    }

    /** Position of {@code node} in {@link #nodes()}. */
    public int indexOf(Node node) {
        Integer i = nodeIndex.get(Objects.requireNonNull(node, "node"));
        if (i == null) {
            throw new IllegalArgumentException("node " + node + " is not part of this graph");
        }
        return i;
    }
}
