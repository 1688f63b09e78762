package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras's {@code Add}: the sum of its inputs, element by element (see {@link ElementwiseMerge}). */
public final class Add extends ElementwiseMerge {
    private Add(Builder b) {
        super(b);
    }

    /** The options of a Add (name, dtype). */
    public static Builder builder() {
        return new Builder();
    }

    /** A Add with Keras's defaults. */
    public static Add create() {
        return builder().build();
    }

    @Override
    protected INDArray combine(List<INDArray> inputs) {
        return sum(inputs);
    }

    @Override
    protected INDArray gradient(List<INDArray> inputs, INDArray g, int i) {
        return g.dup('c');
    }

    /**
     * The Add a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Add fromConfig(Map<String, Object> config) {
        return read(new Configs.Reader("Add", config), builder()).build();
    }

    /** Options of {@link Add}. */
    public static final class Builder extends Merge.Builder<Builder> {
        private Builder() {
        }

        /** A Add layer. */
        public Add build() {
            return new Add(this);
        }
    }
}
