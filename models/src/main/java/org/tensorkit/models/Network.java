package org.tensorkit.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.engine.Graph;
import org.tensorkit.models.engine.Inference;
import org.tensorkit.models.engine.Inputs;
import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.losses.Metric;
import org.tensorkit.models.losses.Metrics;
import org.tensorkit.models.optimizers.Optimizer;
import org.tensorkit.models.saving.KerasFiles;
import org.tensorkit.models.training.Compiled;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Trainer;

/**
 * What every model does, whatever built its graph: list its layers, share, get and set their weights,
 * {@code predict} in batches, print Keras's summary, and {@code compile} / {@code fit} / {@code evaluate}.
 * {@link Model} is built from tensors, {@link Sequential} from a stack of layers; the machinery is in
 * {@code org.tensorkit.models.engine} (graph, execution, batches) and {@code org.tensorkit.models.training}.
 *
 * <p>Data goes in as {@link Tensor}s, one per input ({@code List<Tensor>}) or one for a model of one input; Java
 * arrays convert once with {@code Tensor.of(int[][])} and its overloads.
 *
 * <p>Thread safety: a built network keeps its graph in an immutable object and keeps no per-call state, so any
 * number of threads may {@code predict} at once, also while another thread calls {@link #setWeights} (each
 * layer reads each weight once per call, so a batch sees either the old or the new value of a weight).
 * {@code fit} updates the weights in place after every batch; run one training at a time per set of layers.
 */
public abstract sealed class Network permits Model, Sequential {
    static final String NOT_BUILT_SUMMARY = "This model has not yet been built. Build the model first by calling "
            + "`build()` or calling `fit()` with some data, or specify an `input_shape` argument in the first "
            + "layer(s) for automatic build.";

    private final String name;
    private volatile Compiled compiled;
    /** The trainer {@link #trainOnBatch} reuses across calls while the model, compile and trainables stay. */
    private Trainer batchTrainer;

    Network(String name) {
        this.name = name;
    }

    /** Checks a model name given by the user. */
    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank, got \"" + name + "\"");
        }
        return name;
    }

    // ---------------------------------------------------------------------------------------------
    // Graph access (the subclass decides how and when the graph is built)

    /** The current graph, or null while the model is not built (only a Sequential can be unbuilt). */
    abstract Graph graphOrNull();

    /**
     * The graph to run {@code data} through ({@code what} names the call in messages); a deferred Sequential
     * builds itself from the data's shape here.
     */
    Graph graphFor(String what, List<Tensor> data) {
        return requireGraph(NOT_BUILT_SUMMARY);
    }

    /** Whether the summary prints this model as Keras prints a Sequential (3 columns, 65 wide). */
    abstract boolean summarizedAsSequential();

    final Graph requireGraph(String messageIfNotBuilt) {
        Graph g = graphOrNull();
        if (g == null) {
            throw new IllegalStateException(messageIfNotBuilt);
        }
        return g;
    }

    // ---------------------------------------------------------------------------------------------
    // Identity, layers and shapes

    /** The model's name: given, or {@code model}, {@code model_1}, ... / {@code sequential}, ... */
    public final String name() {
        return name;
    }

    /** Whether the graph exists (a functional model always is; a Sequential may wait for its input shape). */
    public final boolean isBuilt() {
        return graphOrNull() != null;
    }

    /**
     * The layers in Keras's {@code model.layers} order: for a functional model its input layers first and its
     * output layers last; for a Sequential the layers as added, without the input layer.
     */
    public abstract List<Layer> layers();

    /** The layer with this name. */
    public final Layer getLayer(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Provide either a layer name or layer index.");
        }
        for (Layer l : layers()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("No such layer: " + name + ". (model \"" + this.name + "\" has layers "
                + layers().stream().map(Layer::name).toList() + ")");
    }

    /** The layer at this position of {@link #layers()}; negative indices count from the end, as in Python. */
    public final Layer getLayer(int index) {
        List<Layer> layers = layers();
        if (index >= layers.size() || index < -layers.size()) {
            throw new IllegalArgumentException("Was asked to retrieve layer at index " + index
                    + " but model only has " + layers.size() + " layers.");
        }
        return layers.get(index < 0 ? index + layers.size() : index);
    }

    /** The input placeholders, in the order {@code predict} takes its inputs. */
    public final List<SymbolicTensor> inputs() {
        return requireGraph(neverCalled("input")).inputs();
    }

    /** The output tensors, in the order {@code predict} returns its results. */
    public final List<SymbolicTensor> outputs() {
        return requireGraph(neverCalled("output")).outputs();
    }

    /** The shape of the only input, batch dimension first, e.g. {@code (None, 1)}. */
    public final Shape inputShape() {
        return single(inputShapes(), "input", "inputShapes()");
    }

    /** The shape of the only output, batch dimension first, e.g. {@code (None, 1, 4)}. */
    public final Shape outputShape() {
        return single(outputShapes(), "output", "outputShapes()");
    }

    /** The shapes of the inputs, batch dimension first. */
    public final List<Shape> inputShapes() {
        return inputs().stream().map(SymbolicTensor::shape).toList();
    }

    /** The shapes of the outputs, batch dimension first. */
    public final List<Shape> outputShapes() {
        return outputs().stream().map(SymbolicTensor::shape).toList();
    }

    private <T> T single(List<T> values, String what, String alternative) {
        if (values.size() != 1) {
            throw new IllegalStateException("Model \"" + name + "\" has " + values.size() + " " + what
                    + "s, so it has no single " + what + " shape; use " + alternative);
        }
        return values.get(0);
    }

    private String neverCalled(String what) {
        return "The model \"" + name + "\" has never been called and thus has no defined " + what
                + " shape. " + NOT_BUILT_SUMMARY;
    }

    // ---------------------------------------------------------------------------------------------
    // Weights

    private String weightsNotCreated() {
        return "Weights for model " + name + " have not yet been created. Weights are created when the Model is "
                + "first called on inputs or `build()` is called with an `input_shape`.";
    }

    /**
     * The weights of every layer in {@link #layers()} order (each layer's trainable weights, then its
     * non-trainable ones), each weight once even when a shared layer or a shared weight is reached twice.
     * These are the live weights: a layer used by several models has one set, seen by all of them.
     */
    public final List<Weight> weights() {
        requireGraph(weightsNotCreated());
        Set<Weight> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Weight> result = new ArrayList<>();
        for (Layer layer : layers()) {
            for (List<Weight> group : List.of(layer.trainableWeights(), layer.nonTrainableWeights())) {
                for (Weight w : group) {
                    if (seen.add(w)) {
                        result.add(w);
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    /** The trainable weights ({@link Weight#isTrainable()}), in {@link #weights()} order. */
    public final List<Weight> trainableWeights() {
        return weights().stream().filter(Weight::isTrainable).toList();
    }

    /** The weights that do not train, in {@link #weights()} order. */
    public final List<Weight> nonTrainableWeights() {
        return weights().stream().filter(w -> !w.isTrainable()).toList();
    }

    /** Copies of the weight values, in {@link #weights()} order (Keras's {@code get_weights()}). */
    public final List<Tensor> getWeights() {
        return weights().stream().map(Weight::read).toList();
    }

    /**
     * Keras's {@code set_weights}: one value per weight of {@link #weights()}, in that order. The count and every
     * shape are checked before anything is assigned; values are copied and cast to each weight's dtype. Every
     * model sharing these layers sees the new values.
     */
    public final void setWeights(List<Tensor> values) {
        Objects.requireNonNull(values, "weights");
        Weight.assign(name, weights(), values);
    }

    /** The number of scalars in {@link #weights()} (a shared weight counts once). */
    public final long countParams() {
        requireGraph("You tried to call `count_params` on " + name + ", but the layer isn't built. You can build "
                + "it manually via: `" + name + ".build(batch_input_shape)`.");
        return weights().stream().mapToLong(Weight::size).sum();
    }

    // ---------------------------------------------------------------------------------------------
    // predict

    /**
     * Runs a model of one input and one output on {@code x} in batches of 32 rows and returns the output
     * (float32), which owns its memory ({@link Tensor#close()} releases it at once). {@code x} has the rows along
     * axis 0; a rank-1 array {@code (n,)} is read as {@code (n, 1)} unless the input is itself rank 1. Java arrays
     * convert with {@code Tensor.of}: {@code model.predict(Tensor.of(new int[] {3, 0, 9}))}.
     *
     * @throws IllegalStateException    if the model has several outputs (use {@link #predict(List)})
     * @throws IllegalArgumentException for data that does not fit the model's input
     */
    public final Tensor predict(Tensor x) {
        return predict(x, Inference.DEFAULT_BATCH_SIZE);
    }

    /** {@link #predict(Tensor)} with batches of {@code batchSize} rows. */
    public final Tensor predict(Tensor x, int batchSize) {
        List<Tensor> outputs = predict(Collections.singletonList(x), batchSize, true);
        return outputs.get(0);
    }

    /**
     * {@link #predict(Tensor)} of {@code Tensor.of(keys)}, for a model of one input declared
     * {@code DType.STRING} (one key per example) that maps keys through a {@code StringLookup}.
     */
    public final Tensor predict(String[] keys) {
        try (Tensor x = Tensor.of(keys)) {
            return predict(x);
        }
    }

    /**
     * {@link #predict(Tensor)} of {@code Tensor.of(keys)}, for a model of one input declared
     * {@code DType.STRING}: one row of keys per example, such as {@code {{"user_42", "Toy Story (1995)"}}}.
     */
    public final Tensor predict(String[][] keys) {
        try (Tensor x = Tensor.of(keys)) {
            return predict(x);
        }
    }

    /**
     * Runs the model on one array per input (rows along axis 0) in batches of 32 rows and returns one float32
     * tensor per output, each owning its memory.
     *
     * @throws IllegalArgumentException for data that does not fit the model's inputs
     */
    public final List<Tensor> predict(List<Tensor> inputs) {
        return predict(inputs, Inference.DEFAULT_BATCH_SIZE);
    }

    /** {@link #predict(List)} with batches of {@code batchSize} rows. */
    public final List<Tensor> predict(List<Tensor> inputs, int batchSize) {
        return predict(inputs, batchSize, false);
    }

    private List<Tensor> predict(List<Tensor> inputs, int batchSize, boolean singleOutput) {
        Objects.requireNonNull(inputs, "inputs");
        Inference.checkBatchSize("predict", batchSize);
        PredictBatch batch = predictBatch(inputs, singleOutput);
        return Inference.predict(batch.graph(), batch.data(), batchSize);
    }

    /** A predict's graph and its standardized data, checked: what {@link Predictor} runs as one batch. */
    record PredictBatch(Graph graph, List<INDArray> data) {
    }

    /** Checks {@code inputs} for a predict and standardizes them (nothing runs yet). */
    final PredictBatch predictBatch(List<Tensor> inputs, boolean singleOutput) {
        Graph graph = graphFor("predict", inputs);
        if (singleOutput && graph.outputs().size() != 1) {
            throw new IllegalStateException("Model \"" + name + "\" has " + graph.outputs().size()
                    + " outputs; use predict(List) to get one Tensor per output");
        }
        return new PredictBatch(graph, Inputs.standardize("predict", name, graph, inputs));
    }

    /**
     * A {@link Predictor} of this model: a serving loop's {@code predict} whose results are reused from call to
     * call (each result is valid until the predictor's next call), so a loop that never closes them neither waits
     * for the garbage collector nor grows the process. One thread at a time.
     */
    public final Predictor predictor() {
        return new Predictor(this);
    }

    // ---------------------------------------------------------------------------------------------
    // compile / fit / evaluate (the loop itself lives in Trainer)

    /**
     * Keras's {@code compile}: the optimizer (which keeps its state, e.g. Adam's moments, across fits), the loss
     * and the metrics logged besides it. Compiling again replaces all three.
     */
    public final void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        Objects.requireNonNull(metrics, "metrics");
        compiled = new Compiled(optimizer, loss, Arrays.asList(metrics));
    }

    /**
     * {@link #compile(Optimizer, Loss, Metric...)} with Keras's names: loss {@code mse}, {@code mae},
     * {@code binary_crossentropy} or {@code sparse_categorical_crossentropy}; metrics {@code mse}, {@code mae},
     * {@code accuracy} (binary or sparse categorical, as the loss and the output's units call for).
     */
    public final void compile(Optimizer optimizer, String loss, String... metrics) {
        Objects.requireNonNull(metrics, "metrics");
        Loss l = Losses.get(Objects.requireNonNull(loss, "loss"));
        Graph g = graphOrNull();
        long units = g == null || g.outputs().size() != 1 ? -1 : g.outputs().get(0).shape().dim(-1);
        List<Metric> resolved = new ArrayList<>();
        for (String m : metrics) {
            resolved.add(Metrics.get(Objects.requireNonNull(m, "metric"), l, units));
        }
        compiled = new Compiled(optimizer, l, resolved);
    }

    /** Whether {@link #compile} was called. */
    public final boolean isCompiled() {
        return compiled != null;
    }

    /** What {@link #compile} fixed (the optimizer with its state, the loss, the metrics), if it was called. */
    public final java.util.Optional<Compiled> compiled() {
        return java.util.Optional.ofNullable(compiled);
    }

    // ---------------------------------------------------------------------------------------------
    // Saving (the formats live in org.tensorkit.models.saving)

    /**
     * Keras's {@code to_json}, with the compile settings when compiled: the {@code config.json} that {@link #save}
     * puts in a {@code .keras} archive (architecture, compile settings; no weights). {@link Models#fromJson}
     * rebuilds the model from it.
     *
     * @throws IllegalStateException if the model is not built
     */
    public final String toJson() {
        return KerasFiles.toJson(this);
    }

    /**
     * Keras's {@code model.save(path)}: the whole model (architecture, weights, and when compiled the compile
     * settings and the optimizer's state, so that training resumes exactly) as a Keras 3 {@code .keras} archive,
     * which Keras loads with {@code keras.models.load_model}. Atomic: the file is complete or untouched.
     * Overwrites an existing file, as Keras does.
     *
     * @throws IllegalArgumentException if the name does not end in {@code .keras}
     * @throws IllegalStateException    if the model is not built
     * @throws java.io.IOException      if the file cannot be written (a previous file is then intact)
     * @see Models#load(java.nio.file.Path)
     */
    public final void save(java.nio.file.Path path) throws java.io.IOException {
        save(path, true);
    }

    /**
     * {@link #save(java.nio.file.Path)}, refusing to replace an existing file when {@code overwrite} is false.
     *
     * @throws java.nio.file.FileAlreadyExistsException if the file exists and {@code overwrite} is false
     */
    public final void save(java.nio.file.Path path, boolean overwrite) throws java.io.IOException {
        KerasFiles.save(this, path, overwrite);
    }

    /**
     * Keras's {@code save_weights}: the weights (and, when compiled, the optimizer's state) alone, as a
     * {@code .weights.h5} file in Keras 3's layout. Atomic; overwrites.
     *
     * @throws IllegalArgumentException if the name does not end in {@code .weights.h5}
     * @throws IllegalStateException    if the model is not built
     * @throws java.io.IOException      if the file cannot be written
     */
    public final void saveWeights(java.nio.file.Path path) throws java.io.IOException {
        KerasFiles.saveWeights(this, path, true);
    }

    /**
     * Keras's {@code load_weights}: the weights of a {@code .weights.h5} file or a {@code .keras} archive, into
     * this model, whose layers must match the file's (same classes in the same order, same shapes). Every weight
     * is read and checked before any is set. When this model is compiled and the file has optimizer state, that
     * is restored too.
     *
     * @throws java.io.IOException if the file cannot be read or does not match, naming the file and the weight
     */
    public final void loadWeights(java.nio.file.Path path) throws java.io.IOException {
        KerasFiles.loadWeights(this, path);
    }

    private Compiled requireCompiled() {
        Compiled c = compiled;
        if (c == null) {
            throw new IllegalStateException("You must compile your model before training/testing. Use "
                    + "`model.compile(optimizer, loss)`. (model \"" + name + "\" is not compiled)");
        }
        return c;
    }

    /**
     * Keras's {@code fit}: trains on one array per input against {@code targets} (rows along axis 0;
     * {@code (n,)} or {@code (n, 1)} for one output unit) and returns the per-epoch logs. Random layers run in
     * training mode; the optimizer updates the weights in place after every batch. Models with one output only.
     *
     * @throws IllegalStateException    if the model is not compiled
     * @throws IllegalArgumentException for inputs or targets that do not fit the model, or a validation split
     *                                  that leaves no training or no validation row
     */
    public final History fit(List<Tensor> inputs, Tensor targets, FitOptions options) {
        Objects.requireNonNull(options, "options");
        Compiled c = requireCompiled();
        Graph graph = graphFor("fit", inputs);
        List<INDArray> x = Inputs.standardize("fit", name, graph, inputs);
        return new Trainer(name, graph, c, trainableWeights()).fit(x, Inputs.array(targets, "fit: targets"),
                options);
    }

    /** {@link #fit(List, Tensor, FitOptions)} for a model with one input. */
    public final History fit(Tensor x, Tensor targets, FitOptions options) {
        return fit(Collections.singletonList(x), targets, options);
    }

    /** {@link #fit(List, Tensor, FitOptions)} with Keras's default options (batch 32, 1 epoch, shuffled). */
    public final History fit(List<Tensor> inputs, Tensor targets) {
        return fit(inputs, targets, FitOptions.defaults());
    }

    /**
     * Keras's {@code train_on_batch}: one optimizer step on {@code inputs} (one array per input) taken whole as
     * one batch against {@code targets}, and the batch's loss (with the regularizers' penalties) before the step.
     * No shuffling, no splitting; random layers (Dropout) run in training mode with a seed derived from the
     * optimizer's step count, so the same sequence of calls from the same weights repeats exactly. Metrics are
     * not computed. Models with one output only; not thread-safe with other training of the same layers.
     *
     * @throws IllegalStateException    if the model is not compiled
     * @throws IllegalArgumentException for inputs or targets that do not fit the model, or no rows
     */
    public final double trainOnBatch(List<Tensor> inputs, Tensor targets) {
        Compiled c = requireCompiled();
        Graph graph = graphFor("trainOnBatch", inputs);
        Trainer t;
        synchronized (this) {
            t = batchTrainer;
        }
        // a loop's batches reuse the last call's views when its trainer is still the one (a first call makes them)
        boolean current = t != null && t.isStillFor(graph, c);
        List<INDArray> x = current ? t.standardize("trainOnBatch", inputs)
                : Inputs.standardize("trainOnBatch", name, graph, inputs);
        INDArray y = Inputs.array(targets, "trainOnBatch: targets");
        synchronized (this) {
            t = batchTrainer;
            if (t == null || !t.isStillFor(graph, c)) {
                t = new Trainer(name, graph, c, trainableWeights());
                batchTrainer = t;
            }
        }
        return t.trainOnBatch(x, y);
    }

    /** {@link #trainOnBatch(List, Tensor)} for a model with one input. */
    public final double trainOnBatch(Tensor x, Tensor targets) {
        return trainOnBatch(Collections.singletonList(x), targets);
    }

    /**
     * Keras's {@code evaluate}: the loss (with the regularizers' penalties) and every metric over all rows, in
     * inference mode (no dropout), in batches of 32; keys {@code loss} then the metrics' names. Prints nothing.
     */
    public final Map<String, Double> evaluate(List<Tensor> inputs, Tensor targets) {
        return evaluate(inputs, targets, Inference.DEFAULT_BATCH_SIZE);
    }

    /** {@link #evaluate(List, Tensor)} for a model with one input. */
    public final Map<String, Double> evaluate(Tensor x, Tensor targets) {
        return evaluate(Collections.singletonList(x), targets, Inference.DEFAULT_BATCH_SIZE);
    }

    /** {@link #evaluate(List, Tensor, int)} for a model with one input. */
    public final Map<String, Double> evaluate(Tensor x, Tensor targets, int batchSize) {
        return evaluate(Collections.singletonList(x), targets, batchSize);
    }

    /** {@link #evaluate(List, Tensor)} with batches of {@code batchSize} rows. */
    public final Map<String, Double> evaluate(List<Tensor> inputs, Tensor targets, int batchSize) {
        Inference.checkBatchSize("evaluate", batchSize);
        Compiled c = requireCompiled();
        Graph graph = graphFor("evaluate", inputs);
        List<INDArray> x = Inputs.standardize("evaluate", name, graph, inputs);
        return new Trainer(name, graph, c, trainableWeights()).evaluate(x, Inputs.array(targets,
                "evaluate: targets"), batchSize);
    }

    // ---------------------------------------------------------------------------------------------
    // summary

    /** Prints {@link #summaryString()} to standard output, as Keras's {@code model.summary()}. */
    public final void summary() {
        System.out.print(summaryString());
    }

    /**
     * The summary, one line per element, exactly as tf.keras 2.1-2.3 prints it (trailing spaces included).
     *
     * @throws IllegalStateException if the model is not built (a Sequential waiting for its input shape)
     */
    public final List<String> summaryLines() {
        return summaryLines(SummaryFormatter.defaults());
    }

    /** The summary with a custom layout (Keras's {@code line_length} / {@code positions}). */
    public final List<String> summaryLines(SummaryFormatter formatter) {
        Objects.requireNonNull(formatter, "formatter");
        Graph graph = requireGraph(NOT_BUILT_SUMMARY);
        return formatter.format(name, graph, layers(), weights(), summarizedAsSequential());
    }

    /** The summary lines, each followed by a newline: what {@link #summary()} prints. */
    public final String summaryString() {
        StringBuilder sb = new StringBuilder();
        summaryLines().forEach(line -> sb.append(line).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        Graph g = graphOrNull();
        return getClass().getSimpleName() + "(name=" + name + ", layers=" + layers().stream().map(Layer::name).toList()
                + (g == null ? ", not built)" : ", inputs=" + Shape.toString(inputShapes()) + ", outputs="
                + Shape.toString(outputShapes()) + ")");
    }
}
