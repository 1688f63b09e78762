package org.tensorkit.layers;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
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
public final class Embedding extends SingleInputLayer implements TableLayer {
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
        this.embeddings = b.createTable(this);
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

    /** With {@code mask_zero}, the mask {@code ids != 0} (float32 ones and zeros), which a model hands on. */
    @Override
    protected INDArray computeMask(List<INDArray> inputs, List<INDArray> inputMasks) {
        return maskZero ? inputs.get(0).neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT) : null;
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
        // the ids were validated by the forward pass; (ids..., outputDim) holds rows of outputDim in C order
        sink.addRowIds(embeddings, ids, outputGradient);
        return null;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        TableBuilder.addTableConfig(config, inputDim, outputDim, initializer, regularizer, maskZero);
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
        Builder b = builder();
        b.readTableConfig(r, "Embedding");
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

    /** Options of {@link Embedding}; {@code inputDim} and {@code outputDim} are required. */
    public static final class Builder extends TableBuilder<Builder> {
        private long[] inputLength;

        private Builder() {
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

        /** An Embedding; throws {@link IllegalArgumentException} for non-positive dims or weights of a bad shape. */
        public Embedding build() {
            validateTable();
            return new Embedding(this);
        }
    }
}
