package org.tensorkit.layers;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * The layer behind {@link Input}: it has no weights and one node with no inputs, whose output is the model's
 * input placeholder. Made by {@link Input.Builder#build()}.
 */
public final class InputLayer extends SingleInputLayer {
    private final Shape batchShape;
    private final DType dtype;
    private final SymbolicTensor output;

    InputLayer(Input.Builder builder, Shape batchShape, DType dtype) {
        super(builder);
        this.batchShape = batchShape;
        this.dtype = dtype;
        this.output = recordNode(List.of(), batchShape, dtype).output();
    }

    /** The input shape with the batch dimension, e.g. {@code (None, 1)}. */
    public Shape batchShape() {
        return batchShape;
    }

    /** The dtype of the data fed in. */
    public DType dtype() {
        return dtype;
    }

    /** The placeholder this layer feeds into a graph. */
    public SymbolicTensor output() {
        return output;
    }

    @Override
    public java.util.Optional<Shape> declaredInputShape() {
        return java.util.Optional.of(batchShape);
    }

    @Override
    protected Shape inferOutputShape(Shape inputShape) {
        if (!inputShape.isCompatibleWith(batchShape)) {
            throw new IllegalArgumentException("Input \"" + name() + "\" expects shape " + batchShape + ", got "
                    + inputShape);
        }
        return batchShape;
    }

    @Override
    protected DType outputDType(List<DType> inputDTypes) {
        return dtype;
    }

    /** Identity: a model feeds its data straight to the layers behind an input. */
    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        return input;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("batch_shape", Configs.shape(batchShape));
        config.put("dtype", dtype.numpyName());
        config.put("sparse", false);
    }

    /**
     * The InputLayer a {@link #config()} describes: Keras 3's {@code batch_shape} or tf.keras 2's
     * {@code batch_input_shape}.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static InputLayer fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("InputLayer", config);
        String key = r.has("batch_shape") || !r.has("batch_input_shape") ? "batch_shape" : "batch_input_shape";
        Input.Builder b = Input.builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .batchShape(r.integers(key, Shape.UNKNOWN)).dtype(r.dtype("dtype", DType.FLOAT32));
        for (String unsupported : List.of("sparse", "ragged")) {
            if (r.bool(unsupported, false)) {
                throw r.bad(unsupported, true, "false (tensorkit's inputs are dense)");
            }
        }
        if (r.bool("optional", false)) {
            throw r.bad("optional", true, "false (tensorkit's inputs are always given)");
        }
        r.finish();
        return (InputLayer) b.build().layer();
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return outputGradient;
    }
}
