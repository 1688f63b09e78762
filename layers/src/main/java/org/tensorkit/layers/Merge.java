package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;

/**
 * A layer that merges two or more inputs into one output (Keras's {@code Merge} base): {@code Dot},
 * {@code Concatenate}. It computes in its floating-point dtype (float32 by default): inputs are cast to it, and
 * the gradients it returns are cast back to each input's dtype ({@code null} for integer inputs).
 */
public abstract class Merge extends Layer {
    private final DType dtype;

    /** Takes the options every merge layer has from its builder. */
    protected Merge(Builder<?> builder) {
        super(builder);
        this.dtype = builder.dtype;
    }

    /** The computation and output type (Keras's {@code dtype}). */
    public final DType dtype() {
        return dtype;
    }

    /** Two inputs at least. */
    @Override
    protected int minInputs() {
        return 2;
    }

    /** Any number of inputs, unless the layer says otherwise. */
    @Override
    protected int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    protected final DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    /** The inputs cast to {@link #dtype()} (an input already of that type is passed as is). */
    protected final List<INDArray> cast(List<INDArray> inputs) {
        boolean same = true;
        for (int k = 0; k < inputs.size(); k++) {
            same &= inputs.get(k).dataType() == dtype.toNd4j();
        }
        if (same) {
            return inputs; // nothing to cast: no copy of the list
        }
        List<INDArray> out = new ArrayList<>(inputs.size());
        for (INDArray x : inputs) {
            out.add(x.dataType() == dtype.toNd4j() ? x : x.castTo(dtype.toNd4j()));
        }
        return out;
    }

    /** Adds {@code dtype}; a merge layer adds its own settings after calling this. */
    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", dtype.numpyName());
    }

    /** Options every merge layer takes, besides a layer's: its dtype. */
    public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
        private DType dtype = DType.FLOAT32;

        /** For subclasses' builders. */
        protected Builder() {
        }

        /** The computation and output type (Keras's {@code dtype}; default float32). Inputs are cast to it. */
        public B dtype(DType dtype) {
            this.dtype = floatingPoint(dtype);
            return self();
        }
    }
}
