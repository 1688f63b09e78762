package org.tensorkit.models;

import java.util.ArrayList;
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
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.Shape;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.Node;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.training.GradientAccumulator;
import org.tensorkit.models.training.Loss;
import org.tensorkit.models.training.Metric;
import org.tensorkit.models.training.RunningMean;
import org.tensorkit.core.internal.Seeds;

/**
 * Keras's {@code fit} and {@code evaluate} on a traced {@link Graph}, for models with one output.
 *
 * <p>One step: a forward {@link Execution} of the batch in training mode (node {@code i} seeded from the fit's
 * seed, the epoch, the step and {@code i}); the loss and its gradient; a backward pass over the nodes in reverse
 * topological order, where the gradient of a node's output is the sum over the nodes that read it (a layer
 * called twice gets both contributions, and its weight gradients add up in the {@link GradientAccumulator});
 * the regularizers' penalties; one optimizer step. Logged values are running means over the epoch's samples,
 * loss including the penalties, metrics on the batch predictions before the step, as Keras logs them.
 *
 * <p>Not thread-safe with other training of the same layers: the weights change in place after every step.
 */
final class Trainer {
    private final String modelName;
    private final Graph graph;
    private final Compiled compiled;
    private final List<Weight> trainable;
    /** Whether a node's backward pass is needed: its layer trains, or a node it reads needs a gradient. */
    private final boolean[] needsBackward;
    /** This trainer's gradient sink, cleared at every step (reused: its maps and scratch arrays stay warm). */
    private final GradientAccumulator accumulator = new GradientAccumulator();

    Trainer(String modelName, Graph graph, Compiled compiled, List<Weight> trainable) {
        if (graph.outputs().size() != 1) {
            throw new IllegalArgumentException("Model \"" + modelName + "\" has " + graph.outputs().size()
                    + " outputs; fit and evaluate support models with one output");
        }
        this.modelName = modelName;
        this.graph = graph;
        this.compiled = compiled;
        this.trainable = trainable;
        List<Node> nodes = graph.nodes();
        this.needsBackward = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            boolean needs = !node.inputs().isEmpty() && !node.layer().trainableWeights().isEmpty();
            for (SymbolicTensor in : node.inputs()) {
                needs |= needsBackward[graph.indexOf(in.node())];
            }
            needsBackward[i] = needs;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // fit

    History fit(List<INDArray> inputs, INDArray targets, FitOptions options) {
        List<INDArray> x = Predictor.prepare(modelName, graph, inputs);
        INDArray y = prepareTargets(x, targets);
        long n = y.size(0);
        long trainRows = n;
        if (options.validationSplit() > 0) {
            trainRows = (long) Math.floor(n * (1.0 - options.validationSplit()));
            if (trainRows == 0 || trainRows == n) {
                throw new IllegalArgumentException("Training data contains " + n + " samples, which is not "
                        + "sufficient to split it into a validation and training set as specified by "
                        + "`validation_split=" + options.validationSplit() + "`. Either provide more data, or a "
                        + "different value for the `validation_split` argument.");
            }
        }
        // Keras: the validation rows are the last ones, cut before any shuffling
        List<INDArray> trainX = new ArrayList<>();
        List<INDArray> valX = new ArrayList<>();
        for (INDArray a : x) {
            trainX.add(Predictor.rows(a, 0, trainRows));
            valX.add(Predictor.rows(a, trainRows, n));
        }
        INDArray trainY = Predictor.rows(y, 0, trainRows);
        INDArray valY = Predictor.rows(y, trainRows, n);
        boolean validate = trainRows < n;

        long seed = options.seed().orElseGet(() -> new SplittableRandom().nextLong());
        int batchSize = options.batchSize();
        int steps = Math.toIntExact((trainRows + batchSize - 1) / batchSize);
        boolean terminal = options.terminal();
        ProgressBar bar = new ProgressBar(options.output(), ProgressBar.resolve(options.verbosity(), terminal),
                terminal, options.clock());
        History history = new History();
        List<Metric> metrics = compiled.metrics();
        RunningMean loss = new RunningMean();
        RunningMean[] metricMeans = new RunningMean[metrics.size()];
        Arrays.setAll(metricMeans, k -> new RunningMean());

        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            long epochSeed = Seeds.mix(seed, epoch);
            List<INDArray> ex = trainX;
            INDArray ey = trainY;
            if (options.shuffle()) {
                int[] order = permutation(Math.toIntExact(trainRows), epochSeed);
                ex = new ArrayList<>(trainX.size());
                for (INDArray a : trainX) {
                    ex.add(takeRows(a, order));
                }
                ey = takeRows(trainY, order);
            }
            loss.reset();
            for (RunningMean m : metricMeans) {
                m.reset();
            }
            bar.epochStart(epoch, options.epochs(), steps);
            List<INDArray> batch = new ArrayList<>(ex.size());
            for (int step = 0; step < steps; step++) {
                long start = (long) step * batchSize;
                long end = Math.min(trainRows, start + batchSize);
                batch.clear();
                // fresh dense batches (a bulk copy each), not views: layers read dense arrays without a copy op
                for (INDArray a : ex) {
                    batch.add(BulkData.copyRows(a, start, end));
                }
                INDArray by = BulkData.copyRows(ey, start, end);
                double batchLoss = step(batch, by, start, Seeds.mix(epochSeed, step), accumulator,
                        metricMeans);
                loss.update(batchLoss, end - start);
                if (bar.wantsUpdate(step + 1)) {
                    bar.update(step + 1, logs(loss, metricMeans, ""));
                }
            }
            Map<String, Double> logs = logs(loss, metricMeans, "");
            if (validate) {
                logs.putAll(evaluatePrepared(valX, valY, batchSize, "val_"));
            }
            history.add(logs);
            bar.epochEnd(logs);
        }
        return history;
    }

    // ---------------------------------------------------------------------------------------------
    // trainOnBatch

    /** The seed of {@link #trainOnBatch} steps, mixed with the optimizer's step count. */
    static final long TRAIN_ON_BATCH_SEED = 0x7261696E4F6E42L;

    /**
     * Keras's {@code train_on_batch}: one optimizer step on the whole of {@code inputs} (one batch, no shuffling,
     * no splitting) and the batch's loss with the regularizers' penalties, computed before the step. Random
     * layers draw from a seed derived from the optimizer's step count, so a sequence of calls from the same
     * state repeats exactly. Metrics are not computed.
     */
    double trainOnBatch(List<INDArray> inputs, INDArray targets) {
        List<INDArray> x = Predictor.prepare(modelName, graph, inputs);
        INDArray y = prepareTargets(x, targets);
        long stepSeed = Seeds.mix(TRAIN_ON_BATCH_SEED, compiled.optimizer().iterations());
        return step(x, y, 0, stepSeed, accumulator, null);
    }

    /** Whether this trainer still fits the model: same compile, graph and trainable weights. */
    boolean isFor(Graph graph, Compiled compiled, List<Weight> trainable) {
        return this.graph == graph && this.compiled == compiled && this.trainable.equals(trainable);
    }

    /**
     * One training step; returns the batch's loss with the regularizers' penalties. {@code metricMeans} null:
     * metrics are not computed.
     */
    private double step(List<INDArray> batch, INDArray targets, long rowOffset, long stepSeed,
                        GradientAccumulator accumulator, RunningMean[] metricMeans) {
        Execution run = Execution.forwardTraining(graph, batch, rowOffset, stepSeed);
        SymbolicTensor output = graph.outputs().get(0);
        INDArray prediction = run.value(output);
        Loss.Result result = compiled.loss().compute(targets, prediction);
        List<Metric> metrics = compiled.metrics();
        for (int k = 0; metricMeans != null && k < metrics.size(); k++) {
            metricMeans[k].update(metrics.get(k).perSample(targets, prediction));
        }
        accumulator.clear();
        backward(run, output, result.gradient(), accumulator);
        double penalty = accumulator.addRegularization(trainable);
        compiled.optimizer().apply(accumulator.gradients());
        accumulator.clear();
        return result.value() + penalty;
    }

    /**
     * Walks the nodes in reverse topological order. A node's output gradient is the sum of what every node
     * reading it sent back; nodes that no loss depends on, and nodes with nothing trainable upstream, are
     * skipped.
     */
    private void backward(Execution run, SymbolicTensor output, INDArray outputGradient, GradientAccumulator sink) {
        List<Node> nodes = graph.nodes();
        INDArray[] gradients = new INDArray[nodes.size()];
        gradients[graph.indexOf(output.node())] = outputGradient;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            INDArray g = gradients[i];
            gradients[i] = null;
            if (g == null || !needsBackward[i]) {
                continue;
            }
            Layer layer = node.layer();
            List<INDArray> inputGradients = layer.backward(run.inputsOf(node), g, run.context(node), sink);
            List<SymbolicTensor> in = node.inputs();
            for (int k = 0; k < in.size(); k++) {
                INDArray gk = k < inputGradients.size() ? inputGradients.get(k) : null;
                int j = graph.indexOf(in.get(k).node());
                if (gk == null || !needsBackward[j]) {
                    continue;
                }
                // a tensor read twice (or by two layers) gets the sum; never add into an array a layer returned
                gradients[j] = gradients[j] == null ? gk : gradients[j].add(gk);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // evaluate

    Map<String, Double> evaluate(List<INDArray> inputs, INDArray targets, int batchSize) {
        List<INDArray> x = Predictor.prepare(modelName, graph, inputs);
        return evaluatePrepared(x, prepareTargets(x, targets), batchSize, "");
    }

    /**
     * Loss and metrics in inference mode (no dropout), as means over the samples. The loss includes the full
     * penalty of every regularized trainable weight, as Keras's {@code model.losses} (training penalizes only
     * the embedding rows a step touches; see {@code GradientAccumulator}).
     */
    private Map<String, Double> evaluatePrepared(List<INDArray> x, INDArray y, int batchSize, String prefix) {
        double penalty = 0;
        Set<Weight> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Weight w : trainable) {
            if (seen.add(w) && w.regularizer().isPresent()) {
                penalty += w.regularizer().get().penalty(w.value());
            }
        }
        long n = y.size(0);
        RunningMean loss = new RunningMean();
        List<Metric> metrics = compiled.metrics();
        RunningMean[] metricMeans = new RunningMean[metrics.size()];
        Arrays.setAll(metricMeans, k -> new RunningMean());
        List<INDArray> batch = new ArrayList<>(x.size());
        SymbolicTensor output = graph.outputs().get(0);
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            batch.clear();
            for (INDArray a : x) {
                batch.add(Predictor.rows(a, start, end));
            }
            INDArray by = Predictor.rows(y, start, end);
            INDArray prediction = Execution.forward(graph, batch, start, false).value(output);
            loss.update(compiled.loss().value(by, prediction) + penalty, end - start);
            for (int k = 0; k < metrics.size(); k++) {
                metricMeans[k].update(metrics.get(k).perSample(by, prediction));
            }
        }
        return logs(loss, metricMeans, prefix);
    }

    // ---------------------------------------------------------------------------------------------

    private Map<String, Double> logs(RunningMean loss, RunningMean[] metricMeans, String prefix) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put(prefix + "loss", loss.result());
        List<Metric> metrics = compiled.metrics();
        for (int k = 0; k < metrics.size(); k++) {
            logs.put(prefix + metrics.get(k).name(), metricMeans[k].result());
        }
        return logs;
    }

    /** The targets as float32 (the output's type), with as many rows as the inputs. */
    private INDArray prepareTargets(List<INDArray> x, INDArray targets) {
        long n = x.get(0).size(0);
        if (targets.size(0) != n) {
            throw new IllegalArgumentException("Input arrays should have the same number of samples as target "
                    + "arrays. Found " + n + " input samples and " + targets.size(0) + " target samples.");
        }
        DataType type = graph.outputs().get(0).dtype().toNd4j();
        INDArray y = targets.dataType() == type ? targets : targets.castTo(type);
        Shape expected = graph.outputs().get(0).shape();
        if (y.rank() != expected.rank() && !(y.rank() == expected.rank() - 1)) {
            throw new IllegalArgumentException("Error when checking target: expected " + output().layer().name()
                    + " to have " + expected.rank() + " dimensions, but got array with shape " + Shape.of(y.shape()));
        }
        return y;
    }

    private SymbolicTensor output() {
        return graph.outputs().get(0);
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

    /** The rows of {@code a} in {@code order}, as a new c-ordered array: one native gather. */
    static INDArray takeRows(INDArray a, int[] order) {
        long n = a.size(0);
        long rowLength = n == 0 ? 0 : a.length() / n;
        INDArray matrix = a.reshape('c', n, rowLength);
        INDArray taken = Nd4j.pullRows(matrix, 1, order, 'c');
        long[] shape = a.shape().clone();
        shape[0] = order.length;
        return taken.reshape('c', shape);
    }
}
