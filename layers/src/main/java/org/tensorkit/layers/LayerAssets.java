package org.tensorkit.layers;

import java.util.Map;

/**
 * A layer whose state is kept in files beside its weights, as Keras's {@code save_assets} / {@code load_assets}
 * keep a lookup's learnt vocabulary in {@code assets/<layer path>/vocabulary.txt} of a {@code .keras} file. The
 * saving code calls {@link #saveAssets()} and, on load, {@link #loadAssets(Map)} once the layer is rebuilt from its
 * config.
 */
public interface LayerAssets {
    /** The files to save, by name (such as {@code vocabulary.txt}); empty when the config holds everything. */
    Map<String, byte[]> saveAssets();

    /**
     * Restores the state from the files {@link #saveAssets()} wrote (by name; empty when the file had none).
     *
     * @throws IllegalArgumentException for files that are missing though the config expects them, or that do not
     *                                  fit the config, naming the layer and the file
     */
    void loadAssets(Map<String, byte[]> files);
}
