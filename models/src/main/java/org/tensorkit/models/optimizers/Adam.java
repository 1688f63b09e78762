package org.tensorkit.models.optimizers;

import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.RowSparse;

/**
 * Keras's {@code Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}, with Keras's placement of
 * epsilon (outside the square root of the uncorrected second moment, the bias correction folded into the rate):
 * <pre>
 *   t   = iterations + 1
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   w  -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
 * </pre>
 * This is exactly ND4J's {@code adam_updater} op, which runs it (dense and row-sparse alike).
 *
 * <p>Row-sparse gradients are applied lazily, as TF-Addons' {@code LazyAdam} (and PyTorch's
 * {@code SparseAdam}): only the rows in the step update their {@code m}, {@code v} and value; other rows keep
 * all three. The bias correction uses the optimizer's global step {@code t}, not a per-row count, as LazyAdam
 * does; a row first seen at a late step therefore takes a step of about {@code lr * (1 - beta1) / sqrt(1 - beta2)}
 * (about 3.2 lr) rather than {@code lr}. Keras's own Adam, on sparse gradients, decays {@code m} and {@code v}
 * of every row each step and moves rows absent from the batch, at the cost of the whole table per step.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    private Adam(Builder b) {
        super(b.learningRate);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
    }

    /** The options of Adam, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults. */
    public static Adam create() {
        return builder().build();
    }

    /** The decay of the first moment. */
    public double beta1() {
        return beta1;
    }

    /** The decay of the second moment. */
    public double beta2() {
        return beta2;
    }

    /** The epsilon of the update's denominator. */
    public double epsilon() {
        return epsilon;
    }

    /** Two slots: the first moment m and the second moment v. */
    @Override
    protected int slotCount() {
        return 2;
    }

    /** ND4J's {@code adam_updater} turns the gradient into the update in place; the weight subtracts it. */
    @Override
    protected void step(INDArray values, INDArray gradient, INDArray[] slots, long iteration) {
        INDArray update = gradient.reshape(values.shape());
        Nd4j.exec(new AdamUpdater(update, slots[1], slots[0], learningRate(), beta1, beta2, epsilon,
                Math.toIntExact(iteration)));
        values.subi(update);
    }

    /** float32 tables and a row set of at most a few million values step in a Java loop, in place. */
    @Override
    protected boolean stepRowsInPlace(INDArray table, INDArray[] slots, WeightGradient g, long iteration) {
        if (!javaRows(table, g)) {
            return false;
        }
        lazyStepInJava(table, slots[0], slots[1], g.rows(), g.rowFloats(), Math.toIntExact(iteration));
        return true;
    }

    /** Whether a row-sparse step runs in Java: float32 tables and a row set of at most a few million values. */
    private static boolean javaRows(INDArray table, WeightGradient g) {
        return table.dataType() == DataType.FLOAT && NdArrays.isDense(table) && table.length() <= Integer.MAX_VALUE
                && g.rowValueCount() <= RowSparse.JAVA_MAX_ELEMENTS;
    }

    /**
     * The lazy step on rows {@code rows} of {@code table}, {@code m} and {@code v}, read and written in place
     * through their buffers: ND4J's {@code adam_updater} kernel transcribed operation by operation in float32
     * (its bias-corrected rate {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t)} computed as the kernel does, the
     * subtraction from the table as {@code subi}), so the result is the op's to the last bit. It saves the
     * gathers, the op and the write-backs: about a dozen native calls per weight.
     */
    private void lazyStepInJava(INDArray table, INDArray mTable, INDArray vTable, long[] rows, float[] grad,
                                int iteration) {
        float lr = (float) learningRate();
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float eps = (float) epsilon;
        float t = iteration + 1;
        float b1t = (float) Math.pow(b1, t);
        float b2t = (float) Math.pow(b2, t);
        float rate = (float) (lr * (float) Math.sqrt((float) (1.0 - b2t)) / (1.0 - b1t));
        if (Float.isNaN(rate) || rate == 0 || Float.isInfinite(rate)) {
            rate = eps;
        }
        float oneMinusB1 = 1 - b1;
        float oneMinusB2 = 1 - b2;
        FloatBuffer w = BulkData.floatBuffer(table);
        FloatBuffer m = BulkData.floatBuffer(mTable);
        FloatBuffer v = BulkData.floatBuffer(vTable);
        int width = grad.length / Math.max(rows.length, 1);
        for (int r = 0; r < rows.length; r++) {
            int base = Math.toIntExact(rows[r] * width);
            for (int j = 0, k = r * width; j < width; j++, k++) {
                int i = base + j;
                float gk = grad[k];
                float mi = b1 * m.get(i) + gk * oneMinusB1;
                float vi = b2 * v.get(i) + gk * gk * oneMinusB2;
                m.put(i, mi);
                v.put(i, vi);
                w.put(i, w.get(i) - (mi * rate) / ((float) Math.sqrt(vi) + eps));
            }
        }
    }

    /** Options of {@link Adam}, with Keras's defaults. */
    public static final class Builder {
        private double learningRate = 0.001;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;

        private Builder() {
        }

        /** The learning rate (default 0.001), a finite number above 0. */
        public Builder learningRate(double learningRate) {
            this.learningRate = checkLearningRate("Adam", learningRate);
            return this;
        }

        /** The decay of the first moment (default 0.9), in {@code [0, 1)}. */
        public Builder beta1(double beta1) {
            this.beta1 = requireUnit("beta1", beta1);
            return this;
        }

        /** The decay of the second moment (default 0.999), in {@code [0, 1)}. */
        public Builder beta2(double beta2) {
            this.beta2 = requireUnit("beta2", beta2);
            return this;
        }

        /** The epsilon added to the root of the second moment (default 1e-7), a finite number above 0. */
        public Builder epsilon(double epsilon) {
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("Adam epsilon must be a finite number > 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        private static double requireUnit(String name, double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("Adam " + name + " must be in [0, 1), got " + value);
            }
            return value;
        }

        /** An Adam optimizer with these options. */
        public Adam build() {
            return new Adam(this);
        }
    }
}
