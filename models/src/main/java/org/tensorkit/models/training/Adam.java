package org.tensorkit.models.training;

import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.layers.Weight;
import org.tensorkit.core.internal.RowSparse;
import org.tensorkit.core.internal.NdArrays;

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
public final class Adam implements Optimizer {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<Weight, INDArray[]> moments = new IdentityHashMap<>();
    private long iterations;

    private Adam(Builder b) {
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults. */
    public static Adam create() {
        return builder().build();
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public void apply(List<WeightGradient> gradients) {
        int iteration = Math.toIntExact(iterations); // 0-based: the op uses t = iteration + 1
        for (WeightGradient g : gradients) {
            Weight w = g.weight();
            INDArray[] mv = moments(w);
            INDArray table = w.value();
            if (g.isRowSparse() && javaRows(table, g)) {
                lazyStepInJava(table, mv[0], mv[1], g.rows(), BulkData.readFloats(g.rowValues()), iteration);
            } else if (g.isRowSparse()) {
                long[] rows = g.rows();
                INDArray m = RowSparse.gather(mv[0], rows);
                INDArray v = RowSparse.gather(mv[1], rows);
                INDArray update = g.rowValues();
                Nd4j.exec(new AdamUpdater(update, v, m, learningRate, beta1, beta2, epsilon, iteration));
                INDArray values = RowSparse.gather(table, rows).subi(update);
                RowSparse.scatter(table, rows, values);
                RowSparse.scatter(mv[0], rows, m);
                RowSparse.scatter(mv[1], rows, v);
            } else {
                INDArray update = g.dense();
                Nd4j.exec(new AdamUpdater(update, mv[1], mv[0], learningRate, beta1, beta2, epsilon, iteration));
                table.subi(update);
            }
        }
        iterations++;
    }

    /** Whether a row-sparse step runs in Java: float32 tables and a row set of at most a few million values. */
    private static boolean javaRows(INDArray table, WeightGradient g) {
        return table.dataType() == DataType.FLOAT && NdArrays.isDense(table) && table.length() <= Integer.MAX_VALUE
                && g.rowValues().length() <= RowSparse.JAVA_MAX_ELEMENTS;
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
        float lr = (float) learningRate;
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

    /** {@code [m, v]} of a weight, zero at first use. */
    private INDArray[] moments(Weight w) {
        return moments.computeIfAbsent(w, k -> new INDArray[] {
                Nd4j.zeros(k.dtype().toNd4j(), k.shape().toArray()),
                Nd4j.zeros(k.dtype().toNd4j(), k.shape().toArray())});
    }

    /** Options of {@link Adam}, with Keras's defaults. */
    public static final class Builder {
        private double learningRate = 0.001;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;

        private Builder() {
        }

        public Builder learningRate(double learningRate) {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("Adam learningRate must be a finite number > 0, got "
                        + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        public Builder beta1(double beta1) {
            this.beta1 = requireUnit("beta1", beta1);
            return this;
        }

        public Builder beta2(double beta2) {
            this.beta2 = requireUnit("beta2", beta2);
            return this;
        }

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

        public Adam build() {
            return new Adam(this);
        }
    }
}
