package org.tensorkit.models.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.StepArena;
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
    private final INDArray[] masks;
    /** Per node, its inputs' arrays and the fixed-size list over them that its layer is handed. */
    private final INDArray[][] inputArrays;
    private final List<INDArray>[] inputLists;
    /** The gradients the backward walk computed (see {@link #release}). */
    private final List<INDArray> gradients = new ArrayList<>();
    /** The output gradients of the backward walk, per node (made by the first backward walk). */
    private INDArray[] nodeGradients;
    /** The training loop's arena, or {@code null} for a one-off run. */
    private final StepArena arena;
    // what release() reuses from one step to the next (made by the first release: an inference run has none)
    private List<INDArray> keep;
    private Set<DataBuffer> released;
    private List<Weight> weights;
    private int weightCount;

    @SuppressWarnings("unchecked")
    private Execution(Graph graph, StepArena arena) {
        this.graph = graph;
        this.arena = arena;
        int n = graph.nodes().size();
        this.values = new INDArray[n];
        this.contexts = new CallContext[n];
        this.masks = new INDArray[n];
        this.inputArrays = new INDArray[n][];
        this.inputLists = new List[n];
    }

    /**
     * Runs every node of {@code graph} in topological order on whole batches.
     *
     * @param inputs    one array per graph input, standardized ({@link Inputs#standardize})
     * @param rowOffset where this batch starts in the caller's data (for error messages)
     * @param training  whether layers run in training mode (and save state for backward)
     */
    public static Execution forward(Graph graph, List<INDArray> inputs, long rowOffset, boolean training) {
        Execution run = new Execution(graph, null);
        for (int i = 0; i < run.contexts.length; i++) {
            run.contexts[i] = training ? CallContext.training(rowOffset) : CallContext.inference(rowOffset);
        }
        run.run(inputs);
        return run;
    }

    /**
     * A training loop's execution of {@code graph}, run again at every step by {@link #forwardTraining}: its
     * arrays, its layers' contexts and the arena's outputs are the previous step's, so a step allocates next to
     * nothing.
     */
    public static Execution forTraining(Graph graph, StepArena arena) {
        Execution run = new Execution(graph, java.util.Objects.requireNonNull(arena, "arena"));
        for (int i = 0; i < run.contexts.length; i++) {
            run.contexts[i] = CallContext.training(0, 0, arena);
        }
        return run;
    }

    /**
     * Runs every node in training mode, node {@code i} with the seed {@code mix(stepSeed, i)}: a training loop
     * derives {@code stepSeed} from its seed, the epoch and the step, so random layers (Dropout) draw the same
     * masks in every run with the same seed, whatever ran before. Forgets the previous step (whose arrays must not
     * be used any more); the outputs come from the arena, which the caller has entered for the step.
     */
    public void forwardTraining(List<INDArray> inputs, long rowOffset, long stepSeed) {
        if (arena == null) {
            throw new IllegalStateException("not a training loop's execution (see forTraining)");
        }
        for (int i = 0; i < contexts.length; i++) {
            contexts[i].nextStep(rowOffset, Seeds.mix(stepSeed, i));
        }
        run(inputs);
    }

    /** Lists of {@code n} nulls, shared: a step of a model without masks allocates none. */
    private static final List<List<INDArray>> NO_MASKS = java.util.stream.IntStream.range(0, 17)
            .mapToObj(n -> java.util.Collections.<INDArray>nCopies(n, null)).toList();

    private static List<INDArray> noMasks(int n) {
        return n < NO_MASKS.size() ? NO_MASKS.get(n) : java.util.Collections.nCopies(n, null);
    }

    private void run(List<INDArray> inputs) {
        if (inputs.size() != graph.inputs().size()) {
            throw new IllegalArgumentException("graph has " + graph.inputs().size() + " inputs, got "
                    + inputs.size() + " arrays");
        }
        Arrays.fill(values, null);
        Arrays.fill(masks, null);
        for (int i = 0; i < inputs.size(); i++) {
            values[graph.indexOf(graph.inputs().get(i).node())] = inputs.get(i);
        }
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            CallContext context = contexts[i];
            if (node.inputs().isEmpty()) {
                continue; // an input node: its value is the data fed in, without a mask
            }
            List<INDArray> in = inputsOf(i);
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
            values[i] = node.layer().forward(in, context);
            masks[i] = node.layer().outputMask(in, inMasks); // Keras's masks, handed on to the layers reading it
        }
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
        if (nodeGradients == null) {
            nodeGradients = new INDArray[nodes.size()];
        }
        INDArray[] gradients = nodeGradients;
        Arrays.fill(gradients, null);
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
            List<INDArray> inputGradients = layer.backward(inputsOf(i), g, contexts[i], sink);
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
        if (keep == null) {
            keep = new ArrayList<>();
            released = Collections.newSetFromMap(new IdentityHashMap<>());
        }
        keep.clear();
        List<SymbolicTensor> inputs = graph.inputs();
        for (int k = 0; k < inputs.size(); k++) { // indexed loops: no iterator per step
            keep.add(value(inputs.get(k)));
        }
        List<Weight> weights = graphWeights();
        for (int k = 0; k < weights.size(); k++) {
            keep.add(weights.get(k).value());
        }
        released.clear();
        for (int k = 0; k < gradients.size(); k++) {
            release(gradients.get(k));
        }
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).inputs().isEmpty()) {
                release(values[i]);
            }
        }
        gradients.clear();
        keep.clear();
        released.clear();
    }

    private void release(INDArray a) {
        if (a == null || a.isEmpty() || arena != null && arena.owns(a) || !released.add(NdArrays.root(a.data()))
                || NdArrays.sharesMemoryWithAny(a, keep)) {
            return; // the arena's arrays stay with it, for the next step
        }
        OutputBuffers.release(a);
    }

    /** The weights of the graph's layers, listed again only when their number changed (a layer built later). */
    private List<Weight> graphWeights() {
        int count = 0;
        List<Layer> layers = graph.layers();
        for (int k = 0; k < layers.size(); k++) { // indexed: no iterator per step
            count += layers.get(k).weightCount();
        }
        if (weights == null || count != weightCount) {
            List<Weight> all = new ArrayList<>();
            for (Layer layer : graph.layers()) {
                all.addAll(layer.weights());
            }
            weights = all;
            weightCount = count;
        }
        return weights;
    }

    /** The arrays the node's layer consumed (the outputs of the nodes it reads), in the node's reused list. */
    private List<INDArray> inputsOf(int i) {
        List<SymbolicTensor> in = graph.nodes().get(i).inputs();
        if (inputArrays[i] == null) { // made at a node's first run, then refilled at every step
            inputArrays[i] = new INDArray[in.size()];
            inputLists[i] = Arrays.asList(inputArrays[i]);
        }
        INDArray[] arrays = inputArrays[i];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = value(in.get(k));
        }
        return inputLists[i];
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
