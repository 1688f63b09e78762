package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras's {@code Subtract}: its first input minus its second, element by element (see {@link ElementwiseMerge}). */
public final class Subtract extends ElementwiseMerge {
    private Subtract(Builder b) {
        super(b);
    }

    /** The options of a Subtract (name, dtype). */
    public static Builder builder() {
        return new Builder();
    }

    /** A Subtract with Keras's defaults. */
    public static Subtract create() {
        return builder().build();
    }

    /** Exactly two inputs, as in Keras. */
    @Override
    protected int maxInputs() {
        return 2;
    }

    @Override
    protected INDArray combine(List<INDArray> inputs) {
        return inputs.get(0).sub(inputs.get(1));
    }

    @Override
    protected INDArray gradient(List<INDArray> inputs, INDArray g, int i) {
        return i == 0 ? g.dup('c') : g.neg();
    }

    /**
     * The Subtract a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Subtract fromConfig(Map<String, Object> config) {
        return read(new Configs.Reader("Subtract", config), builder()).build();
    }

    /** Options of {@link Subtract}. */
    public static final class Builder extends Merge.Builder<Builder> {
        private Builder() {
        }

        /** A Subtract layer. */
        public Subtract build() {
            return new Subtract(this);
        }
    }
}
