package org.tensorkit.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.InputLayer;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.models.engine.Graph;
import org.tensorkit.models.engine.Inputs;

/**
 * Keras's {@code Sequential}: a stack of layers, each called on the output of the one before.
 *
 * <pre>{@code
 * Sequential model = Sequential.of(embedding, Flatten.create());           // named "sequential"
 * Sequential m = Sequential.builder().name("stack").add(embedding).add(Flatten.create()).build();
 * }</pre>
 *
 * <p>When the first layer knows its input shape ({@link Layer#declaredInputShape()}; an Embedding always does)
 * or the input is given ({@link Builder#inputShape}, or an {@link InputLayer} as first layer), the model builds
 * at once: it creates the input {@code <first layer>_input} (float32; not listed in {@link #layers()}) and calls
 * every layer. Otherwise it builds at {@link #build(Shape)} or at the first {@code predict}, from the data's
 * shape. Until then {@link #summary()}, {@link #countParams()} and {@link #weights()} throw
 * {@link IllegalStateException}.
 *
 * <p>{@link #add} and {@link #pop} are atomic: a layer that cannot follow the last one (its shape function
 * rejects the input) or has a name already used in the model is refused before anything changes.
 */
public final class Sequential extends Network {
    /** What predict and the getters see: replaced as a whole on every change, never modified. */
    private record State(List<Layer> layers, SymbolicTensor input, boolean explicitInput,
                         List<SymbolicTensor> chain, Graph graph) {
        static final State EMPTY = new State(List.of(), null, false, List.of(), null);

        static State unbuilt(List<Layer> layers) {
            return new State(List.copyOf(layers), null, false, List.of(), null);
        }
    }

    private final Shape declaredInput;
    private volatile State state = State.EMPTY;

    private Sequential(String name, Shape declaredInput) {
        super(name);
        this.declaredInput = declaredInput;
    }

    /** A Sequential of these layers, named {@code sequential}, {@code sequential_1}, ... */
    public static Sequential of(Layer... layers) {
        Objects.requireNonNull(layers, "layers");
        return builder().add(layers).build();
    }

    /** A Sequential of these layers, named {@code sequential}, {@code sequential_1}, ... */
    public static Sequential of(List<? extends Layer> layers) {
        Objects.requireNonNull(layers, "layers");
        return builder().add(layers.toArray(Layer[]::new)).build();
    }

    /** The options of a Sequential: its layers, input shape and name. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    Graph graphOrNull() {
        return state.graph();
    }

    /** The layers as added, without the input layer (Keras's {@code model.layers}). */
    @Override
    public List<Layer> layers() {
        return state.layers();
    }

    /**
     * Adds a layer on top. An {@link InputLayer} may only come first; it becomes the input. Once the model is
     * built the layer is called on the current output, so it must accept that shape.
     *
     * @throws IllegalArgumentException if the name is already used in this model, the layer is already in it,
     *                                  or it cannot take the current output (from the layer's shape function);
     *                                  the model is then unchanged
     */
    public synchronized void add(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        append(List.of(layer));
    }

    /**
     * Removes the top layer and returns it. The model's output becomes the previous layer's output; with no layers
     * left the model is un-built again (unless its input was given explicitly).
     *
     * @throws IllegalStateException when there are no layers
     */
    public synchronized Layer pop() {
        State s = state;
        if (s.layers().isEmpty()) {
            throw new IllegalStateException("There are no layers in the model.");
        }
        int last = s.layers().size() - 1;
        Layer removed = s.layers().get(last);
        List<Layer> layers = s.layers().subList(0, last);
        if (s.graph() == null) {
            state = State.unbuilt(layers);
        } else if (layers.isEmpty() && !s.explicitInput()) {
            state = State.EMPTY; // the input was made for the first layer: it goes with it
        } else {
            state = built(layers, s.input(), s.explicitInput(), s.chain().subList(0, last));
        }
        return removed;
    }

    /**
     * Builds the model for inputs of this shape (batch dimension first, e.g. {@code (None, 3)}): creates the
     * input and calls every layer. Does nothing if the model is already built for a compatible shape.
     *
     * @throws IllegalStateException    when there are no layers
     * @throws IllegalArgumentException when a layer cannot take its input, or the model is built for an
     *                                  incompatible shape
     */
    public synchronized void build(Shape batchInputShape) {
        build(batchInputShape, DType.FLOAT32);
    }

    /** {@link #build(Shape)} with an input of {@code dtype}. */
    private synchronized void build(Shape batchInputShape, DType dtype) {
        Objects.requireNonNull(batchInputShape, "batchInputShape");
        State s = state;
        if (s.graph() != null) {
            if (!s.input().shape().isCompatibleWith(batchInputShape)) {
                throw new IllegalArgumentException("Sequential model \"" + name() + "\" is built for inputs of "
                        + "shape " + s.input().shape() + ", cannot build it for " + batchInputShape);
            }
            return;
        }
        if (s.layers().isEmpty()) {
            throw new IllegalStateException("Sequential model \"" + name() + "\" has no layers to build; add one "
                    + "first");
        }
        state = buildChain(s.layers(), batchInputShape, dtype);
    }

    /** A deferred model builds here from the data's shape (batch dimension left unknown). */
    @Override
    Graph graphFor(String what, List<Tensor> data) {
        Graph g = state.graph();
        if (g != null) {
            return g;
        }
        synchronized (this) {
            if (state.graph() == null) {
                Shape shape = Inputs.deferredInputShape(what, name(), data);
                // float32, Keras's floatx, unless the data is strings (a StringLookup or Hashing first)
                build(shape, data.get(0).dtype() == DType.STRING ? DType.STRING : DType.FLOAT32);
            }
            return state.graph();
        }
    }

    @Override
    boolean summarizedAsSequential() {
        return true;
    }

    // ---------------------------------------------------------------------------------------------

    /** Validates all of {@code added}, then installs them; nothing changes if any is refused. */
    private void append(List<Layer> added) {
        State s = state;
        SymbolicTensor input = s.input();
        List<Layer> layers = new ArrayList<>(s.layers());
        for (Layer layer : added) {
            if (layer instanceof InputLayer il) {
                if (!layers.isEmpty() || input != null) {
                    throw new IllegalArgumentException("Sequential model \"" + name() + "\": an InputLayer (\""
                            + il.name() + "\") can only be its first layer, and it has "
                            + (input != null ? "an input already" : "layers " + names(layers)));
                }
                if (declaredInput != null) {
                    throw new IllegalArgumentException("Sequential model \"" + name() + "\" was given both an "
                            + "input shape " + declaredInput + " and an InputLayer \"" + il.name() + "\"");
                }
                input = il.output();
                continue;
            }
            for (Layer present : layers) {
                if (present == layer) {
                    throw new IllegalArgumentException("Layer \"" + layer.name() + "\" is already in Sequential "
                            + "model \"" + name() + "\"; a Sequential model calls each layer once (use the "
                            + "functional Model to call a layer twice)");
                }
                if (present.name().equals(layer.name())) {
                    throw new IllegalArgumentException("All layers added to a Sequential model should have unique "
                            + "names. Name \"" + layer.name() + "\" is already the name of a layer in this model. "
                            + "Update the `name` argument to pass a unique name.");
                }
            }
            layers.add(layer);
        }

        if (s.graph() != null) { // built: call only the new layers on the current output
            List<Layer> fresh = layers.subList(s.layers().size(), layers.size());
            SymbolicTensor top = s.chain().isEmpty() ? s.input() : s.chain().get(s.chain().size() - 1);
            checkInputName(fresh, s.input().layer().name());
            checkShapes(fresh, top.shape());
            List<SymbolicTensor> chain = new ArrayList<>(s.chain());
            chain.addAll(callAll(fresh, top));
            state = built(layers, s.input(), s.explicitInput(), chain);
            return;
        }
        if (input != null) { // an InputLayer came first
            checkInputName(layers, input.layer().name());
            checkShapes(layers, input.shape());
            state = built(layers, input, true, callAll(layers, input));
            return;
        }
        Optional<Shape> known = layers.isEmpty() ? Optional.empty()
                : declaredInput != null ? Optional.of(declaredInput) : layers.get(0).declaredInputShape();
        state = known.isPresent() ? buildChain(layers, known.get(), DType.FLOAT32) : State.unbuilt(layers);
    }

    /** Creates the input {@code <first layer>_input} of this shape and calls every layer; checks shapes first. */
    private State buildChain(List<Layer> layers, Shape batchInputShape, DType dtype) {
        checkInputName(layers, layers.get(0).name() + "_input");
        checkShapes(layers, batchInputShape);
        SymbolicTensor input = Input.builder().batchShape(batchInputShape.toArray()).dtype(dtype)
                .name(layers.get(0).name() + "_input").build();
        return built(layers, input, false, callAll(layers, input));
    }

    /**
     * Refuses a layer named like the model's input layer before any layer is called (the graph would refuse the
     * duplicate name only after the layers had recorded their calls).
     */
    private static void checkInputName(List<Layer> layers, String inputName) {
        for (Layer layer : layers) {
            if (layer.name().equals(inputName)) {
                throw new IllegalArgumentException("All layers added to a Sequential model should have unique "
                        + "names. Name \"" + inputName + "\" is already the name of a layer in this model (its "
                        + "input layer). Update the `name` argument to pass a unique name.");
            }
        }
    }

    /** Runs the shape functions along the stack: throws (naming the layer) before any layer is called. */
    private static void checkShapes(List<Layer> layers, Shape inputShape) {
        Shape shape = inputShape;
        for (Layer layer : layers) {
            shape = layer.computeOutputShape(shape);
        }
    }

    private static List<SymbolicTensor> callAll(List<Layer> layers, SymbolicTensor input) {
        List<SymbolicTensor> outputs = new ArrayList<>(layers.size());
        SymbolicTensor x = input;
        for (Layer layer : layers) {
            x = layer.call(x);
            outputs.add(x);
        }
        return outputs;
    }

    private State built(List<Layer> layers, SymbolicTensor input, boolean explicitInput,
                        List<SymbolicTensor> chain) {
        SymbolicTensor output = chain.isEmpty() ? input : chain.get(chain.size() - 1);
        Graph graph = Graph.trace(name(), List.of(input), List.of(output));
        return new State(List.copyOf(layers), input, explicitInput, List.copyOf(chain), graph);
    }

    private static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }

    /** Options of {@link Sequential}. */
    public static final class Builder {
        private final List<Layer> layers = new ArrayList<>();
        private String name;
        private Shape inputShape;

        private Builder() {
        }

        /** The model's name (default {@code sequential}, {@code sequential_1}, ...). */
        public Builder name(String name) {
            this.name = checkName(name);
            return this;
        }

        /**
         * The shape of one example, without the batch dimension (Keras's {@code input_shape} on the first
         * layer): the model then builds at once, whatever its first layer.
         */
        public Builder inputShape(long... shape) {
            this.inputShape = Shape.batchOf(Objects.requireNonNull(shape, "shape"));
            return this;
        }

        /** Appends layers (an {@link InputLayer} may come first). */
        public Builder add(Layer... layers) {
            Objects.requireNonNull(layers, "layers");
            for (int i = 0; i < layers.length; i++) {
                if (layers[i] == null) {
                    throw new NullPointerException("Sequential layer " + (this.layers.size() + i) + " is null");
                }
            }
            this.layers.addAll(Arrays.asList(layers));
            return this;
        }

        /**
         * Creates the model and adds every layer, building it when the input shape is known.
         *
         * @throws IllegalArgumentException as {@link Sequential#add} does; no layer has then been called
         */
        public Sequential build() {
            Sequential model = new Sequential(name != null ? name : Names.unique("sequential"), inputShape);
            synchronized (model) {
                model.append(layers);
            }
            return model;
        }
    }
}
