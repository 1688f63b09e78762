package org.tensorkit.layers.preprocessing;

import java.util.Arrays;

/** What a lookup or hashing layer outputs, named as Keras names its {@code output_mode} values. */
public enum OutputMode {
    /** The index of each element (int64), the input's shape. */
    INT("int"),
    /** Each element as a one-hot float32 vector: a last axis of 1 is replaced by the vocabulary, else one is added. */
    ONE_HOT("one_hot"),
    /** Each sample (the last axis) as one float32 vector with a 1 at every index present. */
    MULTI_HOT("multi_hot"),
    /** As {@link #MULTI_HOT}, with the number of times each index occurs. */
    COUNT("count"),
    /** As {@link #COUNT}, each count multiplied by its index's inverse document frequency. */
    TF_IDF("tf_idf");

    private final String kerasName;

    OutputMode(String kerasName) {
        this.kerasName = kerasName;
    }

    /** Keras's name, as configs write it ({@code "multi_hot"}). */
    public String kerasName() {
        return kerasName;
    }

    /**
     * The mode of a Keras name; also Keras's deprecated {@code "binary"} (multi_hot) and {@code "tf-idf"}.
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static OutputMode fromKerasName(String name) {
        String n = "binary".equals(name) ? "multi_hot" : "tf-idf".equals(name) ? "tf_idf" : name;
        for (OutputMode m : values()) {
            if (m.kerasName.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Invalid value for argument `output_mode`. Expected one of "
                + Arrays.stream(values()).map(OutputMode::kerasName).toList() + ". Received: output_mode=" + name);
    }

    @Override
    public String toString() {
        return kerasName;
    }
}
