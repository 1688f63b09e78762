package org.tensorkit.layers;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * The options of a layer built around one trainable {@code (inputDim, outputDim)} table looked up by ids
 * ({@link Embedding}, {@link EmbedReduce}), named as Keras's {@code Embedding} names them; {@link #inputDim} and
 * {@link #outputDim} are required.
 *
 * @param <B> the concrete builder
 */
public abstract class TableBuilder<B extends TableBuilder<B>> extends Layer.Builder<B> {
    int inputDim = -1;
    int outputDim = -1;
    boolean maskZero;
    Initializer initializer;
    Tensor weights;
    Regularizer regularizer;
    RowSet frozenRows = RowSet.empty();

    /** For the builders of table layers. */
    protected TableBuilder() {
    }

    /** Vocabulary size: ids are in {@code [0, inputDim)}. */
    public B inputDim(int inputDim) {
        this.inputDim = inputDim;
        return self();
    }

    /** Size of each row (embedding vector). */
    public B outputDim(int outputDim) {
        this.outputDim = outputDim;
        return self();
    }

    /** Id 0 is padding (Keras's {@code mask_zero}); the vocabulary then needs inputDim = size + 1. */
    public B maskZero(boolean maskZero) {
        this.maskZero = maskZero;
        return self();
    }

    /** How the table starts (default: Keras's uniform(-0.05, 0.05)). */
    public B initializer(Initializer initializer) {
        this.initializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** Seeds the default uniform(-0.05, 0.05) initializer, for reproducible tables. */
    public B seed(long seed) {
        return initializer(Initializer.uniform(-0.05, 0.05, seed));
    }

    /** A pretrained table (Keras's {@code weights=[matrix]}), copied and cast to float32. */
    public B weights(Tensor matrix) {
        this.weights = Objects.requireNonNull(matrix, "weights");
        return self();
    }

    /**
     * A penalty on the table (Keras's {@code embeddings_regularizer}), applied row-sparsely: each training
     * step penalizes only the distinct rows its batch looks up, once each, not the whole table as Keras does.
     * A full-table penalty would make every step's gradient dense, touching all rows, so a step would cost
     * the size of the table instead of the batch; the row-sparse penalty is the usual choice for large
     * tables (rows of frequent ids are pulled toward zero more often, as in per-example weight decay).
     */
    public B embeddingsRegularizer(Regularizer regularizer) {
        this.regularizer = Objects.requireNonNull(regularizer, "embeddingsRegularizer");
        return self();
    }

    /**
     * Rows of the table training leaves alone (such as the pretrained hits of a vocabulary); see
     * {@link Weight#freezeRows}. Saved with the model.
     */
    public B frozenRows(RowSet rows) {
        this.frozenRows = Objects.requireNonNull(rows, "frozenRows");
        return self();
    }

    /** Refuses non-positive dims and weights of a bad shape or dtype, and picks the default initializer. */
    final void validateTable() {
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
        if (frozenRows.end() > inputDim) {
            throw new IllegalArgumentException("cannot freeze rows up to " + (frozenRows.end() - 1) + ": the table "
                    + "has rows [0, " + inputDim + ")");
        }
        if (initializer == null) {
            initializer = weights != null ? Initializer.zeros() : Initializer.uniform();
        }
    }

    /** The layer's table, {@code embeddings}: row-sparse (training touches and regularizes only looked-up rows). */
    final Weight createTable(Layer layer) {
        Weight table = layer.addWeight("embeddings", Shape.of(inputDim, outputDim), DType.FLOAT32, initializer,
                regularizer, true);
        if (weights != null) {
            Weight.assign(layer.name(), List.of(table), List.of(weights));
        }
        table.freezeRows(frozenRows);
        return table;
    }

    /** The asset of a table's frozen rows: a {@code (k, 2)} int64 {@code .npy} of half-open ranges. */
    static final String FROZEN_ROWS_ASSET = "frozen_rows.npy";

    /**
     * A table layer's assets: its frozen rows, when it has any (Keras ignores the asset, so Keras still loads the
     * file; it knows no frozen rows).
     */
    static Map<String, byte[]> saveFrozenRows(Weight table) {
        return frozenRowsAssets(table.frozenRows());
    }

    /** The assets of a table whose frozen rows are {@code frozen}: none when it is empty. */
    static Map<String, byte[]> frozenRowsAssets(RowSet frozen) {
        if (frozen.isEmpty()) {
            return Map.of();
        }
        long[] ranges = frozen.ranges();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Tensor t = Tensor.of(ranges).reshape(ranges.length / 2, 2)) {
            org.tensorkit.core.io.Npy.write(out, t);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of(FROZEN_ROWS_ASSET, out.toByteArray());
    }

    /** Restores what {@link #saveFrozenRows} wrote; no asset means no frozen rows. */
    static void loadFrozenRows(Weight table, Map<String, byte[]> files, String layer) {
        byte[] bytes = files.get(FROZEN_ROWS_ASSET);
        if (bytes == null) {
            table.freezeRows(RowSet.empty());
            return;
        }
        RowSet rows;
        try (Tensor t = org.tensorkit.core.io.Npy.read(java.nio.channels.Channels.newChannel(
                new java.io.ByteArrayInputStream(bytes)), FROZEN_ROWS_ASSET)) {
            if (t.rank() != 2 || t.shape().dim(1) != 2 || !t.dtype().isInteger()) {
                throw new IllegalArgumentException(layer + ": " + FROZEN_ROWS_ASSET + " must hold (k, 2) integer "
                        + "ranges, got " + t.dtype() + " " + t.shape());
            }
            rows = RowSet.ofRanges(t.cast(DType.INT64).toLongArray());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
        }
        try {
            table.freezeRows(rows);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + ": " + FROZEN_ROWS_ASSET + ": " + e.getMessage(), e);
        }
    }

    /** Reads the keys Keras's {@code Embedding.get_config} writes (all but {@code input_length}) into this builder. */
    final void readTableConfig(Configs.Reader r, String what) {
        name(r.string("name")).trainable(r.bool("trainable", true));
        inputDim(r.intValue("input_dim")).outputDim(r.intValue("output_dim")).maskZero(r.bool("mask_zero", false));
        if (r.dtype("dtype", DType.FLOAT32) != DType.FLOAT32) {
            throw r.bad("dtype", r.raw("dtype"), "float32 (an " + what + "'s table is float32)");
        }
        if (r.has("embeddings_initializer")) {
            initializer(Initializer.fromConfig(r.map("embeddings_initializer")));
        }
        if (r.has("embeddings_regularizer")) {
            embeddingsRegularizer(Regularizers.fromConfig(r.map("embeddings_regularizer")));
        }
        r.requireUnset("activity_regularizer", "embeddings_constraint", "quantization_config", "lora_rank",
                "lora_alpha");
    }

    /** Writes the keys of Keras's {@code Embedding.get_config}, in its order (all but {@code input_length}). */
    static void addTableConfig(Map<String, Object> config, int inputDim, int outputDim, Initializer initializer,
                               Regularizer regularizer, boolean maskZero) {
        config.put("dtype", DType.FLOAT32.numpyName());
        config.put("input_dim", inputDim);
        config.put("output_dim", outputDim);
        config.put("embeddings_initializer", initializer.config());
        config.put("embeddings_regularizer", regularizer == null ? null : regularizer.config());
        config.put("activity_regularizer", null);
        config.put("embeddings_constraint", null);
        config.put("mask_zero", maskZero);
    }
}
