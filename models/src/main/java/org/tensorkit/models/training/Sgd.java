package org.tensorkit.models.training;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.SgdUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.layers.Weight;
import org.tensorkit.core.internal.RowSparse;

/**
 * Keras's {@code SGD(learning_rate=0.01, momentum=0.0, nesterov=False)}, with Keras's update rules:
 * <pre>
 *   momentum = 0:  w -= lr * g
 *   momentum > 0:  v = momentum * v - lr * g;  w += v                        (nesterov = false)
 *                  v = momentum * v - lr * g;  w += momentum * v - lr * g    (nesterov = true)
 * </pre>
 * Plain SGD and Nesterov run as ND4J's {@code sgd_updater} and {@code nesterovs_updater} ops (the latter's
 * {@code update = momentum * v_old - (1 + momentum) * v} is the same Nesterov step); classical momentum has no
 * ND4J op with Keras's {@code w += v} form and is written out on whole arrays.
 *
 * <p>Row-sparse gradients update only their rows and those rows' velocities, exactly as Keras's SGD treats
 * sparse (IndexedSlices) gradients: rows absent from a step keep their value and velocity.
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private final double momentum;
    private final boolean nesterov;
    private final Map<Weight, INDArray> velocities = new IdentityHashMap<>();
    private long iterations;

    private Sgd(Builder b) {
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults: learning rate 0.01, no momentum. */
    public static Sgd create() {
        return builder().build();
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public void apply(List<WeightGradient> gradients) {
        for (WeightGradient g : gradients) {
            Weight w = g.weight();
            INDArray table = w.value();
            if (g.isRowSparse()) {
                INDArray values = RowSparse.gather(table, g.rows());
                INDArray velocity = momentum == 0 ? null : RowSparse.gather(velocity(w), g.rows());
                step(values, g.rowValues(), velocity);
                RowSparse.scatter(table, g.rows(), values);
                if (velocity != null) {
                    RowSparse.scatter(velocity(w), g.rows(), velocity);
                }
            } else {
                step(table, g.dense(), momentum == 0 ? null : velocity(w));
            }
        }
        iterations++;
    }

    /** One update of {@code values} (and {@code velocity}) in place; consumes {@code gradient}. */
    private void step(INDArray values, INDArray gradient, INDArray velocity) {
        INDArray g = gradient.reshape(values.shape());
        if (momentum == 0) {
            Nd4j.exec(new SgdUpdater(g, learningRate)); // g becomes lr * g
            values.subi(g);
        } else if (nesterov) {
            Nd4j.exec(new NesterovsUpdater(g, velocity, learningRate, momentum)); // g becomes the update
            values.subi(g);
        } else {
            velocity.muli(momentum).subi(g.muli(learningRate));
            values.addi(velocity);
        }
    }

    private INDArray velocity(Weight w) {
        return velocities.computeIfAbsent(w, k -> Nd4j.zeros(k.dtype().toNd4j(), k.shape().toArray()));
    }

    /** Options of {@link Sgd}, with Keras's defaults. */
    public static final class Builder {
        private double learningRate = 0.01;
        private double momentum;
        private boolean nesterov;

        private Builder() {
        }

        public Builder learningRate(double learningRate) {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("SGD learningRate must be a finite number > 0, got "
                        + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /** Keras: "momentum must be between [0, 1]"; default 0. */
        public Builder momentum(double momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("`momentum` must be between [0, 1]. Received: momentum="
                        + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        public Sgd build() {
            return new Sgd(this);
        }
    }
}
