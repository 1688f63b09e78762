package org.tensorkit.layers.testing;

import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.layers.CallContext;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.Layer;
import org.tensorkit.layers.SingleInputLayer;

/**
 * An identity layer that runs a hook at every forward pass: a test places it in a graph to act at a known point
 * of a {@code predict} (after the layers before it ran, before the ones after it), for instance to make another
 * thread's {@code setWeights} happen there, deterministically.
 */
public final class HookLayer extends SingleInputLayer {
    private final Runnable onForward;

    private HookLayer(Builder builder, Runnable onForward) {
        super(builder);
        this.onForward = onForward;
    }

    /** A hook layer named {@code name} that runs {@code onForward} at each forward pass, then passes its input. */
    public static HookLayer of(String name, Runnable onForward) {
        return new HookLayer(new Builder().name(name), Objects.requireNonNull(onForward, "onForward"));
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        return inputShape;
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        onForward.run();
        return input;
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return outputGradient;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        // a test fixture: its hook is code, not configuration
    }

    private static final class Builder extends Layer.Builder<Builder> {
    }
}
