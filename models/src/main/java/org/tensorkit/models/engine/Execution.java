package org.tensorkit.models.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.ScratchArrays;
import org.tensorkit.core.internal.Seeds;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;

/**
 * One run of a {@link Graph} on one batch: the forward walk (every node's output and the {@link CallContext} its
 * layer ran with) and, after a training forward walk, the backward walk. Per call and per thread: nothing here
 * is shared.
 */
public final class Execution {
    private final Graph graph;
    private final INDArray[] values;
    private final CallContext[] contexts;
    /** The gradients the backward walk computed (see {@link #release}). */
    private final List<INDArray> gradients = new ArrayList<>();

    private Execution(Graph graph) {
        this.graph = graph;
        this.values = new INDArray[graph.nodes().size()];
        this.contexts = new CallContext[graph.nodes().size()];
    }

    /**
     * Runs every node of {@code graph} in topological order on whole batches.
     *
     * @param inputs    one array per graph input, standardized ({@link Inputs#standardize})
     * @param rowOffset where this batch starts in the caller's data (for error messages)
     * @param training  whether layers run in training mode (and save state for backward)
     */
    public static Execution forward(Graph graph, List<INDArray> inputs, long rowOffset, boolean training) {
        return run(graph, inputs, node -> training ? CallContext.training(rowOffset) : CallContext.inference(rowOffset));
    }

    /**
     * Runs every node in training mode, node {@code i} with the seed {@code mix(stepSeed, i)}: a training loop
     * derives {@code stepSeed} from its seed, the epoch and the step, so random layers (Dropout) draw the same
     * masks in every run with the same seed, whatever ran before. The layers' work arrays come from
     * {@code scratch}, which the loop resets at every step.
     */
    public static Execution forwardTraining(Graph graph, List<INDArray> inputs, long rowOffset, long stepSeed,
                                            ScratchArrays scratch) {
        return run(graph, inputs, node -> CallContext.training(rowOffset, Seeds.mix(stepSeed, node), scratch));
    }

    /** Lists of {@code n} nulls, shared: a step of a model without masks allocates none. */
    private static final List<List<INDArray>> NO_MASKS = java.util.stream.IntStream.range(0, 17)
            .mapToObj(n -> java.util.Collections.<INDArray>nCopies(n, null)).toList();

    private static List<INDArray> noMasks(int n) {
        return n < NO_MASKS.size() ? NO_MASKS.get(n) : java.util.Collections.nCopies(n, null);
    }

    private static Execution run(Graph graph, List<INDArray> inputs, IntFunction<CallContext> contextOf) {
        if (inputs.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("graph has " + graph.inputs().size() + " inputs, got "
                    + inputs.size() + " arrays");
        }
        Execution run = new Execution(graph);
        for (int i = 0; i < inputs.size(); i++) {
            run.values[graph.indexOf(graph.inputs().get(i).node())] = inputs.get(i);
        }
        List<Node> nodes = graph.nodes();
        INDArray[] masks = new INDArray[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            CallContext context = contextOf.apply(i);
            run.contexts[i] = context;
            if (node.inputs().isEmpty()) {
                continue; // an input node: its value is the data fed in, without a mask
            }
            List<INDArray> in = run.inputsOf(node);
            List<INDArray> none = noMasks(in.size());
            List<INDArray> inMasks = none;
            for (int k = 0; k < in.size(); k++) {
                INDArray m = masks[graph.indexOf(node.inputs().get(k).node())];
                if (m != null) {
                    if (inMasks == none) {
                        inMasks = new ArrayList<>(none);
                    }
                    inMasks.set(k, m);
                }
            }
            if (inMasks != none) {
                context.setInputMasks(inMasks);
            }
            run.values[i] = node.layer().forward(in, context);
            masks[i] = node.layer().outputMask(in, inMasks); // Keras's masks, handed on to the layers reading it
        }
        return run;
    }

    /**
     * Which nodes a backward walk must visit: those whose layer has trainable weights, and those downstream of
     * one (their input gradients lead there). Nodes that no trainable weight is upstream of are skipped.
     */
    public static boolean[] nodesNeedingBackward(Graph graph) {
        List<Node> nodes = graph.nodes();
        boolean[] needs = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            boolean n = !node.inputs().isEmpty() && !node.layer().trainableWeights().isEmpty();
            for (SymbolicTensor in : node.inputs()) {
                n |= needs[graph.indexOf(in.node())];
            }
            needs[i] = n;
        }
        return needs;
    }

    /**
     * The backward walk of a training forward walk: from the gradient of the loss with respect to {@code output},
     * the nodes in reverse topological order send their weight gradients to {@code sink}. A node's output
     * gradient is the sum of what every node reading it sent back (a layer called twice gets both
     * contributions); nodes that no loss depends on, and nodes not in {@code needsBackward}
     * ({@link #nodesNeedingBackward}), are skipped.
     */
    public void backward(SymbolicTensor output, INDArray outputGradient, boolean[] needsBackward, GradientSink sink) {
        List<Node> nodes = graph.nodes();
        INDArray[] gradients = new INDArray[nodes.size()];
        gradients[graph.indexOf(output.node())] = outputGradient;
        this.gradients.add(outputGradient);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            INDArray g = gradients[i];
            gradients[i] = null;
            if (g == null || !needsBackward[i]) {
                continue;
            }
            Layer layer = node.layer();
            List<INDArray> inputGradients = layer.backward(inputsOf(node), g, contexts[i], sink);
            List<SymbolicTensor> in = node.inputs();
            for (int k = 0; k < in.size(); k++) {
                INDArray gk = k < inputGradients.size() ? inputGradients.get(k) : null;
                int j = graph.indexOf(in.get(k).node());
                if (gk == null || !needsBackward[j]) {
                    continue;
                }
                // a tensor read twice (or by two layers) gets the sum; never add into an array a layer returned
                gradients[j] = gradients[j] == null ? gk : gradients[j].add(gk);
                this.gradients.add(gradients[j]);
                this.gradients.add(gk);
            }
        }
    }

    /**
     * Frees at once the native memory of every array this run computed (the nodes' outputs and the backward walk's
     * gradients, the loss gradient it started from included), instead of leaving it to a garbage collection, which a training loop that makes little Java
     * garbage rarely causes: pooled buffers go back to the output pool, warm for the next step. Arrays that share
     * memory with the data fed in or with a weight are left alone, and each buffer is released once. Call it when
     * nothing of the run is used any more: after the optimizer's step, the gradient sink cleared.
     */
    public void release() {
        List<INDArray> keep = new ArrayList<>();
        for (SymbolicTensor input : graph.inputs()) {
            keep.add(value(input));
        }
        for (Layer layer : graph.layers()) {
            for (Weight w : layer.weights()) {
                keep.add(w.value());
            }
        }
        Set<DataBuffer> released = Collections.newSetFromMap(new IdentityHashMap<>());
        List<INDArray> computed = new ArrayList<>(gradients);
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).inputs().isEmpty()) {
                computed.add(values[i]);
            }
        }
        for (INDArray a : computed) {
            if (a == null || a.isEmpty() || !released.add(NdArrays.root(a.data())) || NdArrays.sharesMemoryWithAny(a, keep)) {
                continue;
            }
            OutputBuffers.release(a);
        }
        gradients.clear();
    }


    /** The arrays the node's layer consumed (the outputs of the nodes it reads). */
    private List<INDArray> inputsOf(Node node) {
        List<SymbolicTensor> in = node.inputs();
        List<INDArray> arrays = new ArrayList<>(in.size());
        for (SymbolicTensor t : in) {
            arrays.add(value(t));
        }
        return arrays;
    }

    /** The array computed for a tensor of the graph. */
    public INDArray value(SymbolicTensor tensor) {
        return values[graph.indexOf(tensor.node())];
    }

    /** The arrays of the graph's outputs, in output order. */
    public List<INDArray> outputs() {
        List<INDArray> out = new ArrayList<>(graph.outputs().size());
        for (SymbolicTensor t : graph.outputs()) {
            out.add(value(t));
        }
        return out;
    }
}
