package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's element-wise merges ({@code Add}, {@code Subtract}, {@code Multiply}, {@code Average}): inputs of one
 * shape combined element by element into an output of that shape. No weights. Unlike Keras, inputs must have
 * the same shape (Keras also broadcasts axes of length 1); a call on other shapes is refused with them named.
 */
public abstract class ElementwiseMerge extends Merge {
    /** Takes the options every merge layer has from its builder. */
    protected ElementwiseMerge(Merge.Builder<?> builder) {
        super(builder);
    }

    /** Keras's class name, for messages. */
    private String kind() {
        return getClass().getSimpleName();
    }

    @Override
    protected final Shape inferOutputShape(List<Shape> inputs) {
        long[] out = inputs.get(0).toArray();
        for (Shape s : inputs) {
            boolean same = s.rank() == out.length;
            for (int i = 0; same && i < out.length; i++) {
                long d = s.dim(i);
                same = out[i] == Shape.UNKNOWN || d == Shape.UNKNOWN || out[i] == d;
                out[i] = out[i] == Shape.UNKNOWN ? d : out[i];
            }
            if (!same) {
                throw new IllegalArgumentException("Inputs have incompatible shapes. Received shapes "
                        + Shape.toString(inputs) + " (" + kind() + " layer \"" + name() + "\": tensorkit's "
                        + kind() + " takes inputs of one shape)");
            }
        }
        return Shape.of(out);
    }

    @Override
    protected final INDArray doForward(List<INDArray> inputs, CallContext context) {
        inferOutputShape(inputs.stream().map(x -> Shape.of(x.shape())).toList()); // same checks as symbolic calls
        return combine(cast(inputs));
    }

    @Override
    protected final List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                              GradientSink sink) {
        List<INDArray> x = cast(inputs);
        INDArray g = outputGradient.castTo(dtype().toNd4j()).reshape('c', x.get(0).shape());
        List<INDArray> grads = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            grads.add(inputGradient(inputs.get(i), gradient(x, g, i)));
        }
        return grads;
    }

    /** The element-wise sum of the inputs, in a new array. */
    static INDArray sum(List<INDArray> inputs) {
        INDArray out = inputs.get(0).dup('c');
        for (int k = 1; k < inputs.size(); k++) {
            out.addi(inputs.get(k));
        }
        return out;
    }

    /** Hook: the output from the inputs (cast to the layer's dtype, all of one shape). */
    protected abstract INDArray combine(List<INDArray> inputs);

    /** Hook: the gradient of input {@code i} given the output's gradient {@code g} (a new array). */
    protected abstract INDArray gradient(List<INDArray> inputs, INDArray g, int i);

    /** Reads the settings every element-wise merge has (name, trainable, dtype) into {@code b}. */
    static <B extends Merge.Builder<B>> B read(Configs.Reader r, B b) {
        b.name(r.string("name")).trainable(r.bool("trainable", true)).dtype(r.dtype("dtype", DType.FLOAT32));
        r.finish();
        return b;
    }
}
