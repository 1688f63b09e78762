package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.Nd4jThreads;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.Tensors;

/**
 * The base of every layer: the machinery lives here so that concrete layers stay small.
 *
 * <p>The hooks a layer implements, each in one form:
 * <ul>
 *   <li>{@link #inferOutputShape(List)}: the pure shape function, which also rejects inputs the layer cannot
 *       take;</li>
 *   <li>{@link #doForward(List, CallContext)}: the computation on whole batches;</li>
 *   <li>{@link #doBackward(List, INDArray, CallContext, GradientSink)}: input gradients, with weight gradients
 *       sent to a {@link GradientSink};</li>
 *   <li>{@link #addConfig(Map)}: the layer's settings, so that {@link #config()} describes it and
 *       {@link Layers#fromConfig} rebuilds it;</li>
 * </ul>
 * and may create weights in {@link #onBuild(List)} with {@link #addWeight}, when they depend on the input shape.
 * A layer that does not override {@code onBuild} is built from the start (Keras's rule for layers without a
 * {@code build}). Layers of one input extend {@link SingleInputLayer}, which gives the hooks their one-input
 * form; layers that merge several inputs extend {@link Merge}.
 *
 * <p>Inputs reach a layer in the dtype they arrive in, and the layer casts what it receives (Keras 3's rule):
 * {@code Dense} casts to its dtype, {@code Embedding} reads integer ids exactly. So an id above 2^24 fed as
 * integers to a float32 {@code Input} reaches an {@code Embedding} unrounded.
 *
 * <p>The public entry points are final: {@link #call(SymbolicTensor)} records a {@link Node},
 * {@link #call(Tensor)} runs eagerly, and {@link #forward(List, CallContext)} /
 * {@link #backward(List, INDArray, CallContext, GradientSink)} run one call of a graph.
 */
public abstract class Layer {
    private final String name;
    private volatile boolean trainable;
    private final List<Weight> weights = new CopyOnWriteArrayList<>();
    private final List<Node> inboundNodes = new ArrayList<>();
    private volatile boolean built;

    /** Whether a layer class overrides {@link #onBuild}: only those wait for their first input to be built. */
    private static final ClassValue<Boolean> BUILDS_WEIGHTS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != Layer.class; c = c.getSuperclass()) {
                try {
                    c.getDeclaredMethod("onBuild", List.class);
                    return true;
                } catch (NoSuchMethodException e) {
                    // not declared here: look further up
                }
            }
            return false;
        }
    };

    /**
     * Takes the options every layer has from its builder. The first layer created applies tensorkit's ND4J thread
     * setting (see {@code Nd4jThreads}), before any layer runs an op.
     */
    protected Layer(Builder<?> builder) {
        Nd4jThreads.configure();
        this.name = builder.name != null ? builder.name : builder.defaultName(getClass());
        this.trainable = builder.trainable;
        this.built = !BUILDS_WEIGHTS.get(getClass());
    }

    // ---------------------------------------------------------------------------------------------
    // Identity and weights

    /** The layer's name, unique within a model. */
    public final String name() {
        return name;
    }

    /** A frozen layer keeps its weights out of training and counts them as non-trainable. */
    public final boolean isTrainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes the layer's weights; a frozen layer's weights do not train. */
    public final void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /** Whether the layer's weights exist (a layer without {@code onBuild} is built from the start). */
    public final boolean isBuilt() {
        return built;
    }

    /** The weights in creation order (all weights of tensorkit's layers are trainable unless frozen). */
    public final List<Weight> weights() {
        return List.copyOf(weights);
    }

    /** How many weights the layer has ({@code weights().size()} without the copy). */
    public final int weightCount() {
        return weights.size();
    }

    /** How many of its weights train ({@code trainableWeights().size()} without making the list). */
    public final int trainableWeightCount() {
        int n = 0;
        for (int k = 0; k < weights.size(); k++) {
            n += weights.get(k).isTrainable() ? 1 : 0;
        }
        return n;
    }

    /** The weights that train ({@link Weight#isTrainable()}, the one place that decides), in creation order. */
    public final List<Weight> trainableWeights() {
        return weights.stream().filter(Weight::isTrainable).toList();
    }

    /** The weights that do not train, in creation order. */
    public final List<Weight> nonTrainableWeights() {
        return weights.stream().filter(w -> !w.isTrainable()).toList();
    }

    /** Copies of the weight values, in {@link #weights()} order. */
    public final List<Tensor> getWeights() {
        return weights.stream().map(Weight::read).toList();
    }

    /**
     * Replaces every weight by a copy of the given value (cast to the weight's dtype). The count and every
     * shape are checked before anything is assigned: a call that throws changes nothing.
     */
    public final void setWeights(List<Tensor> values) {
        Weight.assign(name, weights(), values);
    }

    /** Number of scalars in the weights; throws (as Keras does) when the layer is not built yet. */
    public final long countParams() {
        if (!built) {
            throw new IllegalStateException("You tried to call `count_params` on " + name
                    + ", but the layer isn't built. You can build it manually via: `" + name
                    + ".build(batch_input_shape)`.");
        }
        return weights.stream().mapToLong(Weight::size).sum();
    }

    /**
     * Creates the weights for inputs of the given shapes (batch dimension first). Called at the first call;
     * later calls do nothing.
     */
    public final synchronized void build(List<Shape> inputShapes) {
        if (!built) {
            onBuild(inputShapes);
            built = true;
        }
    }

    /**
     * Hook: creates the weights that depend on the input shapes, with {@link #addWeight}; runs once, at the first
     * call. A layer whose weights do not depend on its input (an {@code Embedding}) creates them in its
     * constructor and does not override this.
     */
    protected void onBuild(List<Shape> inputShapes) {
    }

    /** Creates a weight named {@code <layer>/<weightName>:0}, initialized by {@code initializer}. */
    protected final Weight addWeight(String weightName, Shape shape, DType dtype, Initializer initializer) {
        return addWeight(weightName, shape, dtype, initializer, null, false);
    }

    /**
     * As {@link #addWeight(String, Shape, DType, Initializer)}, with a regularizer ({@code null} for none) and
     * whether the weight is row-sparse (see {@link Weight#isRowSparse()}).
     */
    protected final Weight addWeight(String weightName, Shape shape, DType dtype, Initializer initializer,
                                     Regularizer regularizer, boolean rowSparse) {
        return createWeight(weightName, shape, dtype, initializer, regularizer, rowSparse, true);
    }

    /**
     * Creates a non-trainable weight (Keras's {@code add_weight(trainable=False)}): state the layer updates by its
     * own rule, such as a moving mean, which optimizers never touch and the summary counts as non-trainable.
     */
    protected final Weight addStateWeight(String weightName, Shape shape, DType dtype, Initializer initializer) {
        return createWeight(weightName, shape, dtype, initializer, null, false, false);
    }

    private Weight createWeight(String weightName, Shape shape, DType dtype, Initializer initializer,
                                Regularizer regularizer, boolean rowSparse, boolean trainableVariable) {
        WeightBudget.charge(name + "/" + weightName, shape);
        INDArray initial = WeightBudget.loading()
                ? Nd4j.createUninitialized(dtype.toNd4j(), shape.toArray(), 'c')
                : initializer.initialize(shape, dtype);
        if (!Arrays.equals(initial.shape(), shape.toArray()) || initial.dataType() != dtype.toNd4j()) {
            throw new IllegalStateException("initializer of " + weightName + " returned "
                    + Shape.of(initial.shape()) + " " + DType.of(initial.dataType()) + ", expected " + shape + " "
                    + dtype);
        }
        Weight w = new Weight(this, name + "/" + weightName + ":0", initial, regularizer, rowSparse,
                trainableVariable);
        weights.add(w);
        return w;
    }

    // ---------------------------------------------------------------------------------------------
    // Shapes

    /**
     * The output shape for inputs of the given shapes (batch dimension first, unknown dimensions allowed).
     * Pure: it builds nothing and records nothing. Throws {@link IllegalArgumentException} for inputs the layer
     * cannot take.
     */
    public final Shape computeOutputShape(List<Shape> inputShapes) {
        Objects.requireNonNull(inputShapes, "inputShapes");
        checkArity(inputShapes.size());
        return inferOutputShape(inputShapes);
    }

    /** {@link #computeOutputShape(List)} for a layer of one input. */
    public final Shape computeOutputShape(Shape inputShape) {
        return computeOutputShape(List.of(Objects.requireNonNull(inputShape, "inputShape")));
    }

    /**
     * Hook: the shape function, for as many inputs as {@link #minInputs()} to {@link #maxInputs()} allow (the
     * base class checks the count). Pure; throws {@link IllegalArgumentException} for inputs the layer cannot
     * take.
     */
    protected abstract Shape inferOutputShape(List<Shape> inputShapes);

    /**
     * Hook: the dtype of the output, for inputs of these dtypes; it may refuse a dtype the layer cannot take with an
     * {@link IllegalArgumentException} (a lookup given numbers). Default: float32, as Keras layers compute in floatx.
     */
    protected DType outputDType(List<DType> inputDTypes) {
        return DType.FLOAT32;
    }

    /** How many inputs a call takes, at least. */
    protected int minInputs() {
        return 1;
    }

    /** How many inputs a call takes, at most. */
    protected int maxInputs() {
        return 1;
    }

    /**
     * The batch input shape the layer declares before any call, if it knows one (Keras's
     * {@code batch_input_shape}). A Sequential model starting with such a layer builds at once.
     */
    public Optional<Shape> declaredInputShape() {
        return Optional.empty();
    }

    private void checkArity(int n) {
        if (n < minInputs() || n > maxInputs()) {
            String expected = minInputs() == maxInputs() ? Integer.toString(minInputs())
                    : maxInputs() == Integer.MAX_VALUE ? "at least " + minInputs()
                    : minInputs() + " to " + maxInputs();
            throw new IllegalArgumentException("Layer \"" + name + "\" (" + getClass().getSimpleName()
                    + ") expects " + expected + " input(s), but it received " + n + " input tensor(s)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Symbolic calls

    /** Calls the layer on a symbolic tensor: records a new node and returns its output. */
    public final SymbolicTensor call(SymbolicTensor input) {
        return call(List.of(Objects.requireNonNull(input, "input")));
    }

    /** {@link #call(List)} on the given tensors. */
    public final SymbolicTensor call(SymbolicTensor... inputs) {
        return call(Arrays.asList(Objects.requireNonNull(inputs, "inputs")));
    }

    /** Calls the layer on symbolic tensors: builds it if needed, records a new node and returns its output. */
    public final SymbolicTensor call(List<SymbolicTensor> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        for (int i = 0; i < inputs.size(); i++) {
            int position = i;
            Objects.requireNonNull(inputs.get(i), () -> "input " + position + " of layer \"" + name + "\" is null");
        }
        List<Shape> shapes = inputs.stream().map(SymbolicTensor::shape).toList();
        Shape outShape = computeOutputShape(shapes);
        // the dtype hook may refuse an input's dtype: before the build, so that a refused call changes nothing
        DType outType = outputDType(inputs.stream().map(SymbolicTensor::dtype).toList());
        build(shapes);
        return recordNode(inputs, outShape, outType).output();
    }

    /** Records a call; also used by {@link InputLayer}, whose node has no inputs. */
    final synchronized Node recordNode(List<SymbolicTensor> inputs, Shape outShape, DType outType) {
        Node node = new Node(this, inboundNodes.size(), inputs, outShape, outType);
        inboundNodes.add(node);
        return node;
    }

    /** Every call of this layer so far, in call order, across all models. */
    public final synchronized List<Node> inboundNodes() {
        return List.copyOf(inboundNodes);
    }

    /**
     * The output shape of the layer's calls, as Keras's {@code layer.output_shape}: defined only when the layer
     * has been called and every call gave the same shape.
     */
    public final Shape outputShape() {
        List<Node> nodes = inboundNodes();
        if (nodes.isEmpty()) {
            throw new IllegalStateException("The layer \"" + name
                    + "\" has never been called and thus has no defined output shape.");
        }
        Shape first = nodes.get(0).output().shape();
        for (Node n : nodes) {
            if (!n.output().shape().equals(first)) {
                throw new IllegalStateException("The layer \"" + name + "\" has multiple inbound nodes, with "
                        + "different output shapes. Hence the notion of \"output shape\" is ill-defined for the "
                        + "layer. Use `get_output_shape_at(node_index)` instead.");
            }
        }
        return first;
    }

    // ---------------------------------------------------------------------------------------------
    // Concrete calls

    /**
     * Runs the layer eagerly on one input (inference mode), building it for that input first if needed. The
     * result owns its memory when the layer computed new values ({@link Tensor#close()} then releases it); a result
     * that is a view of the input (Flatten's reshape) is only wrapped.
     */
    public final Tensor call(Tensor input) {
        Objects.requireNonNull(input, "input");
        return callEagerly(List.of(input));
    }

    /** Runs the layer eagerly on its inputs (inference mode). */
    public final Tensor call(Tensor... inputs) {
        Objects.requireNonNull(inputs, "inputs");
        return callEagerly(Arrays.asList(inputs));
    }

    private Tensor callEagerly(List<Tensor> inputs) {
        List<Shape> shapes = inputs.stream().map(t -> Objects.requireNonNull(t, "input").shape()).toList();
        computeOutputShape(shapes); // rejects inputs the layer cannot take, before anything changes
        build(shapes);
        List<INDArray> arrays = inputs.stream().map(Tensor::unwrap).toList();
        INDArray out = forward(arrays, CallContext.inference());
        for (INDArray in : arrays) {
            if (NdArrays.sharesMemory(out, in)) {
                return Tensor.wrap(out); // a view of the caller's input (Flatten): close must not free it
            }
        }
        return Tensors.adopt(out); // computed for this call: close() releases it
    }

    /**
     * Runs one call on concrete batches. Used by models; the layer must be built. The output is a new array
     * (or a view of an input), never one the layer keeps.
     */
    public final INDArray forward(List<INDArray> inputs, CallContext context) {
        if (!built) {
            throw new IllegalStateException("Layer \"" + name + "\" is not built: call it on an input first");
        }
        checkArity(inputs.size());
        return doForward(inputs, context);
    }

    /**
     * The backward pass of one call: given the gradient of the loss with respect to this call's output, sends
     * weight gradients to {@code sink} and returns the gradients with respect to each input ({@code null} for an
     * input that has none, such as integer ids). {@code context} is the one its forward pass ran with, in
     * training mode.
     */
    public final List<INDArray> backward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                         GradientSink sink) {
        checkArity(inputs.size());
        return doBackward(inputs, outputGradient, context, sink);
    }

    /**
     * The mask of this call's output, from its inputs and their masks (Keras's {@code compute_mask}): what a model's
     * forward walk hands to the layers that read this output. {@code null} for none.
     */
    public final INDArray outputMask(List<INDArray> inputs, List<INDArray> inputMasks) {
        return computeMask(inputs, inputMasks);
    }

    /**
     * Hook: the output's mask. Default: the one input's mask when {@link #propagatesMask()} (a layer that keeps the
     * steps, such as Dropout or Dense), else none, so that a layer which changes the steps (Flatten) drops it, as
     * Keras's layers without {@code supports_masking} do.
     */
    protected INDArray computeMask(List<INDArray> inputs, List<INDArray> inputMasks) {
        return propagatesMask() && inputMasks.size() == 1 ? inputMasks.get(0) : null;
    }

    /** Hook: whether the one input's mask passes through unchanged (Keras's {@code supports_masking}). */
    protected boolean propagatesMask() {
        return false;
    }

    /** Hook: the computation of one call on whole batches; returns a new array (or a view of an input). */
    protected abstract INDArray doForward(List<INDArray> inputs, CallContext context);

    /**
     * Hook: the backward pass of one call: sends weight gradients to {@code sink} and returns one gradient per
     * input, {@code null} for an input that has none (integer ids, or an integer input of a layer that casts it).
     */
    protected abstract List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                                 GradientSink sink);

    // ---------------------------------------------------------------------------------------------
    // Configuration

    /**
     * Keras's {@code get_config()}: the layer's settings with Keras's snake_case keys, in Keras's order, enough
     * for {@link Layers#fromConfig} to rebuild an equal layer (its weights are not part of it). Values are JSON's:
     * {@code String}, {@code Number}, {@code Boolean}, {@code null}, {@code List} and {@code Map}. Immutable.
     *
     * @throws IllegalStateException if a setting has no description (a custom {@link Initializer} or
     *                               {@link Regularizer} that does not describe itself)
     */
    public final Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("trainable", trainable);
        addConfig(config);
        return Configs.immutable(config);
    }

    /** Hook: adds this layer's own settings to {@code config}, after {@code name} and {@code trainable}. */
    protected abstract void addConfig(Map<String, Object> config);

    /**
     * The gradient for {@code input} from {@code gradient}, which a layer computed in its own dtype: cast to the
     * input's dtype, or {@code null} when the input is not floating point (ids have no gradient).
     */
    protected static INDArray inputGradient(INDArray input, INDArray gradient) {
        if (!DType.of(input.dataType()).isFloatingPoint()) {
            return null;
        }
        return gradient.dataType() == input.dataType() ? gradient : gradient.castTo(input.dataType());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(name=" + name + ")";
    }

    // ---------------------------------------------------------------------------------------------

    /** Options every layer takes: its name and whether it trains. */
    public abstract static class Builder<B extends Builder<B>> {
        private String name;
        private boolean trainable = true;

        /** For the builders of concrete layers. */
        protected Builder() {
        }

        /** The layer's name; default: the snake-cased class name made unique ({@code flatten_1}). */
        public B name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("layer name must not be blank, got \"" + name + "\"");
            }
            this.name = name;
            return self();
        }

        /** Whether training updates the layer's weights (default true). */
        public B trainable(boolean trainable) {
            this.trainable = trainable;
            return self();
        }

        /**
         * {@code dtype} when it is floating point (a layer that computes in its dtype), else throws
         * {@link IllegalArgumentException} naming the layer class.
         */
        protected final DType floatingPoint(DType dtype) {
            Objects.requireNonNull(dtype, "dtype");
            if (!dtype.isFloatingPoint()) {
                Class<?> layer = getClass().getEnclosingClass();
                throw new IllegalArgumentException((layer != null ? layer.getSimpleName() : "layer")
                        + " dtype must be floating point, got " + dtype);
            }
            return dtype;
        }

        /** The name given when none is: Keras's unique snake-case name. */
        protected String defaultName(Class<?> layerClass) {
            return Names.uniqueFor(layerClass);
        }

        /** This builder, typed as the concrete builder. */
        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }
    }
}
