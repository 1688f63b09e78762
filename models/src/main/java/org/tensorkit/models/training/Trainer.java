package org.tensorkit.models.training;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.StepArena;
import org.tensorkit.core.internal.Seeds;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.engine.Batches;
import org.tensorkit.models.engine.Execution;
import org.tensorkit.models.engine.Graph;
import org.tensorkit.models.engine.Inputs;
import org.tensorkit.models.losses.Loss;
import org.tensorkit.models.losses.Metric;

/**
 * Keras's {@code fit}, {@code train_on_batch} and {@code evaluate} on a traced {@link Graph}, for models with one
 * output. Models make one per call ({@code trainOnBatch} keeps one across calls).
 *
 * <p>One step: a forward {@link Execution} of the batch in training mode (node {@code i} seeded from the fit's
 * seed, the epoch, the step and {@code i}); the loss and its gradient; the backward walk
 * ({@link Execution#backward}), whose weight gradients add up in a {@link GradientAccumulator}; the regularizers'
 * penalties; one optimizer step. Logged values are running means over the epoch's samples, loss including the
 * penalties, metrics on the batch predictions before the step, as Keras logs them.
 *
 * <p>Not thread-safe with other training of the same layers: the weights change in place after every step.
 */
public final class Trainer {
    /** The seed of {@link #trainOnBatch} steps, mixed with the optimizer's step count. */
    static final long TRAIN_ON_BATCH_SEED = 0x7261696E4F6E42L;

    private final String modelName;
    private final Graph graph;
    private final Compiled compiled;
    private final List<Weight> trainable;
    private final SymbolicTensor output;
    /** Which nodes the backward walk visits ({@link Execution#nodesNeedingBackward}). */
    private final boolean[] needsBackward;
    /** This trainer's gradient sink, cleared at every step (reused: its maps and scratch arrays stay warm). */
    private final GradientAccumulator accumulator = new GradientAccumulator();
    /**
     * The step's arrays (the layers' outputs and work arrays, the loss's gradient, the merged rows), handed out
     * again at every step: a step after the first allocates no native memory and next to no Java garbage. It holds
     * one step's arrays for as long as this trainer lives.
     */
    private final StepArena arena = new StepArena();
    /**
     * The views a {@link #standardize}d batch takes (its rank-1 id arrays seen as {@code (n, 1)}), handed out again
     * at the next call over that call's arrays: a loop over a user's batches makes no new ones.
     */
    private final StepArena inputViews = new StepArena();
    /** The graph's run, made ready again at every step. */
    private final Execution run;
    /** {@link #trainableCount(Graph)} when this trainer was made. */
    private final int trainableCount;

    /**
     * A trainer of {@code graph} with what {@code compile} fixed, updating {@code trainable} (the model's
     * trainable weights, each once).
     *
     * @throws IllegalArgumentException if the graph has more than one output
     */
    public Trainer(String modelName, Graph graph, Compiled compiled, List<Weight> trainable) {
        if (graph.outputs().size() != 1) {
            throw new IllegalArgumentException("Model \"" + modelName + "\" has " + graph.outputs().size()
                    + " outputs; fit and evaluate support models with one output");
        }
        this.modelName = modelName;
        this.graph = graph;
        this.compiled = compiled;
        this.trainable = List.copyOf(trainable);
        this.output = graph.outputs().get(0);
        this.needsBackward = Execution.nodesNeedingBackward(graph);
        this.run = Execution.forTraining(graph, arena);
        this.trainableCount = trainableCount(graph);
    }

    /**
     * {@link Inputs#standardize} for this trainer's next {@link #trainOnBatch}: the views it makes are this trainer's,
     * valid until the next call.
     */
    public List<INDArray> standardize(String what, List<Tensor> data) {
        inputViews.enter();
        try {
            return Inputs.standardize(what, modelName, graph, data);
        } finally {
            inputViews.exit();
        }
    }

    /**
     * Whether this trainer still fits the model, for a loop of single steps: the same compile and graph, every
     * weight this trainer updates still trainable, and no other weight of the graph's layers become trainable
     * (counted per layer, as at this trainer's start). Allocates nothing.
     */
    public boolean isStillFor(Graph graph, Compiled compiled) {
        if (this.graph != graph || this.compiled != compiled) {
            return false;
        }
        for (int k = 0; k < trainable.size(); k++) {
            if (!trainable.get(k).isTrainable()) {
                return false;
            }
        }
        return trainableCount(graph) == trainableCount;
    }

    /** The trainable weights of the graph's layers, a weight counted once per layer that has it. */
    private static int trainableCount(Graph graph) {
        int n = 0;
        List<org.tensorkit.layers.Layer> layers = graph.layers();
        for (int k = 0; k < layers.size(); k++) {
            n += layers.get(k).trainableWeightCount();
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------
    // fit

    /**
     * Keras's {@code fit} on standardized inputs: the last {@code validationSplit} of the rows validate (cut
     * before shuffling), the others train in shuffled batches, each row copied once per epoch, straight into its
     * batch.
     */
    public History fit(List<INDArray> x, INDArray targets, FitOptions options) {
        INDArray y = prepareTargets(x, targets);
        long n = y.size(0);
        long trainRows = options.validationSplit() > 0 ? (long) Math.floor(n * (1.0 - options.validationSplit())) : n;
        if (options.validationSplit() > 0) {
            if (trainRows == 0 || trainRows == n) {
                throw new IllegalArgumentException("Training data contains " + n + " samples, which is not "
                        + "sufficient to split it into a validation and training set as specified by "
                        + "`validation_split=" + options.validationSplit() + "`. Either provide more data, or a "
                        + "different value for the `validation_split` argument.");
            }
        }
        // Keras: the validation rows are the last ones, cut before any shuffling; the training rows are made
        // dense once so that every epoch's batches are gathered from them directly
        List<INDArray> trainX = x.stream().map(a -> NdArrays.dense(Batches.view(a, 0, trainRows))).toList();
        INDArray trainY = NdArrays.dense(Batches.view(y, 0, trainRows));
        List<INDArray> valX = x.stream().map(a -> Batches.view(a, trainRows, n)).toList();
        INDArray valY = Batches.view(y, trainRows, n);
        boolean validate = trainRows < n;

        long seed = options.seed().orElseGet(() -> new SplittableRandom().nextLong());
        boolean terminal = options.terminal();
        ProgressBar bar = new ProgressBar(options.output(), ProgressBar.resolve(options.verbosity(), terminal),
                terminal, options.clock());
        History history = new History();
        Means means = new Means(compiled.metrics().size());
        try {
            fitEpochs(options, trainX, trainY, valX, valY, validate, seed, bar, history, means);
        } finally {
            arena.close(); // a fit's trainer is not used again: its step arrays go back to the pool now
        }
        return history;
    }

    private void fitEpochs(FitOptions options, List<INDArray> trainX, INDArray trainY, List<INDArray> valX,
                           INDArray valY, boolean validate, long seed, ProgressBar bar, History history, Means means) {
        long trainRows = trainY.size(0);
        for (int epoch = options.initialEpoch(); epoch < options.epochs(); epoch++) {
            long epochSeed = Seeds.mix(seed, epoch);
            int[] order = options.shuffle() ? permutation(Math.toIntExact(trainRows), epochSeed) : null;
            Batches batches = Batches.copies(trainX, trainY, options.batchSize(), order);
            means.reset();
            bar.epochStart(epoch, options.epochs(), batches.count());
            for (int step = 0; batches.next(); step++) {
                double batchLoss = step(batches.inputs(), batches.targets(), batches.start(),
                        Seeds.mix(epochSeed, step), means);
                batches.releaseCopies();
                means.loss.update(batchLoss, batches.end() - batches.start());
                if (bar.wantsUpdate(step + 1)) {
                    bar.update(step + 1, means.logs(""));
                }
            }
            Map<String, Double> logs = means.logs("");
            if (validate) {
                logs.putAll(evaluateBatches(Batches.views(valX, valY, options.batchSize()), "val_"));
            }
            history.add(epoch, logs);
            bar.epochEnd(logs);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // trainOnBatch

    /**
     * Keras's {@code train_on_batch}: one optimizer step on the whole of {@code x} (one batch, no shuffling, no
     * splitting) and the batch's loss with the regularizers' penalties, computed before the step. Random layers
     * draw from a seed derived from the optimizer's step count, so a sequence of calls from the same state
     * repeats exactly. Metrics are not computed.
     */
    public double trainOnBatch(List<INDArray> x, INDArray targets) {
        INDArray y = prepareTargets(x, targets);
        long stepSeed = Seeds.mix(TRAIN_ON_BATCH_SEED, compiled.optimizer().iterations());
        return step(x, y, 0, stepSeed, null);
    }

    /**
     * One training step; returns the batch's loss with the regularizers' penalties. {@code means} null: metrics
     * are not computed.
     */
    private double step(List<INDArray> batch, INDArray targets, long rowOffset, long stepSeed, Means means) {
        double loss;
        arena.enter();
        try {
            run.forwardTraining(batch, rowOffset, stepSeed);
            INDArray prediction = run.value(output);
            Loss.Result result = compiled.loss().compute(targets, prediction);
            if (means != null) {
                means.updateMetrics(targets, prediction);
            }
            run.backward(output, result.gradient(), needsBackward, accumulator); // cleared by the last step's end
            double penalty = accumulator.addRegularization(trainable);
            compiled.optimizer().apply(accumulator.gradients());
            loss = result.value() + penalty;
        } finally {
            arena.exit();
            accumulator.clear();
            // the step's other arrays go back to the pool now, not at the next GC (the arena's stay with it)
            run.release();
        }
        return loss;
    }

    // ---------------------------------------------------------------------------------------------
    // evaluate

    /** Keras's {@code evaluate} on standardized inputs, in batches of {@code batchSize} rows. */
    public Map<String, Double> evaluate(List<INDArray> x, INDArray targets, int batchSize) {
        return evaluateBatches(Batches.views(x, prepareTargets(x, targets), batchSize), "");
    }

    /**
     * Loss and metrics in inference mode (no dropout), as means over the samples. The loss includes the full
     * penalty of every regularized trainable weight, as Keras's {@code model.losses} (training penalizes only
     * the embedding rows a step touches; see {@code GradientAccumulator}).
     */
    private Map<String, Double> evaluateBatches(Batches batches, String prefix) {
        double penalty = 0;
        Set<Weight> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Weight w : trainable) {
            if (seen.add(w) && w.regularizer().isPresent()) {
                penalty += w.regularizer().get().penalty(w.value());
            }
        }
        Means means = new Means(compiled.metrics().size());
        while (batches.next()) {
            INDArray by = batches.targets();
            INDArray prediction = Execution.forward(graph, batches.inputs(), batches.start(), false).value(output);
            means.loss.update(compiled.loss().value(by, prediction) + penalty, batches.end() - batches.start());
            means.updateMetrics(by, prediction);
        }
        return means.logs(prefix);
    }

    // ---------------------------------------------------------------------------------------------

    /** The running means of an epoch or an evaluation: the loss and each metric. */
    private final class Means {
        final RunningMean loss = new RunningMean();
        final RunningMean[] metrics;

        Means(int count) {
            metrics = new RunningMean[count];
            Arrays.setAll(metrics, k -> new RunningMean());
        }

        void reset() {
            loss.reset();
            for (RunningMean m : metrics) {
                m.reset();
            }
        }

        void updateMetrics(INDArray targets, INDArray prediction) {
            List<Metric> list = compiled.metrics();
            for (int k = 0; k < list.size(); k++) {
                metrics[k].update(list.get(k).perSample(targets, prediction));
            }
        }

        Map<String, Double> logs(String prefix) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put(prefix + "loss", loss.result());
            List<Metric> list = compiled.metrics();
            for (int k = 0; k < list.size(); k++) {
                logs.put(prefix + list.get(k).name(), metrics[k].result());
            }
            return logs;
        }
    }

    /** The targets (non-empty, with a batch axis) as the output's type, with as many rows as the inputs. */
    private INDArray prepareTargets(List<INDArray> x, INDArray targets) {
        long n = x.get(0).size(0);
        if (targets.size(0) != n) {
            throw new IllegalArgumentException("Input arrays should have the same number of samples as target "
                    + "arrays. Found " + n + " input samples and " + targets.size(0) + " target samples.");
        }
        DataType type = output.dtype().toNd4j();
        INDArray y = targets.dataType() == type ? targets : targets.castTo(type);
        Shape expected = output.shape();
        if (y.rank() != expected.rank() && !(y.rank() == expected.rank() - 1)) {
            throw new IllegalArgumentException("Error when checking target: expected " + output.layer().name()
                    + " to have " + expected.rank() + " dimensions, but got array with shape " + Shape.of(y.shape()));
        }
        return y;
    }

    /** A seeded Fisher-Yates permutation of {@code 0..n-1}. */
    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
