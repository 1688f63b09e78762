package org.tensorkit.layers;

import java.util.Arrays;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.NdArrays;

/**
 * Keras's {@code Reshape}: each example's values, in C order, seen with another shape {@code targetShape}
 * (batch axis excluded; one entry may be -1, inferred from the others). No weights, no copy.
 */
public final class Reshape extends SingleInputLayer {
    private final long[] targetShape;

    private Reshape(Builder b) {
        super(b);
        this.targetShape = b.targetShape.clone();
    }

    /** A Reshape to {@code targetShape} (batch axis excluded; at most one -1). */
    public static Reshape of(long... targetShape) {
        return builder().targetShape(targetShape).build();
    }

    /** The options of a Reshape. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target shape as given (batch axis excluded, -1 for the inferred axis). */
    public Shape targetShape() {
        return Shape.of(targetShape);
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        long known = 1;
        boolean allKnown = true;
        for (int i = 1; i < input.rank(); i++) {
            allKnown &= input.isKnown(i);
            known *= input.isKnown(i) ? input.dim(i) : 1;
        }
        long fixed = 1;
        int free = -1;
        for (int i = 0; i < targetShape.length; i++) {
            if (targetShape[i] == -1) {
                free = i;
            } else {
                fixed *= targetShape[i];
            }
        }
        long[] out = new long[targetShape.length + 1];
        out[0] = input.dim(0);
        System.arraycopy(targetShape, 0, out, 1, targetShape.length);
        if (!allKnown) {
            if (free >= 0) {
                out[free + 1] = Shape.UNKNOWN;
            }
            return Shape.of(out);
        }
        if (free >= 0 ? fixed == 0 || known % fixed != 0 : known != fixed) {
            throw new IllegalArgumentException("total size of new array must be unchanged, input_shape = "
                    + input.drop(1) + ", output_shape = " + Arrays.toString(targetShape) + " (Reshape layer \""
                    + name() + "\")");
        }
        if (free >= 0) {
            out[free + 1] = known / fixed;
        }
        return Shape.of(out);
    }

    @Override
    protected INDArray doForward(INDArray input, CallContext context) {
        long[] shape = inferOutputShape(Shape.of(input.shape())).toArray();
        return NdArrays.reshape(NdArrays.dense(input), shape);
    }

    @Override
    protected INDArray doBackward(INDArray input, INDArray outputGradient, CallContext context, GradientSink sink) {
        return inputGradient(input, NdArrays.reshape(NdArrays.dense(outputGradient), input.shape()));
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("target_shape", Arrays.stream(targetShape).boxed().toList());
    }

    /**
     * The Reshape a {@link #config()} describes.
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read
     */
    public static Reshape fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Reshape", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true));
        r.dtype("dtype", DType.FLOAT32); // reshaping computes nothing: any dtype alike
        b.targetShape(r.integers("target_shape", -1));
        r.finish();
        return b.build();
    }

    /** Options of {@link Reshape}. */
    public static final class Builder extends Layer.Builder<Builder> {
        private long[] targetShape;

        private Builder() {
        }

        /**
         * The shape of each example after the layer (batch axis excluded): positive sizes and at most one -1.
         *
         * @throws IllegalArgumentException for a size below -1, a 0, or two -1s
         */
        public Builder targetShape(long... targetShape) {
            long free = Arrays.stream(targetShape).filter(d -> d == -1).count();
            if (free > 1 || Arrays.stream(targetShape).anyMatch(d -> d == 0 || d < -1)) {
                throw new IllegalArgumentException("Reshape target_shape must hold positive sizes and at most one "
                        + "-1, got " + Arrays.toString(targetShape));
            }
            this.targetShape = targetShape.clone();
            return this;
        }

        /**
         * A Reshape layer.
         *
         * @throws IllegalStateException when no target shape was given
         */
        public Reshape build() {
            if (targetShape == null) {
                throw new IllegalStateException("Reshape needs a targetShape");
            }
            return new Reshape(this);
        }
    }
}
