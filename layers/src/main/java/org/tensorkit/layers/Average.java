package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Keras's {@code Average}: the mean of its inputs, element by element (see {@link ElementwiseMerge}). */
public final class Average extends ElementwiseMerge {
    private Average(Builder b) {
        super(b);
    }

    /** The options of a Average (name, dtype). */
    public static Builder builder() {
        return new Builder();
    }

    /** A Average with Keras's defaults. */
    public static Average create() {
        return builder().build();
    }

    @Override
    protected INDArray combine(List<INDArray> inputs) {
        return sum(inputs).divi(inputs.size());
    }

    @Override
    protected INDArray gradient(List<INDArray> inputs, INDArray g, int i) {
        return g.div(inputs.size());
    }

    /**
     * The Average a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Average fromConfig(Map<String, Object> config) {
        return read(new Configs.Reader("Average", config), builder()).build();
    }

    /** Options of {@link Average}. */
    public static final class Builder extends Merge.Builder<Builder> {
        private Builder() {
        }

        /** A Average layer. */
        public Average build() {
            return new Average(this);
        }
    }
}
