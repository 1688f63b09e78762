package org.tensorkit.models.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's metrics {@code mse}, {@code mae} and {@code accuracy}. The string {@code "accuracy"} means different
 * functions depending on the loss and the output, as in Keras's {@code compile}; {@link #get} resolves it.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Mean squared error per sample, named {@code "mse"}. */
    public static Metric mse() {
        return metric("mse", (t, p) -> Transforms.pow(p.sub(t), 2, false));
    }

    /** Mean absolute error per sample, named {@code "mae"}. */
    public static Metric mae() {
        return metric("mae", (t, p) -> Transforms.abs(p.sub(t), false));
    }

    /** Keras's {@code binary_accuracy}: {@code y_true == (y_pred > 0.5)}, averaged over the last axis. */
    public static Metric binaryAccuracy() {
        return metric("accuracy", (t, p) -> t.eq(p.gt(0.5).castTo(t.dataType())).castTo(p.dataType()));
    }

    /** Keras's {@code sparse_categorical_accuracy}: the class id equals the arg-max of the last axis. */
    public static Metric sparseCategoricalAccuracy() {
        return new Metric() {
            @Override
            public String name() {
                return "accuracy";
            }

            @Override
            public INDArray perSample(INDArray yTrue, INDArray yPred) {
                INDArray predicted = Losses.matrix(yPred).argMax(1).castTo(DataType.DOUBLE);
                INDArray labels = yTrue.reshape('c', new long[] {predicted.length()}).castTo(DataType.DOUBLE);
                return labels.eq(predicted).castTo(yPred.dataType());
            }
        };
    }

    /**
     * A metric by Keras name. {@code "accuracy"} (or {@code "acc"}) becomes binary accuracy for a binary
     * cross-entropy loss or a single output unit, sparse categorical accuracy for a sparse categorical
     * cross-entropy loss.
     */
    public static Metric get(String name, Loss loss, long outputUnits) {
        switch (name) {
            case "mse": case "mean_squared_error":
                return mse();
            case "mae": case "mean_absolute_error":
                return mae();
            case "accuracy": case "acc":
                if (loss.name().equals("binary_crossentropy") || outputUnits == 1) {
                    return binaryAccuracy();
                }
                if (loss.name().equals("sparse_categorical_crossentropy")) {
                    return sparseCategoricalAccuracy();
                }
                throw new IllegalArgumentException("metric \"accuracy\" with loss " + loss.name() + " and "
                        + outputUnits + " output units is categorical accuracy on one-hot targets, which is not "
                        + "supported; use sparse_categorical_crossentropy with integer labels");
            default:
                throw new IllegalArgumentException("Unknown metric function: " + name
                        + " (supported: mse, mae, accuracy)");
        }
    }

    private interface ElementWise {
        INDArray apply(INDArray yTrue, INDArray yPred);
    }

    /** A metric that averages an element-wise function over the last axis. */
    private static Metric metric(String name, ElementWise f) {
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public INDArray perSample(INDArray yTrue, INDArray yPred) {
                INDArray t = Losses.matchTarget(name, yTrue, yPred);
                return Losses.matrix(f.apply(t, yPred)).mean(1);
            }
        };
    }
}
