package org.tensorkit.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.core.internal.Seeds;

/**
 * One forward run of a {@link Graph} on one batch: every node's output and the {@link CallContext} its layer ran
 * with. A backward pass walks {@link Graph#nodes()} in reverse and calls {@code Layer.backward} with
 * {@link #inputsOf(Node)} and {@link #context(Node)}. Per call and per thread: nothing here is shared.
 */
final class Execution {
    private final Graph graph;
    private final INDArray[] values;
    private final CallContext[] contexts;

    private Execution(Graph graph) {
        this.graph = graph;
        this.values = new INDArray[graph.nodes().size()];
        this.contexts = new CallContext[graph.nodes().size()];
    }

    /**
     * Runs every node of {@code graph} in topological order on whole batches.
     *
     * @param inputs    one array per graph input, already checked and cast to the input's dtype
     * @param rowOffset where this batch starts in the caller's data (for error messages)
     * @param training  whether layers run in training mode (and save state for backward)
     */
    static Execution forward(Graph graph, List<INDArray> inputs, long rowOffset, boolean training) {
        return run(graph, inputs, node -> training ? CallContext.training(rowOffset) : CallContext.inference(rowOffset));
    }

    /**
     * Runs every node in training mode, node {@code i} with the seed {@code mix(stepSeed, i)}: a training loop
     * derives {@code stepSeed} from its seed, the epoch and the step, so random layers (Dropout) draw the same
     * masks in every run with the same seed, whatever ran before.
     */
    static Execution forwardTraining(Graph graph, List<INDArray> inputs, long rowOffset, long stepSeed) {
        return run(graph, inputs, node -> CallContext.training(rowOffset, Seeds.mix(stepSeed, node)));
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
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            CallContext context = contextOf.apply(i);
            run.contexts[i] = context;
            if (node.inputs().isEmpty()) {
                continue; // an input node: its value is the data fed in
            }
            run.values[i] = node.layer().forward(run.inputsOf(node), context);
        }
        return run;
    }

    /** The arrays the node's layer consumed (the outputs of the nodes it reads). */
    List<INDArray> inputsOf(Node node) {
        List<SymbolicTensor> in = node.inputs();
        List<INDArray> arrays = new ArrayList<>(in.size());
        for (SymbolicTensor t : in) {
            arrays.add(value(t));
        }
        return arrays;
    }

    /** The array computed for a tensor of the graph. */
    INDArray value(SymbolicTensor tensor) {
        return values[graph.indexOf(tensor.node())];
    }

    /** The context the node's layer ran with. */
    CallContext context(Node node) {
        return contexts[graph.indexOf(node)];
    }

    /** The arrays of the graph's outputs, in output order. */
    List<INDArray> outputs() {
        List<INDArray> out = new ArrayList<>(graph.outputs().size());
        for (SymbolicTensor t : graph.outputs()) {
            out.add(value(t));
        }
        return out;
    }
}
