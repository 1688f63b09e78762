package org.tensorkit.models.training;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.layers.Weight;

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
            if (g.isRowSparse()) {
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
