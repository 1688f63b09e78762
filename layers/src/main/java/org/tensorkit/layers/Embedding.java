package org.tensorkit.layers;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.RowGather;

/**
 * Keras's {@code Embedding}: a trainable {@code (inputDim, outputDim)} float32 table whose rows are looked up by
 * integer ids. Input of any rank, output {@code input shape + (outputDim,)}.
 *
 * <p>Unlike Keras, every id is checked: an id outside {@code [0, inputDim)}, NaN, infinite or fractional raises
 * an {@link IllegalArgumentException} naming the layer, the value, its position in the input and the valid
 * range. Keras truncates {@code 3.7} to {@code 3} and, on GPU, returns zeros for a bad id; both hide bugs.
 */
public final class Embedding extends SingleInputLayer {
    private final int inputDim;
    private final int outputDim;
    private final long[] inputLength;
    private final boolean maskZero;
    private final Initializer initializer;
    private final Regularizer regularizer;
    private final Weight embeddings;

    private Embedding(Builder b) {
        super(b);
        this.inputDim = b.inputDim;
        this.outputDim = b.outputDim;
        this.inputLength = b.inputLength;
        this.maskZero = b.maskZero;
        this.initializer = b.initializer;
        this.regularizer = b.regularizer;
        // row-sparse: training touches (and regularizes) only the rows of the ids in each step
        this.embeddings = addWeight("embeddings", Shape.of(inputDim, outputDim), DType.FLOAT32, b.initializer,
                b.regularizer, true);
        if (b.weights != null) {
            Weight.assign(name(), List.of(embeddings), List.of(b.weights));
        }
    }

    /** The options of an Embedding, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Vocabulary size: ids are in {@code [0, inputDim)}. */
    public int inputDim() {
        return inputDim;
    }

    /** Size of each embedding vector. */
    public int outputDim() {
        return outputDim;
    }

    /** The declared sequence length(s), if any; {@link Shape#UNKNOWN} where free. */
    public Optional<long[]> inputLength() {
        return Optional.ofNullable(inputLength).map(long[]::clone);
    }

    /** Whether id 0 is padding: {@link #computeMask} then marks it. */
    public boolean maskZero() {
        return maskZero;
    }

    /** The table, shape {@code (inputDim, outputDim)}. */
    public Weight embeddings() {
        return embeddings;
    }

    /** The mask Keras derives with {@code mask_zero=True}: {@code ids != 0}; empty when maskZero is off. */
    public Optional<Tensor> computeMask(Tensor ids) {
        return maskZero ? Optional.of(Tensor.wrap(ids.unwrap().neq(0))) : Optional.empty();
    }

    /** {@code (None, inputLength...)}, or {@code (None, None)}: an Embedding always knows its input rank. */
    @Override
    public Optional<Shape> declaredInputShape() {
        return Optional.of(inputLength == null ? Shape.batchOf(Shape.UNKNOWN) : Shape.batchOf(inputLength));
    }

    @Override
    protected Shape inferOutputShape(Shape input) {
        if (input.rank() == 0) {
            throw new IllegalArgumentException("Embedding layer \"" + name() + "\" needs ids with a batch "
                    + "dimension, got a 0-d input of shape ()");
        }
        if (inputLength == null) {
            return input.append(outputDim);
        }
        boolean contradicts = inputLength.length != input.rank() - 1;
        long[] lengths = inputLength.clone();
        for (int i = 0; !contradicts && i < lengths.length; i++) {
            long given = input.dim(i + 1);
            contradicts = lengths[i] != Shape.UNKNOWN && given != Shape.UNKNOWN && lengths[i] != given;
            lengths[i] = lengths[i] == Shape.UNKNOWN ? given : lengths[i];
        }
        if (contradicts) {
            String declared = inputLength.length == 1 ? Long.toString(inputLength[0]).replace("-1", "None")
                    : Shape.of(inputLength).toString();
            throw new IllegalArgumentException("\"input_length\" is " + declared + ", but received input has shape "
                    + input + " (Embedding layer \"" + name() + "\")");
        }
        return Shape.of(lengths).prepend(input.dim(0)).append(outputDim);
    }

    /** One pass over the ids that validates each and copies its row; no allocation per row. */
    @Override
    protected INDArray doForward(INDArray ids, CallContext context) {
        INDArray table = embeddings.value();
        long[] idShape = ids.shape();
        long[] outShape = java.util.Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = outputDim;
        INDArray out = OutputBuffers.uninitialized(table.dataType(), outShape);
        RowGather.gather(table, ids, false, out, (position, value) -> badId(ids, position, value, context));
        return out;
    }

    /** Row-sparse: only the rows of the ids in the batch get a gradient. Ids have no gradient themselves. */
    @Override
    protected INDArray doBackward(INDArray ids, INDArray outputGradient, CallContext context, GradientSink sink) {
        // the ids were validated by the forward pass: one bulk read, cast as ND4J's cast would (no native op)
        long[] rows = BulkData.readLongs(ids);
        sink.addRows(embeddings, rows, outputGradient); // (ids..., outputDim): rows of outputDim in C order
        return null;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("input_dim", inputDim);
        config.put("output_dim", outputDim);
        config.put("embeddings_initializer", initializer.config());
        config.put("embeddings_regularizer", regularizer == null ? null : regularizer.config());
        config.put("activity_regularizer", null);
        config.put("embeddings_constraint", null);
        config.put("mask_zero", maskZero);
        if (inputLength != null) {
            config.put("input_length", inputLength.length == 1 ? (Object) inputLength[0]
                    : Configs.shape(Shape.of(inputLength)));
        }
    }

    /**
     * The Embedding a {@link #config()} describes (its table initialized, not loaded).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static Embedding fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("Embedding", config);
        Builder b = builder().name(r.string("name")).trainable(r.bool("trainable", true))
                .inputDim(r.intValue("input_dim")).outputDim(r.intValue("output_dim"))
                .maskZero(r.bool("mask_zero", false));
        if (r.dtype("dtype", DType.FLOAT32) != DType.FLOAT32) {
            throw r.bad("dtype", config.get("dtype"), "float32 (an Embedding's table is float32)");
        }
        if (r.has("embeddings_initializer")) {
            b.initializer(Initializer.fromConfig(r.map("embeddings_initializer")));
        }
        if (r.has("embeddings_regularizer")) {
            b.embeddingsRegularizer(Regularizers.fromConfig(r.map("embeddings_regularizer")));
        }
        r.requireUnset("activity_regularizer", "embeddings_constraint", "quantization_config", "lora_rank",
                "lora_alpha");
        if (r.has("input_length")) {
            b.inputLength(r.integers("input_length", Shape.UNKNOWN));
        }
        r.finish();
        return b.build();
    }

    private IllegalArgumentException badId(INDArray ids, long position, double value, CallContext context) {
        String where = "indices" + RowGather.position(position, ids.shape(), context.rowOffset());
        String problem = Double.isNaN(value) || Double.isInfinite(value) || value != Math.rint(value)
                ? " is not an integer id in [0, " + inputDim + ")"
                : " is not in [0, " + inputDim + ")";
        return new IllegalArgumentException("Embedding layer \"" + name() + "\": " + where + " = "
                + RowGather.formatIndex(value) + problem + " (ids must be integers from 0 to input_dim - 1 = "
                + (inputDim - 1) + ")");
    }

    /** Options of {@link Embedding}; {@link #inputDim} and {@link #outputDim} are required. */
    public static final class Builder extends Layer.Builder<Builder> {
        private int inputDim = -1;
        private int outputDim = -1;
        private long[] inputLength;
        private boolean maskZero;
        private Initializer initializer;
        private Tensor weights;
        private Regularizer regularizer;

        private Builder() {
        }

        /** Vocabulary size. */
        public Builder inputDim(int inputDim) {
            this.inputDim = inputDim;
            return this;
        }

        /** Embedding size. */
        public Builder outputDim(int outputDim) {
            this.outputDim = outputDim;
            return this;
        }

        /** Length of the id sequences (one value per non-batch input axis; {@link Shape#UNKNOWN} = free). */
        public Builder inputLength(long... inputLength) {
            Objects.requireNonNull(inputLength, "inputLength");
            for (long l : inputLength) {
                if (l <= 0 && l != Shape.UNKNOWN) {
                    throw new IllegalArgumentException("inputLength values must be positive or Shape.UNKNOWN, got "
                            + java.util.Arrays.toString(inputLength));
                }
            }
            this.inputLength = inputLength.clone();
            return this;
        }

        /** Id 0 is padding (Keras's {@code mask_zero}); the vocabulary then needs inputDim = size + 1. */
        public Builder maskZero(boolean maskZero) {
            this.maskZero = maskZero;
            return this;
        }

        /** How the table starts (default: Keras's uniform(-0.05, 0.05)). */
        public Builder initializer(Initializer initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /** Seeds the default uniform(-0.05, 0.05) initializer, for reproducible tables. */
        public Builder seed(long seed) {
            return initializer(Initializer.uniform(-0.05, 0.05, seed));
        }

        /** A pretrained table (Keras's {@code weights=[matrix]}), copied and cast to float32. */
        public Builder weights(Tensor matrix) {
            this.weights = Objects.requireNonNull(matrix, "weights");
            return this;
        }

        /**
         * A penalty on the table (Keras's {@code embeddings_regularizer}), applied row-sparsely: each training
         * step penalizes only the distinct rows its batch looks up, once each, not the whole table as Keras does.
         * A full-table penalty would make every step's gradient dense, touching all rows, so a step would cost
         * the size of the table instead of the batch; the row-sparse penalty is the usual choice for large
         * tables (rows of frequent ids are pulled toward zero more often, as in per-example weight decay).
         */
        public Builder embeddingsRegularizer(Regularizer regularizer) {
            this.regularizer = Objects.requireNonNull(regularizer, "embeddingsRegularizer");
            return this;
        }

        /** An Embedding; throws {@link IllegalArgumentException} for non-positive dims or weights of a bad shape. */
        public Embedding build() {
            if (inputDim <= 0 || outputDim <= 0) {
                throw new IllegalArgumentException("Both `input_dim` and `output_dim` should be positive, found "
                        + "input_dim " + inputDim + " and output_dim " + outputDim
                        + (inputDim == -1 || outputDim == -1 ? " (-1 = not set)" : ""));
            }
            if (weights != null && !weights.shape().equals(Shape.of(inputDim, outputDim))) {
                throw new IllegalArgumentException("Layer weight shape " + Shape.of(inputDim, outputDim)
                        + " not compatible with provided weight shape " + weights.shape()
                        + " (Embedding weights must be (input_dim, output_dim))");
            }
            if (weights != null && !weights.dtype().isNumeric()) {
                throw new IllegalArgumentException("Embedding weights must be numeric, got dtype " + weights.dtype());
            }
            if (initializer == null) {
                initializer = weights != null ? Initializer.zeros() : Initializer.uniform();
            }
            return new Embedding(this);
        }
    }
}
