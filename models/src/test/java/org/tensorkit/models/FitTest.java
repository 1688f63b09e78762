package org.tensorkit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.testing.GradientCheck;
import org.tensorkit.layers.Concatenate;
import org.tensorkit.layers.Dense;
import org.tensorkit.layers.Dot;
import org.tensorkit.layers.Dropout;
import org.tensorkit.layers.Embedding;
import org.tensorkit.layers.Flatten;
import org.tensorkit.layers.Initializer;
import org.tensorkit.layers.Input;
import org.tensorkit.layers.Names;
import org.tensorkit.layers.SymbolicTensor;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.losses.Metrics;
import org.tensorkit.models.optimizers.Adam;
import org.tensorkit.models.optimizers.Sgd;
import org.tensorkit.models.training.FitOptions;
import org.tensorkit.models.training.History;
import org.tensorkit.models.training.Verbosity;

/** compile / fit / evaluate on small problems, through the public API. */
class FitTest {
    @BeforeEach
    void resetNames() {
        Names.reset();
    }

    private static FitOptions.Builder quiet() {
        return FitOptions.builder().verbose(Verbosity.SILENT);
    }

    // ---------------------------------------------------------------------------------------------
    // data

    /** {@code n} rows of 3 features and targets {@code x . (1, -2, 0.5) + 0.3}. */
    private static float[][] features(int n, long seed) {
        Random rng = new Random(seed);
        float[][] x = new float[n][3];
        for (float[] row : x) {
            for (int k = 0; k < 3; k++) {
                row[k] = (float) rng.nextGaussian();
            }
        }
        return x;
    }

    private static float[] linearTargets(float[][] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i][0] - 2 * x[i][1] + 0.5f * x[i][2] + 0.3f;
        }
        return y;
    }

    /** A dot-product recommender with dropout: embeddings, flatten, dropout, dot, dense. */
    private static Model recommender(long seed) {
        SymbolicTensor user = Input.builder().shape(1).name("user").build();
        SymbolicTensor item = Input.builder().shape(1).name("item").build();
        Embedding users = Embedding.builder().inputDim(20).outputDim(4).inputLength(1).seed(seed).build();
        Embedding items = Embedding.builder().inputDim(30).outputDim(4).inputLength(1).seed(seed + 1).build();
        SymbolicTensor u = Dropout.builder().rate(0.3).seed(seed).build().call(Flatten.create().call(users.call(user)));
        SymbolicTensor v = Flatten.create().call(items.call(item));
        SymbolicTensor out = Dense.builder().units(1).seed(seed + 2).build().call(Dot.of(1).call(u, v));
        return Model.builder().inputs(user, item).outputs(out).build();
    }

    private static float[] ratings(int[] users, int[] items) {
        float[] r = new float[users.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = 1 + 0.1f * ((users[i] * 7 + items[i] * 3) % 11);
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void fitLowersTheLossOfALinearRegression() {
        float[][] x = features(256, 1);
        float[] y = linearTargets(x);
        SymbolicTensor in = Input.shape(3);
        Model model = Model.of(in, Dense.builder().units(1).seed(3).build().call(in));
        model.compile(Sgd.builder().learningRate(0.05).build(), Losses.mse(), Metrics.mae());

        History h = model.fit(Tensor.of(x), Tensor.of(y), quiet().batchSize(16).epochs(8).seed(1).build());

        List<Double> loss = h.get("loss");
        assertEquals(8, loss.size());
        assertTrue(loss.get(7) < 0.01 * loss.get(0), "loss should collapse: " + loss);
        for (int e = 1; e < loss.size(); e++) {
            assertTrue(loss.get(e) < loss.get(e - 1), "loss should fall every epoch: " + loss);
        }
        Map<String, Double> eval = model.evaluate(Tensor.of(x), Tensor.of(y));
        assertTrue(eval.get("loss") < 1e-3, "evaluate after training: " + eval);
    }

    @Test
    void aSequentialTrainsToo() {
        float[][] x = features(128, 2);
        float[] y = linearTargets(x);
        Sequential model = Sequential.builder().inputShape(3)
                .add(Dense.builder().units(8).activation("tanh").seed(5).build(), Dense.builder().units(1).seed(6).build())
                .build();
        model.compile(Adam.builder().learningRate(0.01).build(), "mse", "mae");
        History h = model.fit(Tensor.of(x), Tensor.of(y), quiet().batchSize(32).epochs(20).seed(3).build());
        assertTrue(h.last("loss") < 0.2 * h.get("loss").get(0), "loss should fall: " + h.get("loss"));
        assertEquals(List.of("loss", "mae"), List.copyOf(h.history().keySet()));
    }

    @Test
    void historyKeysAndEpochs() {
        int[] users = TestData.ids(200, 20, 1);
        int[] items = TestData.ids(200, 30, 2);
        Model model = recommender(7);
        model.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History h = model.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(ratings(users, items)),
                quiet().batchSize(32).epochs(3).validationSplit(0.1).seed(4).build());
        assertEquals(List.of("loss", "mse", "val_loss", "val_mse"), List.copyOf(h.history().keySet()));
        assertEquals(List.of(0, 1, 2), h.epoch());
        assertEquals(3, h.epochs());
        h.history().values().forEach(v -> assertEquals(3, v.size()));
        assertThrows(IllegalArgumentException.class, () -> h.get("accuracy"));
    }

    // ---------------------------------------------------------------------------------------------
    // gradients

    /** Gradients of one full-batch SGD step with rate 1: exactly {@code before - after}. */
    private static List<INDArray> sgdStepGradients(Network model, List<Tensor> inputs, Tensor targets, int rows) {
        List<Weight> weights = model.trainableWeights();
        List<INDArray> before = weights.stream().map(w -> w.value().dup()).toList();
        model.compile(Sgd.builder().learningRate(1.0).build(), Losses.mse());
        model.fit(inputs, targets, quiet().batchSize(rows).epochs(1).shuffle(false).seed(1).build());
        List<INDArray> gradients = new ArrayList<>();
        for (int k = 0; k < weights.size(); k++) {
            INDArray after = weights.get(k).value();
            gradients.add(before.get(k).castTo(DataType.DOUBLE).sub(after.castTo(DataType.DOUBLE)));
            after.assign(before.get(k)); // back to the start, for the numerical gradient
        }
        return gradients;
    }

    @Test
    void aSharedDenseGetsTheGradientsOfBothCallsAndATensorReadTwiceGetsBoth() {
        SymbolicTensor a = Input.builder().shape(3).dtype(DType.FLOAT64).build();
        SymbolicTensor b = Input.builder().shape(3).dtype(DType.FLOAT64).build();
        Dense shared = Dense.builder().units(2).activation("tanh").dtype(DType.FLOAT64).seed(11).build();
        SymbolicTensor ha = shared.call(a);
        SymbolicTensor hb = shared.call(b);
        SymbolicTensor joined = Concatenate.builder().dtype(DType.FLOAT64).build().call(ha, hb, ha);
        SymbolicTensor out = Dense.builder().units(1).dtype(DType.FLOAT64).seed(12).build().call(joined);
        Model model = Model.builder().inputs(a, b).outputs(out).build();

        double[][] xa = toDouble(features(10, 3));
        double[][] xb = toDouble(features(10, 4));
        double[] y = new double[10];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.sin(i);
        }
        List<Tensor> inputs = List.of(Tensor.of(xa), Tensor.of(xb));
        List<INDArray> analytic = sgdStepGradients(model, inputs, Tensor.of(y), 10);

        List<Weight> weights = model.trainableWeights();
        assertEquals(4, weights.size());
        for (int k = 0; k < weights.size(); k++) {
            INDArray numerical = GradientCheck.numericalInPlace(
                    () -> model.evaluate(inputs, Tensor.of(y), 10).get("loss"), weights.get(k).value(), 1e-6);
            GradientCheck.assertClose(weights.get(k).name(), analytic.get(k), numerical, 1e-6);
        }
        // both calls matter: the shared kernel's gradient is not that of either call alone
        assertTrue(analytic.get(0).norm2Number().doubleValue() > 0);
    }

    @Test
    void aSharedEmbeddingAccumulatesRowsFromBothCalls() {
        SymbolicTensor left = Input.builder().shape(1).build();
        SymbolicTensor right = Input.builder().shape(1).build();
        Embedding table = Embedding.builder().inputDim(6).outputDim(3).inputLength(1)
                .initializer(Initializer.uniform(-1, 1, 5)).build();
        SymbolicTensor dot = Dot.of(1).call(Flatten.create().call(table.call(left)),
                Flatten.create().call(table.call(right)));
        Model model = Model.builder().inputs(left, right).outputs(dot).build();
        int[] l = {0, 1, 2, 3, 1, 1, 4};
        int[] r = {1, 1, 3, 0, 2, 4, 4}; // ids repeated within and across the two calls; id 5 never seen
        float[] y = {0.5f, -0.2f, 0.1f, 0.9f, -0.7f, 0.3f, 0.0f};
        List<Tensor> inputs = List.of(Tensor.of(l), Tensor.of(r));
        INDArray analytic = sgdStepGradients(model, inputs, Tensor.of(y), 7).get(0);
        INDArray numerical = GradientCheck.numericalInPlace(
                () -> model.evaluate(inputs, Tensor.of(y), 7).get("loss"), table.embeddings().value(), 1e-2);
        GradientCheck.assertClose("shared embedding", analytic, numerical, 2e-3);
        assertEquals(0.0, analytic.getRow(5).norm2Number().doubleValue(), "an unseen row gets no gradient");
    }

    private static double[][] toDouble(float[][] x) {
        double[][] d = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            d[i] = new double[x[i].length];
            for (int k = 0; k < x[i].length; k++) {
                d[i][k] = x[i][k];
            }
        }
        return d;
    }

    // ---------------------------------------------------------------------------------------------
    // validation split, determinism, inference mode

    @Test
    void validationSplitTakesTheLastRowsBeforeShuffling() {
        // a frozen model: the weights never move, so every logged value is an evaluation of known rows
        SymbolicTensor in = Input.shape(3);
        Dense dense = Dense.builder().units(1).seed(9).trainable(false).build();
        Model model = Model.of(in, dense.call(in));
        model.compile(Adam.create(), Losses.mse(), Metrics.mae());
        float[][] x = features(10, 5);
        float[] y = linearTargets(x);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        History h = model.fit(Tensor.of(x), Tensor.of(y), FitOptions.builder().batchSize(2).epochs(2).validationSplit(0.25)
                .shuffle(true).seed(3).verbose(Verbosity.PER_EPOCH).output(print(bytes)).build());

        // Keras: split_at = floor(10 * 0.75) = 7; rows 7, 8, 9 validate
        float[][] trainX = java.util.Arrays.copyOfRange(x, 0, 7);
        float[] trainY = java.util.Arrays.copyOfRange(y, 0, 7);
        float[][] valX = java.util.Arrays.copyOfRange(x, 7, 10);
        float[] valY = java.util.Arrays.copyOfRange(y, 7, 10);
        Map<String, Double> train = model.evaluate(Tensor.of(trainX), Tensor.of(trainY));
        Map<String, Double> val = model.evaluate(Tensor.of(valX), Tensor.of(valY));
        for (int e = 0; e < 2; e++) {
            assertEquals(train.get("loss"), h.get("loss").get(e), 1e-6);
            assertEquals(train.get("mae"), h.get("mae").get(e), 1e-6);
            assertEquals(val.get("loss"), h.get("val_loss").get(e), 1e-6);
            assertEquals(val.get("mae"), h.get("val_mae").get(e), 1e-6);
        }
        // 7 training rows in batches of 2: 4 steps
        assertTrue(text(bytes).contains("4/4 - "), text(bytes));
    }

    @Test
    void theSameSeedGivesTheSameHistoryToTheLastBit() {
        int[] users = TestData.ids(300, 20, 1);
        int[] items = TestData.ids(300, 30, 2);
        float[] r = ratings(users, items);
        FitOptions options = quiet().batchSize(16).epochs(3).validationSplit(0.2).shuffle(true).seed(42).build();

        Model first = recommender(7);
        first.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History h1 = first.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(r), options);
        Model second = recommender(7);
        second.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History h2 = second.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(r), options);

        assertEquals(h1, h2, "same seed, same History");
        for (String key : h1.history().keySet()) {
            List<Double> a = h1.get(key);
            List<Double> b = h2.get(key);
            for (int e = 0; e < a.size(); e++) {
                assertEquals(Double.doubleToRawLongBits(a.get(e)), Double.doubleToRawLongBits(b.get(e)), key);
            }
        }
        assertEquals(first.getWeights(), second.getWeights(), "same seed, same weights");

        Model third = recommender(7);
        third.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History h3 = third.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(r),
                quiet().batchSize(16).epochs(3).validationSplit(0.2).shuffle(true).seed(43).build());
        assertNotEquals(h1.get("loss"), h3.get("loss"), "another seed shuffles and drops differently");
    }

    @Test
    void aFitResumedAtItsInitialEpochRepeatsTheUninterruptedFitToTheLastBit() {
        int[] users = TestData.ids(300, 20, 1);
        int[] items = TestData.ids(300, 30, 2);
        List<Tensor> x = List.of(Tensor.of(users), Tensor.of(items));
        Tensor y = Tensor.of(ratings(users, items));
        FitOptions.Builder options = quiet().batchSize(16).validationSplit(0.2).shuffle(true).seed(42);

        Model whole = recommender(7);
        whole.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History all = whole.fit(x, y, options.epochs(3).build());

        Model resumed = recommender(7);
        resumed.compile(Adam.create(), Losses.mae(), Metrics.mse());
        History first = resumed.fit(x, y, options.epochs(1).build());
        History rest = resumed.fit(x, y, options.epochs(3).initialEpoch(1).build());

        assertEquals(List.of(0), first.epoch());
        assertEquals(List.of(1, 2), rest.epoch(), "Keras numbers resumed epochs from initial_epoch");
        for (String key : all.history().keySet()) {
            List<Double> expected = all.get(key);
            List<Double> got = new ArrayList<>(first.get(key));
            got.addAll(rest.get(key));
            for (int e = 0; e < expected.size(); e++) {
                assertEquals(Double.doubleToRawLongBits(expected.get(e)), Double.doubleToRawLongBits(got.get(e)),
                        key + " of epoch " + e);
            }
        }
        assertEquals(whole.getWeights(), resumed.getWeights(), "the same shuffles and dropout masks");
        assertEquals(0, resumed.fit(x, y, options.epochs(2).initialEpoch(2).build()).epochs(),
                "initialEpoch >= epochs trains nothing, as in Keras");
    }

    @Test
    void historyOfNumbersItsEntriesAndRefusesMixedKeys() {
        History h = History.of(4, List.of(Map.of("loss", 1.0), Map.of("loss", 0.5)));
        assertEquals(List.of(4, 5), h.epoch());
        assertEquals(List.of(1.0, 0.5), h.get("loss"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> History.of(0, List.of(Map.of("loss", 1.0), Map.of("val_loss", 0.5))));
        assertTrue(e.getMessage().contains("val_loss") && e.getMessage().contains("loss"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> History.of(-1, List.of()));
        assertTrue(e.getMessage().contains("firstEpoch") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void dropoutIsOffInPredictAndEvaluateAndOnInFit() {
        SymbolicTensor in = Input.shape(4);
        Dense dense = Dense.builder().units(1).useBias(false).kernelInitializer(Initializer.constant(1))
                .trainable(false).build();
        Model model = Model.of(in, dense.call(Dropout.builder().rate(0.5).seed(1).build().call(in)));
        model.compile(Sgd.create(), Losses.mse(), Metrics.mae());
        float[][] x = {{1, 2, 3, 4}, {0, 1, 0, 1}, {2, 2, 2, 2}};
        float[] y = {10, 2, 8}; // exactly the row sums: the loss is 0 without dropout

        Tensor p1 = model.predict(Tensor.of(x));
        Tensor p2 = model.predict(Tensor.of(x));
        assertEquals(p1, p2);
        assertEquals(Tensor.of(new float[][] {{10}, {2}, {8}}), p1);
        Map<String, Double> eval = model.evaluate(Tensor.of(x), Tensor.of(y));
        assertEquals(0.0, eval.get("loss"));
        assertEquals(0.0, eval.get("mae"));

        History h = model.fit(Tensor.of(x), Tensor.of(y), quiet().batchSize(3).epochs(5).seed(2).build());
        assertTrue(h.get("loss").stream().anyMatch(v -> v > 0), "dropout is on while training: " + h);
    }

    @Test
    void evaluateMatchesAHandComputation() {
        SymbolicTensor in = Input.shape(2);
        Dense dense = Dense.builder().units(1).build();
        Model model = Model.of(in, dense.call(in));
        model.setWeights(List.of(Tensor.of(new float[][] {{2}, {-1}}), Tensor.of(new float[] {0.5f})));
        model.compile(Adam.create(), Losses.mse(), Metrics.mae());
        float[][] x = {{1, 1}, {0, 2}, {3, -1}, {-2, 0}, {1, 0}};
        float[] y = {1, 0, 5, -3, 2};
        double se = 0;
        double ae = 0;
        for (int i = 0; i < x.length; i++) {
            double p = 2 * x[i][0] - x[i][1] + 0.5;
            se += (p - y[i]) * (p - y[i]);
            ae += Math.abs(p - y[i]);
        }
        // batches of 2, 2 and 1: the means still weigh every row once
        Map<String, Double> result = model.evaluate(Tensor.of(x), Tensor.of(y), 2);
        assertEquals(List.of("loss", "mae"), List.copyOf(result.keySet()));
        assertEquals(se / x.length, result.get("loss"), 1e-6);
        assertEquals(ae / x.length, result.get("mae"), 1e-6);
    }

    @Test
    void evaluateAddsTheRegularizationPenalty() {
        SymbolicTensor in = Input.shape(2);
        Dense dense = Dense.builder().units(1).useBias(false)
                .kernelRegularizer(org.tensorkit.layers.Regularizers.l2(0.1)).build();
        Model model = Model.of(in, dense.call(in));
        model.setWeights(List.of(Tensor.of(new float[][] {{3}, {-4}})));
        model.compile(Sgd.create(), Losses.mae());
        float[][] x = {{1, 0}, {0, 1}};
        float[] y = {3, -4};
        assertEquals(0.1 * 25, model.evaluate(Tensor.of(x), Tensor.of(y)).get("loss"), 1e-5);
    }

    // ---------------------------------------------------------------------------------------------
    // errors

    @Test
    void fitOrEvaluateBeforeCompileIsAnIllegalState() {
        SymbolicTensor in = Input.shape(3);
        Model model = Model.of(in, Dense.of(1).call(in));
        float[][] x = features(4, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.fit(Tensor.of(x), Tensor.of(linearTargets(x)), quiet().build()));
        assertTrue(e.getMessage().contains("You must compile your model before training/testing"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> model.evaluate(Tensor.of(x), Tensor.of(linearTargets(x))));
        assertFalse(model.isCompiled());
    }

    @Test
    void badOptionsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FitOptions.builder().batchSize(0));
        assertTrue(e.getMessage().contains("batchSize") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().epochs(-2));
        assertTrue(e.getMessage().contains("epochs") && e.getMessage().contains("-2"), e.getMessage());
        for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().validationSplit(bad));
            assertTrue(e.getMessage().contains("validationSplit") && e.getMessage().contains(Double.toString(bad)),
                    e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().initialEpoch(-1));
        assertTrue(e.getMessage().contains("initialEpoch") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FitOptions.builder().verbose(3));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void badDataIsRejectedBeforeAnyStep() {
        SymbolicTensor in = Input.shape(3);
        Model model = Model.of(in, Dense.builder().units(1).seed(1).build().call(in));
        model.compile(Sgd.create(), Losses.mse());
        List<Tensor> before = model.getWeights();
        float[][] x = features(5, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.fit(Tensor.of(x), Tensor.of(new float[4]), quiet().build()));
        assertTrue(e.getMessage().contains("Found 5 input samples and 4 target samples"), e.getMessage());
        float[][] one = features(1, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> model.fit(Tensor.of(one), Tensor.of(new float[1]), quiet().validationSplit(0.5).build()));
        assertTrue(e.getMessage().contains("validation_split=0.5") && e.getMessage().contains("1 samples"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.evaluate(Tensor.of(x), Tensor.of(new float[5]), 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertEquals(before, model.getWeights(), "nothing trained");
        assertThrows(NullPointerException.class, () -> model.fit(Tensor.of(x), null, quiet().build()));
    }

    @Test
    void compileRejectsUnknownNamesAndDuplicateMetrics() {
        SymbolicTensor in = Input.shape(3);
        Model model = Model.of(in, Dense.of(1).call(in));
        assertThrows(IllegalArgumentException.class, () -> model.compile(Adam.create(), "hinge"));
        assertThrows(IllegalArgumentException.class, () -> model.compile(Adam.create(), "mse", "auc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.compile(Adam.create(), Losses.mse(), Metrics.mae(), Metrics.mae()));
        assertTrue(e.getMessage().contains("mae"), e.getMessage());
        model.compile(Adam.create(), "mse", "accuracy"); // one output unit: binary accuracy
        assertTrue(model.isCompiled());
    }

    // ---------------------------------------------------------------------------------------------
    // progress output

    @Test
    void perEpochLinesAndTheProgressBarFormat() {
        int[] users = TestData.ids(100, 20, 1);
        int[] items = TestData.ids(100, 30, 2);
        Model model = recommender(3);
        model.compile(Adam.create(), Losses.mae(), Metrics.mse());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(ratings(users, items)), FitOptions.builder().batchSize(8).epochs(2)
                .validationSplit(0.1).seed(1).verbose(Verbosity.PER_EPOCH).output(print(bytes)).build());
        String[] lines = text(bytes).split("\n", -1);
        String number = "\\d+\\.\\d{4}(e[-+]\\d{2})?";
        String values = " - loss: " + number + " - mse: " + number + " - val_loss: " + number + " - val_mse: " + number;
        assertEquals(5, lines.length, text(bytes));
        assertEquals("Epoch 1/2", lines[0]);
        assertTrue(lines[1].matches("12/12 - \\d+s" + values), lines[1]);
        assertEquals("Epoch 2/2", lines[2]);
        assertTrue(lines[3].matches("12/12 - \\d+s" + values), lines[3]);
        assertEquals("", lines[4]);

        // verbose 1 without a terminal: one finished bar per epoch, no carriage returns
        bytes.reset();
        model.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(ratings(users, items)), FitOptions.builder().batchSize(8).epochs(1)
                .validationSplit(0.1).seed(1).verbose(1).terminal(false).output(print(bytes)).build());
        lines = text(bytes).split("\n", -1);
        assertEquals(3, lines.length, text(bytes));
        assertFalse(text(bytes).contains("\r"));
        assertTrue(lines[1].matches("12/12 \\[={30}\\] - \\d+s \\d+(us|ms|s)/step" + values), lines[1]);

        // on a terminal: redrawn in place, with an ETA, then the finished bar
        bytes.reset();
        long[] now = {0};
        model.fit(List.of(Tensor.of(users), Tensor.of(items)), Tensor.of(ratings(users, items)), FitOptions.builder().batchSize(8).epochs(1)
                .seed(1).verbose(1).terminal(true).output(print(bytes))
                .clock(() -> now[0] += 20_000_000L).build()); // every reading 20 ms later
        String out = text(bytes);
        assertTrue(out.startsWith("Epoch 1/1\n\r 1/13 [=>............................] - ETA: 0s - loss: "), out);
        assertTrue(out.contains("\r 7/13 [===============>..............] - ETA: "), out);
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(last.matches("13/13 \\[={30}\\] - \\d+s \\d+ms/step - loss: " + number + " - mse: " + number
                + " *\n"), last);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
