package org.tensorkit.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.engine.Graph;

/**
 * Keras's functional model: the graph of layer calls that leads from {@link org.tensorkit.layers.Input} tensors
 * to output tensors.
 *
 * <pre>{@code
 * SymbolicTensor x = Input.builder().shape(1).name("Input").build();
 * Model model = Model.of(x, embedding.call(x));                           // named "model"
 * Model two = Model.builder().inputs(a, b).outputs(y).name("pair").build();
 * }</pre>
 *
 * <p>The graph is traced once, at construction, from the outputs back to the inputs. The layers are not copied:
 * a layer used in several models keeps one set of weights, and {@link #setWeights} through any of them is seen
 * by all.
 */
public final class Model extends Network {
    private final Graph graph;

    private Model(String name, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        super(name);
        this.graph = Graph.trace(name, inputs, outputs);
    }

    /** A model with one input and one output, named {@code model}, {@code model_1}, ... */
    public static Model of(SymbolicTensor input, SymbolicTensor output) {
        return builder().inputs(input).outputs(output).build();
    }

    /** The options of a functional model: its inputs, outputs and name. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    Graph graphOrNull() {
        return graph;
    }

    /** Not forced: the summary still uses the Sequential layout for a graph that is a plain chain (Keras's rule). */
    @Override
    boolean summarizedAsSequential() {
        return false;
    }

    /** The layers, input layers included: decreasing depth from the outputs, so inputs first (Keras's order). */
    @Override
    public List<Layer> layers() {
        return graph.layers();
    }

    /** Options of {@link Model}: {@link #inputs} and {@link #outputs} are required. */
    public static final class Builder {
        private final List<SymbolicTensor> inputs = new ArrayList<>();
        private final List<SymbolicTensor> outputs = new ArrayList<>();
        private String name;

        private Builder() {
        }

        /** The model's inputs, each the tensor of an {@code Input()}; appended to any given before. */
        public Builder inputs(SymbolicTensor... inputs) {
            return inputs(Arrays.asList(Objects.requireNonNull(inputs, "inputs")));
        }

        /** The model's inputs, each the tensor of an {@code Input()}; appended to any given before. */
        public Builder inputs(List<SymbolicTensor> inputs) {
            addAll(this.inputs, inputs, "inputs");
            return this;
        }

        /** The model's outputs; appended to any given before. */
        public Builder outputs(SymbolicTensor... outputs) {
            return outputs(Arrays.asList(Objects.requireNonNull(outputs, "outputs")));
        }

        /** The model's outputs; appended to any given before. */
        public Builder outputs(List<SymbolicTensor> outputs) {
            addAll(this.outputs, outputs, "outputs");
            return this;
        }

        /** The model's name (default {@code model}, {@code model_1}, ...). */
        public Builder name(String name) {
            this.name = checkName(name);
            return this;
        }

        /**
         * Traces the graph and creates the model.
         *
         * @throws IllegalArgumentException when no input or output is given, an input is not an {@code Input()}
         *                                  tensor, the outputs need a tensor the inputs do not give ("Graph
         *                                  disconnected"), or two layers of the graph have the same name
         */
        public Model build() {
            // Keras names the model before it traces the graph, so a failed construction still uses up a name.
            String modelName = name != null ? name : Names.unique("model");
            return new Model(modelName, inputs, outputs);
        }

        private static void addAll(List<SymbolicTensor> target, List<SymbolicTensor> tensors, String what) {
            Objects.requireNonNull(tensors, what);
            for (int i = 0; i < tensors.size(); i++) {
                if (tensors.get(i) == null) {
                    throw new NullPointerException("Model " + what + "[" + i + "] is null");
                }
            }
            target.addAll(tensors);
        }
    }
}
