package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras's {@code Multiply}: the product of its inputs, element by element (see {@link ElementwiseMerge}). */
public final class Multiply extends ElementwiseMerge {
    private Multiply(Builder b) {
        super(b);
    }

    /** The options of a Multiply (name, dtype). */
    public static Builder builder() {
        return new Builder();
    }

    /** A Multiply with Keras's defaults. */
    public static Multiply create() {
        return builder().build();
    }

    @Override
    protected INDArray combine(List<INDArray> inputs) {
        INDArray out = inputs.get(0).dup('c');
        for (int k = 1; k < inputs.size(); k++) {
            out.muli(inputs.get(k));
        }
        return out;
    }

    @Override
    protected INDArray gradient(List<INDArray> inputs, INDArray g, int i) {
        INDArray d = g.dup('c');
        for (int k = 0; k < inputs.size(); k++) {
            if (k != i) {
                d.muli(inputs.get(k));
            }
        }
        return d;
    }

    /**
     * The Multiply a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Multiply fromConfig(Map<String, Object> config) {
        return read(new Configs.Reader("Multiply", config), builder()).build();
    }

    /** Options of {@link Multiply}. */
    public static final class Builder extends Merge.Builder<Builder> {
        private Builder() {
        }

        /** A Multiply layer. */
        public Multiply build() {
            return new Multiply(this);
        }
    }
}
