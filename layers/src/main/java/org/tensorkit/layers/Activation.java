package org.tensorkit.layers;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's activation functions by name, computed by ND4J's own activations (value and backprop) so that the
 * derivatives are not re-derived here. Softmax normalizes the last axis, as Keras's default {@code axis=-1}.
 */
public enum Activation {
    LINEAR("linear", null),
    RELU("relu", org.nd4j.linalg.activations.Activation.RELU),
    SIGMOID("sigmoid", org.nd4j.linalg.activations.Activation.SIGMOID),
    TANH("tanh", org.nd4j.linalg.activations.Activation.TANH),
    SOFTMAX("softmax", org.nd4j.linalg.activations.Activation.SOFTMAX);

    private final String kerasName;
    private final org.nd4j.linalg.activations.Activation nd4j;

    Activation(String kerasName, org.nd4j.linalg.activations.Activation nd4j) {
        this.kerasName = kerasName;
        this.nd4j = nd4j;
    }

    /** The name Keras uses in configs and {@code activation='relu'}. */
    public String kerasName() {
        return kerasName;
    }

    /** Parses a Keras activation name; {@code null} is Keras's {@code activation=None}, i.e. linear. */
    public static Activation fromName(String name) {
        if (name == null) {
            return LINEAR;
        }
        for (Activation a : values()) {
            if (a.kerasName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("Unknown activation function: " + name + " (supported: "
                + Arrays.stream(values()).map(Activation::kerasName).toList() + ")");
    }

    /** The activation of {@code z}: a new array ({@code z} itself for linear). {@code z} is not modified. */
    public INDArray apply(INDArray z) {
        Objects.requireNonNull(z, "z");
        if (nd4j == null) {
            return z;
        }
        // ND4J's activations work in place on a 2-D (rows, features) array: give them a copy of that form
        INDArray out = impl().getActivation(asMatrix(z).dup('c'), true);
        return out.reshape('c', z.shape());
    }

    /**
     * The gradient with respect to the pre-activation {@code z}, given the gradient with respect to
     * {@code apply(z)}. A new array ({@code outputGradient} itself for linear); the arguments are not modified.
     */
    public INDArray backprop(INDArray z, INDArray outputGradient) {
        Objects.requireNonNull(z, "z");
        Objects.requireNonNull(outputGradient, "outputGradient");
        if (nd4j == null) {
            return outputGradient;
        }
        INDArray dz = impl().backprop(asMatrix(z).dup('c'), asMatrix(outputGradient).dup('c')).getFirst();
        return dz.reshape('c', z.shape());
    }

    private IActivation impl() {
        return nd4j.getActivationFunction();
    }

    /** Rank 2 as {@code (everything else, last axis)}, which is what softmax needs to normalize the last axis. */
    private static INDArray asMatrix(INDArray a) {
        if (a.rank() == 2) {
            return a;
        }
        long last = a.rank() == 0 ? 1 : a.size(-1);
        return a.reshape('c', a.length() / Math.max(last, 1), last);
    }

    @Override
    public String toString() {
        return kerasName;
    }
}
