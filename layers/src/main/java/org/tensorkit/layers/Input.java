package org.tensorkit.layers;

import java.util.Objects;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;

/**
 * Keras's {@code Input()}: makes an {@link InputLayer} and returns its placeholder tensor.
 *
 * <pre>{@code
 * SymbolicTensor x = Input.builder().shape(1).name("Input").build();   // (None, 1), float32
 * SymbolicTensor ids = Input.shape(Shape.UNKNOWN);                      // (None, None)
 * }</pre>
 */
public final class Input {
    private Input() {
    }

    /** An input of the given per-example shape (no batch dimension), float32, named {@code input_<n>}. */
    public static SymbolicTensor shape(long... shape) {
        return builder().shape(shape).build();
    }

    /** The options of an Input: give its {@link Builder#shape} or {@link Builder#batchShape}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of {@link Input}: give either {@link #shape} or {@link #batchShape}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private long[] shape;
        private long[] batchShape;
        private long batchSize = Shape.UNKNOWN;
        private DType dtype = DType.FLOAT32;

        private Builder() {
        }

        /** The shape of one example, without the batch dimension; {@link Shape#UNKNOWN} marks a free size. */
        public Builder shape(long... shape) {
            this.shape = Objects.requireNonNull(shape, "shape").clone();
            return this;
        }

        /** The full shape, batch dimension first (instead of {@link #shape}). */
        public Builder batchShape(long... batchShape) {
            this.batchShape = Objects.requireNonNull(batchShape, "batchShape").clone();
            return this;
        }

        /** A fixed batch size (default: unknown). */
        public Builder batchSize(long batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The dtype of the data fed in (default float32, Keras's floatx). */
        public Builder dtype(DType dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype");
            return this;
        }

        @Override
        protected String defaultName(Class<?> layerClass) {
            return Names.uniqueInput();
        }

        /** Creates the input layer and returns its placeholder tensor. */
        public SymbolicTensor build() {
            if (shape != null && batchShape != null) {
                throw new IllegalArgumentException("Only provide the `shape` OR `batch_input_shape` argument to "
                        + "Input, not both at the same time.");
            }
            if (shape == null && batchShape == null) {
                throw new IllegalArgumentException("Please provide to Input either a `shape` or a `tensor` "
                        + "argument. Note that `shape` does not include the batch dimension.");
            }
            Shape full = batchShape != null ? Shape.of(batchShape) : Shape.of(shape).prepend(batchSize);
            return new InputLayer(this, full, dtype).output();
        }
    }
}
