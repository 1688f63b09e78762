package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's element-wise merges ({@code Add}, {@code Subtract}, {@code Multiply}, {@code Average}): inputs of one
 * rank combined element by element. As in Keras, an axis of length 1 broadcasts against a longer one (a
 * {@code (None, 1, 8)} input with a {@code (None, 5, 8)} one gives {@code (None, 5, 8)}), and the gradient of a
 * broadcast input is summed over the axes it was stretched along. Other shapes are refused with them named
 * (inputs of different ranks too, which Keras would expand). No weights.
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
            boolean fits = s.rank() == out.length;
            for (int i = 0; fits && i < out.length; i++) {
                long d = s.dim(i);
                if (out[i] == Shape.UNKNOWN || out[i] == 1) {
                    out[i] = out[i] == 1 && d == Shape.UNKNOWN ? Shape.UNKNOWN : (d == Shape.UNKNOWN ? out[i] : d);
                } else {
                    fits = d == Shape.UNKNOWN || d == 1 || d == out[i];
                }
            }
            if (!fits) {
                throw new IllegalArgumentException("Inputs have incompatible shapes. Received shapes "
                        + Shape.toString(inputs) + " (" + kind() + " layer \"" + name() + "\": inputs must have "
                        + "one rank, and each axis one length or 1)");
            }
        }
        return Shape.of(out);
    }

    @Override
    protected final INDArray doForward(List<INDArray> inputs, CallContext context) {
        return combine(broadcast(cast(inputs)));
    }

    @Override
    protected final List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                              GradientSink sink) {
        List<INDArray> x = broadcast(cast(inputs));
        INDArray g = outputGradient.castTo(dtype().toNd4j()).reshape('c', x.get(0).shape());
        List<INDArray> grads = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            grads.add(inputGradient(inputs.get(i), reduceTo(gradient(x, g, i), inputs.get(i).shape())));
        }
        return grads;
    }

    /** The inputs stretched to the output's shape (an input already of that shape as it is). */
    private List<INDArray> broadcast(List<INDArray> inputs) {
        long[] shape = inferOutputShape(inputs.stream().map(x -> Shape.of(x.shape())).toList()).toArray();
        List<INDArray> out = new ArrayList<>(inputs.size());
        for (INDArray x : inputs) {
            out.add(java.util.Arrays.equals(x.shape(), shape) ? x : x.broadcast(shape));
        }
        return out;
    }

    /** {@code g} summed over the axes where {@code shape} has length 1 and {@code g} does not. */
    private static INDArray reduceTo(INDArray g, long[] shape) {
        if (java.util.Arrays.equals(g.shape(), shape)) {
            return g;
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && g.size(i) != 1) {
                axes.add(i);
            }
        }
        return g.sum(true, axes.stream().mapToInt(Integer::intValue).toArray()).reshape('c', shape);
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
