package org.tensorkit.layers;

import java.util.Map;

import org.tensorkit.core.Tensor;

/**
 * A layer that keeps state in named variables of its weights group, as Keras's {@code save_own_variables} /
 * {@code load_own_variables} keep a tf-idf lookup's {@code idf_weights} in {@code layers/<path>/vars/idf_weights}
 * (beside, not among, the numbered weights). The saving code calls {@link #saveVariables()} and, on load,
 * {@link #loadVariables(Map)} before the layer's assets.
 */
public interface LayerVariables {
    /** The variables to save, by dataset name; empty when there are none. */
    Map<String, Tensor> saveVariables();

    /**
     * Checks what {@link #saveVariables()} wrote (by dataset name; empty when the file had none) and returns what
     * installs it, so that a caller restoring many layers checks them all before it changes any.
     *
     * @throws IllegalArgumentException for a variable that is missing though the config needs it, or of a wrong
     *                                  shape, naming the layer and the variable
     */
    Runnable prepareVariables(Map<String, Tensor> variables);

    /** {@link #prepareVariables} and the installation at once. */
    default void loadVariables(Map<String, Tensor> variables) {
        prepareVariables(variables).run();
    }
}
