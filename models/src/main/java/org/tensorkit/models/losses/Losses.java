package org.tensorkit.models.losses;

import java.util.Arrays;

import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.BulkData;

/**
 * Keras's losses: {@code mse}, {@code mae}, {@code binary_crossentropy}, {@code sparse_categorical_crossentropy}.
 *
 * <p>MSE and MAE are ND4J's {@link LossMSE} and {@link LossMAE}: their per-example gradients are Keras's mean
 * over the last axis and are divided here by the number of samples (Keras averages over the batch). MSE's
 * per-example score is Keras's too; MAE's is not (see {@code perSample}). The two cross-entropies are written out because ND4J's differ from Keras's on
 * probabilities: Keras clips predictions to {@code [1e-7, 1 - 1e-7]} (its backend epsilon), adds epsilon inside
 * the logarithm of the binary case and renormalizes the categorical case ({@code log(p_y / sum p)}), where ND4J's
 * {@code LossBinaryXENT} clips at 1e-5 without the extra epsilon and {@code LossSparseMCXENT} neither clips nor
 * renormalizes outside a softmax. As in TensorFlow, clipped predictions get no gradient.
 */
public final class Losses {
    /** Keras's {@code backend.epsilon()}. */
    public static final double EPSILON = 1e-7;

    private Losses() {
    }

    /** Keras's {@code mean_squared_error}. */
    public static Loss mse() {
        return new Nd4jLoss("mse", new LossMSE());
    }

    /** Keras's {@code mean_absolute_error}. */
    public static Loss mae() {
        return new Nd4jLoss("mae", new LossMAE());
    }

    /** Keras's {@code binary_crossentropy} on probabilities (the output of a sigmoid). */
    public static Loss binaryCrossentropy() {
        return new BinaryCrossentropy();
    }

    /** Keras's {@code sparse_categorical_crossentropy} on probabilities, with integer class targets. */
    public static Loss sparseCategoricalCrossentropy() {
        return new SparseCategoricalCrossentropy();
    }

    /** A loss by Keras name or alias ({@code mean_squared_error}, ...). */
    public static Loss get(String name) {
        switch (name) {
            case "mse": case "mean_squared_error": case "MSE":
                return mse();
            case "mae": case "mean_absolute_error": case "MAE":
                return mae();
            case "binary_crossentropy":
                return binaryCrossentropy();
            case "sparse_categorical_crossentropy":
                return sparseCategoricalCrossentropy();
            default:
                throw new IllegalArgumentException("Unknown loss function: " + name + " (supported: mse, mae, "
                        + "binary_crossentropy, sparse_categorical_crossentropy)");
        }
    }

    /** {@code yTrue} as {@code yPred}'s shape and type, expanding a missing trailing axis of size 1. */
    static INDArray matchTarget(String loss, INDArray yTrue, INDArray yPred) {
        checkTarget(loss, yTrue, yPred);
        INDArray t = yTrue;
        if (t.rank() == yPred.rank() - 1) {
            long[] shape = Arrays.copyOf(t.shape(), t.rank() + 1);
            shape[t.rank()] = 1;
            t = t.reshape('c', shape);
        }
        return t.castTo(yPred.dataType());
    }

    /**
     * Checks that {@code yTrue} has {@code yPred}'s shape, or that shape without its trailing axis of size 1 (the
     * same values in the same C order either way).
     */
    static void checkTarget(String loss, INDArray yTrue, INDArray yPred) {
        long[] t = yTrue.shape();
        long[] p = yPred.shape();
        boolean fits = Arrays.equals(t, p) || t.length == p.length - 1 && p[p.length - 1] == 1
                && Arrays.equals(t, 0, t.length, p, 0, t.length);
        if (!fits) {
            throw new IllegalArgumentException(loss + ": targets of shape " + Arrays.toString(t)
                    + " do not match predictions of shape " + Arrays.toString(p)
                    + " (expected the same shape, or the predictions' shape without a trailing 1)");
        }
    }

    /** The number of per-sample losses: every axis but the last. */
    static long samples(INDArray yPred) {
        return yPred.length() / Math.max(1, yPred.rank() == 0 ? 1 : yPred.size(-1));
    }

    /** {@code (samples, last axis)}: the 2-D form ND4J's losses take. */
    static INDArray matrix(INDArray a) {
        long last = a.rank() == 0 ? 1 : a.size(-1);
        return a.reshape('c', a.length() / Math.max(1, last), last);
    }

    private static long[] perSampleShape(INDArray yPred) {
        return yPred.rank() <= 1 ? new long[] {1} : Arrays.copyOf(yPred.shape(), yPred.rank() - 1);
    }

    private static final class Nd4jLoss implements Loss {
        /**
         * Each thread's arrays for the Java pass (predictions, targets, gradient), grown to the largest batch: a
         * loss is shared by every model compiled with it, and a step allocates no Java garbage for it.
         */
        private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

        private final String name;
        private final ILossFunction impl;

        Nd4jLoss(String name, ILossFunction impl) {
            this.name = name;
            this.impl = impl;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public INDArray perSample(INDArray yTrue, INDArray yPred) {
            INDArray t = matchTarget(name, yTrue, yPred);
            if (impl instanceof LossMAE) {
                // ND4J 1.0.0-M2.1's LossMAE score array is the sum over the last axis, not the mean (its gradient
                // is the mean's): Keras's value is computed here
                return matrix(Transforms.abs(yPred.sub(t), false)).mean(1).reshape('c', perSampleShape(yPred));
            }
            INDArray scores = impl.computeScoreArray(matrix(t), matrix(yPred).dup('c'), new ActivationIdentity(), null);
            return scores.reshape('c', perSampleShape(yPred));
        }

        @Override
        public Result compute(INDArray yTrue, INDArray yPred) {
            if (yPred.dataType() == DataType.FLOAT && yPred.length() > 0 && yPred.length() <= JAVA_MAX_ELEMENTS) {
                checkTarget(name, yTrue, yPred); // read in C order: the trailing 1 needs no reshape
                return computeInJava(yTrue.dataType() == DataType.FLOAT ? yTrue : yTrue.castTo(DataType.FLOAT), yPred);
            }
            INDArray t = matchTarget(name, yTrue, yPred);
            double value = perSample(t, yPred).castTo(DataType.DOUBLE).meanNumber().doubleValue();
            INDArray grad = impl.computeGradient(matrix(t), matrix(yPred).dup('c'), new ActivationIdentity(), null);
            return new Result(value, grad.divi(samples(yPred)).reshape('c', yPred.shape()));
        }

        /**
         * Value and gradient in one pass over bulk-read floats, with ND4J's float formulas step by step: per
         * sample the mean over the last axis of {@code |p - t|} (MAE) or {@code (p - t)^2} (MSE), their mean in
         * float64; gradient {@code sign(p - t) / n / samples} (MAE) or {@code (p - t) * 2 / n / samples} (MSE),
         * in float32, {@code n} the last axis. Only the order of the per-sample sums may differ from ND4J's.
         */
        private Result computeInJava(INDArray t, INDArray yPred) {
            boolean mae = impl instanceof LossMAE;
            int length = Math.toIntExact(yPred.length());
            float[][] work = SCRATCH.get();
            if (work[0].length < length) {
                work[0] = new float[length];
                work[1] = new float[length];
                work[2] = new float[length];
            }
            float[] p = BulkData.readFloats(yPred, work[0]);
            float[] y = BulkData.readFloats(t, work[1]);
            int n = Math.toIntExact(yPred.rank() == 0 ? 1 : yPred.size(-1));
            int samples = length / n;
            float lastAxis = n;
            float count = samples;
            float[] grad = work[2];
            double total = 0;
            for (int s = 0, i = 0; s < samples; s++) {
                float sum = 0;
                for (int k = 0; k < n; k++, i++) {
                    float d = p[i] - y[i];
                    if (mae) {
                        sum += Math.abs(d);
                        grad[i] = (d > 0 ? 1f : d < 0 ? -1f : 0f) / lastAxis / count;
                    } else {
                        sum += d * d;
                        grad[i] = d * 2f / lastAxis / count;
                    }
                }
                total += sum / lastAxis;
            }
            return new Result(total / samples, BulkData.floats(grad, yPred.shape())); // copies the first values
        }
    }

    /** Up to this many predictions, MSE and MAE run as Java loops: one pass instead of about ten native ops. */
    static final long JAVA_MAX_ELEMENTS = 1 << 20;

    /**
     * {@code -mean(y * log(p + eps) + (1 - y) * log(1 - p + eps))} over the last axis, with {@code p} clipped to
     * {@code [eps, 1 - eps]}: Keras's {@code binary_crossentropy} on probabilities.
     */
    private static final class BinaryCrossentropy implements Loss {
        @Override
        public String name() {
            return "binary_crossentropy";
        }

        @Override
        public INDArray perSample(INDArray yTrue, INDArray yPred) {
            INDArray y = matchTarget(name(), yTrue, yPred);
            INDArray p = Transforms.max(Transforms.min(yPred, 1 - EPSILON, true), EPSILON, false);
            INDArray positive = y.mul(Transforms.log(p.add(EPSILON), false));
            INDArray negative = y.rsub(1).muli(Transforms.log(p.rsub(1 + EPSILON), false));
            return matrix(positive.addi(negative).negi()).mean(1).reshape('c', perSampleShape(yPred));
        }

        @Override
        public Result compute(INDArray yTrue, INDArray yPred) {
            INDArray y = matchTarget(name(), yTrue, yPred);
            double value = value(y, yPred);
            INDArray p = Transforms.max(Transforms.min(yPred, 1 - EPSILON, true), EPSILON, false);
            // d/dp of -(y log(p + eps) + (1 - y) log(1 - p + eps)), zero where the clip is active
            INDArray grad = y.rsub(1).divi(p.rsub(1 + EPSILON)).subi(y.div(p.add(EPSILON)));
            INDArray inside = yPred.gte(EPSILON).castTo(yPred.dataType())
                    .muli(yPred.lte(1 - EPSILON).castTo(yPred.dataType()));
            double scale = 1.0 / (samples(yPred) * (yPred.rank() == 0 ? 1 : yPred.size(-1)));
            return new Result(value, grad.muli(inside).muli(scale));
        }
    }

    /**
     * {@code -log(p_y / sum_j p_j)} with {@code p} clipped to {@code [eps, 1 - eps]}: Keras's
     * {@code sparse_categorical_crossentropy} on probabilities (it takes {@code log(p)} as logits of a softmax
     * cross-entropy). Labels are integer class ids of shape {@code yPred}'s without the last axis (a trailing 1
     * is allowed).
     */
    private static final class SparseCategoricalCrossentropy implements Loss {
        @Override
        public String name() {
            return "sparse_categorical_crossentropy";
        }

        /** One-hot rows of the labels, {@code (samples, classes)}, after checking them. */
        private INDArray oneHot(INDArray yTrue, INDArray yPred) {
            long classes = yPred.size(-1);
            long n = samples(yPred);
            if (yTrue.length() != n) {
                throw new IllegalArgumentException(name() + ": " + yTrue.length() + " labels (shape "
                        + Arrays.toString(yTrue.shape()) + ") for " + n + " predictions of shape "
                        + Arrays.toString(yPred.shape()) + "; expected one integer class id per prediction");
            }
            INDArray labels = yTrue.reshape('c', new long[] {n}).castTo(DataType.DOUBLE);
            INDArray asLong = labels.castTo(DataType.LONG);
            double min = labels.minNumber().doubleValue();
            double max = labels.maxNumber().doubleValue();
            boolean integral = labels.sub(asLong.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() == 0;
            if (!integral || min < 0 || max >= classes) {
                double bad = !integral ? Double.NaN : min < 0 ? min : max;
                throw new IllegalArgumentException("Received a label value of " + (Double.isNaN(bad)
                        ? "a non-integer" : Long.toString((long) bad)) + " which is outside the valid range of [0, "
                        + classes + ") (" + name() + ": labels must be integer class ids)");
            }
            return Tensor.oneHot(Tensor.wrap(asLong), Math.toIntExact(classes)).unwrap().castTo(yPred.dataType());
        }

        @Override
        public INDArray perSample(INDArray yTrue, INDArray yPred) {
            INDArray p = Transforms.max(Transforms.min(matrix(yPred), 1 - EPSILON, true), EPSILON, false);
            INDArray py = p.mul(oneHot(yTrue, yPred)).sum(1);
            INDArray loss = Transforms.log(p.sum(1), false).subi(Transforms.log(py, false));
            return loss.reshape('c', perSampleShape(yPred));
        }

        @Override
        public Result compute(INDArray yTrue, INDArray yPred) {
            INDArray hot = oneHot(yTrue, yPred);
            INDArray raw = matrix(yPred);
            INDArray p = Transforms.max(Transforms.min(raw, 1 - EPSILON, true), EPSILON, false);
            INDArray sum = p.sum(true, 1);
            INDArray py = p.mul(hot).sum(true, 1);
            double value = Transforms.log(sum, true).subi(Transforms.log(py, true)).castTo(DataType.DOUBLE)
                    .meanNumber().doubleValue();
            // d/dp_j of log(sum p) - log(p_y) = 1 / sum p - [j = y] / p_y, zero where the clip is active
            INDArray grad = Transforms.pow(sum, -1, true).broadcast(raw.shape()).sub(hot.divColumnVector(py));
            INDArray inside = raw.gte(EPSILON).castTo(raw.dataType()).muli(raw.lte(1 - EPSILON)
                    .castTo(raw.dataType()));
            return new Result(value, grad.muli(inside).divi(samples(yPred)).reshape('c', yPred.shape()));
        }
    }
}
