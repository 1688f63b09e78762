package org.tensorkit.layers;

import java.util.Collections;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;

/**
 * A layer of exactly one input: its hooks take that input alone. {@code Embedding}, {@code Dense},
 * {@code Flatten}, {@code Dropout} and {@code InputLayer} are such layers.
 */
public abstract class SingleInputLayer extends Layer {
    /** Takes the options every layer has from its builder. */
    protected SingleInputLayer(Builder<?> builder) {
        super(builder);
    }

    /** Hook: the output shape for an input of {@code inputShape}; pure, throws for inputs the layer cannot take. */
    protected abstract Shape inferOutputShape(Shape inputShape);

    /** Hook: the computation on a whole batch. */
    protected abstract INDArray doForward(INDArray input, CallContext context);

    /** Hook: the input's gradient ({@code null} if it has none), weight gradients sent to {@code sink}. */
    protected abstract INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context,
                                           GradientSink sink);

    @Override
    protected final Shape inferOutputShape(List<Shape> inputShapes) {
        return inferOutputShape(inputShapes.get(0));
    }

    @Override
    protected final INDArray doForward(List<INDArray> inputs, CallContext context) {
        return doForward(inputs.get(0), context);
    }

    @Override
    protected final List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                              GradientSink sink) {
        INDArray g = doBackward(inputs.get(0), outputGradient, context, sink);
        return g == null ? NO_INPUT_GRADIENT : Collections.singletonList(g); // ids have none: a shared list
    }

    /** The input gradients of a call whose input has none (integer ids). */
    private static final List<INDArray> NO_INPUT_GRADIENT = Collections.singletonList(null);

    @Override
    protected final int minInputs() {
        return 1;
    }

    @Override
    protected final int maxInputs() {
        return 1;
    }
}
