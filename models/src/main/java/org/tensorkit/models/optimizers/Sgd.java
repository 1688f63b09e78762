package org.tensorkit.models.optimizers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.SgdUpdater;
import org.nd4j.linalg.factory.Nd4j;

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
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    private Sgd(Builder b) {
        super(b.learningRate);
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    /** The options of SGD, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults: learning rate 0.01, no momentum. */
    public static Sgd create() {
        return builder().build();
    }

    /** The momentum (0: plain SGD). */
    public double momentum() {
        return momentum;
    }

    /** Whether the momentum is Nesterov's. */
    public boolean nesterov() {
        return nesterov;
    }

    /** One slot, the velocity, when there is momentum; none otherwise. */
    @Override
    protected int slotCount() {
        return momentum == 0 ? 0 : 1;
    }

    @Override
    protected void step(INDArray values, INDArray gradient, INDArray[] slots, long iteration) {
        INDArray g = gradient.reshape(values.shape());
        double lr = learningRate();
        if (momentum == 0) {
            Nd4j.exec(new SgdUpdater(g, lr)); // g becomes lr * g
            values.subi(g);
        } else if (nesterov) {
            Nd4j.exec(new NesterovsUpdater(g, slots[0], lr, momentum)); // g becomes the update
            values.subi(g);
        } else {
            slots[0].muli(momentum).subi(g.muli(lr));
            values.addi(slots[0]);
        }
    }

    /** Options of {@link Sgd}, with Keras's defaults. */
    public static final class Builder {
        private double learningRate = 0.01;
        private double momentum;
        private boolean nesterov;

        private Builder() {
        }

        /** The learning rate (default 0.01), a finite number above 0. */
        public Builder learningRate(double learningRate) {
            this.learningRate = checkLearningRate("SGD", learningRate);
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

        /** Whether the momentum is Nesterov's (default false). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** An SGD optimizer with these options. */
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
