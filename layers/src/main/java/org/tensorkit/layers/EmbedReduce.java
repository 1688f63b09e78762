package org.tensorkit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.RowGather;
import org.tensorkit.core.internal.Tensors;

/**
 * Keras-RS's {@code EmbedReduce}: an embedding table whose rows are looked up for a bag of ids per example and
 * reduced to one row, for multi-valued features (a movie's genres, a basket's items). Input {@code (batch, k)}
 * ids, optionally with per-id weights of the same shape as a second input; output {@code (batch, outputDim)}.
 * A rank-1 input {@code (batch,)} is not reduced (one id per example), as in Keras-RS.
 *
 * <p>Combiners: {@code mean} (default), {@code sum}, {@code sqrtn} (sum over the square root of the summed squared
 * weights, TensorFlow's), and {@code max} (PyTorch's {@code EmbeddingBag} mode, per dimension). With
 * {@code maskZero}, id 0 is padding: it takes no part in the reduction nor the count and its row gets no gradient
 * (PyTorch's {@code padding_idx}); a bag of padding only gives zeros. Keras-RS has no such rule: it averages the
 * padding row in. Per-id weights go with {@code sum} and {@code sqrtn} only (PyTorch allows them with sum alone;
 * a weighted mean or max is refused). Variable-length bags given as values and offsets (PyTorch's form) are read by
 * {@link #bags(Tensor, Tensor, boolean)}.
 *
 * <p>Gradients are row-sparse, like {@link Embedding}'s: only the rows in the batch's bags get one (under
 * {@code max}, each dimension's gradient goes to the row that gave its maximum), and the per-id weights get theirs.
 */
public final class EmbedReduce extends Layer implements TableLayer {
    /** How a bag's rows combine. */
    public enum Combiner {
        /** The mean of the rows (padding excluded). */
        MEAN("mean"),
        /** The (weighted) sum. */
        SUM("sum"),
        /** The weighted sum over {@code sqrt(sum of squared weights)}. */
        SQRTN("sqrtn"),
        /** The per-dimension maximum (PyTorch's mode max). */
        MAX("max");

        private final String kerasName;

        Combiner(String kerasName) {
            this.kerasName = kerasName;
        }

        /** The name configs write: {@code "mean"}, ... */
        public String kerasName() {
            return kerasName;
        }

        static Combiner of(String name) {
            for (Combiner c : values()) {
                if (c.kerasName.equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("Invalid `combiner`: '" + name + "', use one of mean, sum, sqrtn, max.");
        }
    }

    private final int inputDim;
    private final int outputDim;
    private final boolean maskZero;
    private final Initializer initializer;
    private final Regularizer regularizer;
    private final Combiner combiner;
    private final Weight embeddings;

    private EmbedReduce(Builder b) {
        super(b);
        this.inputDim = b.inputDim;
        this.outputDim = b.outputDim;
        this.maskZero = b.maskZero;
        this.initializer = b.initializer;
        this.regularizer = b.regularizer;
        this.combiner = b.combiner;
        this.embeddings = b.createTable(this);
    }

    /** The options of an EmbedReduce, starting from Keras-RS's defaults (combiner mean). */
    public static Builder builder() {
        return new Builder();
    }


    /** The table, shape {@code (inputDim, outputDim)}. */
    public Weight embeddings() {
        return embeddings;
    }

    /** How a bag's rows combine. */
    public Combiner combiner() {
        return combiner;
    }

    @Override
    protected int maxInputs() {
        return 2;
    }

    @Override
    protected Shape inferOutputShape(List<Shape> inputShapes) {
        Shape ids = inputShapes.get(0);
        if (ids.rank() == 0 || ids.rank() > 2) {
            throw new IllegalArgumentException("EmbedReduce \"" + name() + "\" takes ids of shape (batch,) or "
                    + "(batch, bag), got " + ids);
        }
        if (inputShapes.size() == 2) {
            checkWeighted();
            if (!inputShapes.get(1).isCompatibleWith(ids)) {
                throw new IllegalArgumentException("EmbedReduce \"" + name() + "\": The shape of `weights`: "
                        + inputShapes.get(1) + " is not compatible with the shape of `inputs`: " + ids);
            }
        }
        return ids.rank() == 1 ? ids.append(outputDim) : ids.take(1).append(outputDim);
    }

    private void checkWeighted() {
        if (combiner == Combiner.MEAN || combiner == Combiner.MAX) {
            throw new IllegalArgumentException("EmbedReduce \"" + name() + "\": per-id weights go with combiner sum "
                    + "or sqrtn, not " + combiner.kerasName() + " (a weighted " + combiner.kerasName()
                    + " is not defined here; PyTorch allows weights with sum only)");
        }
    }

    /**
     * The bags {@code values[offsets[b] .. offsets[b + 1])} (the last to the end of {@code values}, or, with
     * {@code includeLastOffset}, to the last offset), each reduced: PyTorch's {@code EmbeddingBag(input, offsets)}.
     * Inference only; a model takes padded bags.
     *
     * @throws IllegalArgumentException for offsets that do not start at 0, decrease or run past the values, naming
     *                                  the offset and its position, or ids outside the table
     */
    public Tensor bags(Tensor values, Tensor offsets, boolean includeLastOffset) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(offsets, "offsets");
        if (values.rank() != 1 || offsets.rank() != 1) {
            throw new IllegalArgumentException("EmbedReduce \"" + name() + "\": bags takes 1-D values and offsets, "
                    + "got shapes " + values.shape() + " and " + offsets.shape());
        }
        long[] off = offsets.toLongArray();
        int n = Math.toIntExact(values.size());
        int count = includeLastOffset ? Math.max(0, off.length - 1) : off.length;
        int[] starts = new int[count + 1];
        for (int b = 0; b < off.length; b++) {
            long o = off[b];
            if ((b == 0 && o != 0) || (b > 0 && o < off[b - 1]) || o > n) {
                throw new IllegalArgumentException("EmbedReduce \"" + name() + "\": offsets[" + b + "] = " + o
                        + (b == 0 && o != 0 ? " must be 0 (the first bag starts the values)"
                        : o > n ? " runs past the " + n + " values" : " is below offsets[" + (b - 1) + "] = "
                        + off[b - 1] + " (offsets must not decrease)"));
            }
            if (b <= count) {
                starts[b] = (int) o;
            }
        }
        if (!includeLastOffset) {
            starts[count] = n;
        }
        Rows rows = gather(values.unwrap(), CallContext.inference());
        Reduced r = reduce(rows, null, starts);
        return Tensors.adopt(BulkData.floats(r.out, count, outputDim));
    }

    @Override
    protected INDArray doForward(List<INDArray> inputs, CallContext context) {
        INDArray ids = inputs.get(0);
        Rows rows = gather(ids, context);
        if (ids.rank() == 1) { // one id per example: no reduction, as Keras-RS
            float[] w = inputs.size() == 2 && combiner == Combiner.SUM ? weights(inputs.get(1)) : null;
            float[] out = rows.values.clone();
            for (int p = 0; w != null && p < rows.ids.length; p++) {
                for (int d = 0; d < outputDim; d++) {
                    out[p * outputDim + d] *= w[p];
                }
            }
            if (context.isTraining()) {
                context.save(new Saved(rows, w, null, null));
            }
            return BulkData.floats(out, ids.size(0), outputDim);
        }
        float[] weights = inputs.size() == 2 ? weights(inputs.get(1)) : null;
        int bags = Math.toIntExact(ids.size(0));
        int k = Math.toIntExact(ids.size(1));
        int[] starts = new int[bags + 1];
        for (int b = 0; b <= bags; b++) {
            starts[b] = b * k;
        }
        Reduced r = reduce(rows, weights, starts);
        if (context.isTraining()) {
            context.save(new Saved(rows, weights, starts, r));
        }
        return BulkData.floats(r.out, bags, outputDim);
    }

    /** The ids (validated, as Embedding's) and their rows. */
    private record Rows(long[] ids, float[] values) {
    }

    /** A reduction's output and what its backward pass needs: each bag's divisor and, for max, the argmax. */
    private record Reduced(float[] out, float[] divisor, int[] argmax) {
    }

    private record Saved(Rows rows, float[] weights, int[] starts, Reduced reduced) {
    }

    private Rows gather(INDArray ids, CallContext context) {
        INDArray table = embeddings.value();
        INDArray out = OutputBuffers.uninitialized(DataType.FLOAT, ids.length(), outputDim);
        RowGather.gather(table, ids, false, out, (position, value) -> new IllegalArgumentException("EmbedReduce \""
                + name() + "\": indices" + RowGather.position(position, ids.shape(), context.rowOffset()) + " = "
                + RowGather.formatIndex(value) + " is not an integer id in [0, " + inputDim + ")"));
        float[] values = BulkData.readFloats(out);
        OutputBuffers.release(out);
        return new Rows(BulkData.readLongs(ids), values);
    }

    private float[] weights(INDArray w) {
        return BulkData.readFloats(w.dataType() == DataType.FLOAT ? w : w.castTo(DataType.FLOAT));
    }

    private boolean padding(long id) {
        return maskZero && id == 0;
    }

    /** Each bag {@code [starts[b], starts[b + 1])} reduced by the combiner, padding skipped; empty bags give zeros. */
    private Reduced reduce(Rows rows, float[] weights, int[] starts) {
        int bags = starts.length - 1;
        float[] out = new float[bags * outputDim];
        float[] divisor = new float[bags];
        int[] argmax = combiner == Combiner.MAX ? new int[bags * outputDim] : null;
        if (argmax != null) {
            Arrays.fill(argmax, -1);
        }
        for (int b = 0; b < bags; b++) {
            float norm = 0;
            for (int p = starts[b]; p < starts[b + 1]; p++) {
                if (padding(rows.ids[p])) {
                    continue;
                }
                float w = weights == null ? 1 : weights[p];
                norm += combiner == Combiner.SQRTN ? w * w : w;
                for (int d = 0; d < outputDim; d++) {
                    float v = rows.values[p * outputDim + d];
                    int at = b * outputDim + d;
                    if (argmax != null) {
                        if (argmax[at] < 0 || v > out[at]) {
                            out[at] = v;
                            argmax[at] = p;
                        }
                    } else {
                        out[at] += w * v;
                    }
                }
            }
            float div = switch (combiner) {
                case MEAN -> norm;
                case SQRTN -> (float) Math.sqrt(norm);
                default -> 1;
            };
            divisor[b] = div;
            if (combiner == Combiner.MEAN || combiner == Combiner.SQRTN) {
                for (int d = 0; d < outputDim; d++) {
                    int at = b * outputDim + d;
                    out[at] = div == 0 ? 0 : out[at] / div; // divide_no_nan: an empty bag gives zeros
                }
            }
        }
        return new Reduced(out, divisor, argmax);
    }

    @Override
    protected List<INDArray> doBackward(List<INDArray> inputs, INDArray outputGradient, CallContext context,
                                        GradientSink sink) {
        INDArray ids = inputs.get(0);
        if (ids.rank() == 1) {
            return backwardUnreduced(inputs, outputGradient, context.saved(Saved.class).rows, sink);
        }
        Saved s = context.saved(Saved.class);
        float[] g = BulkData.readFloats(outputGradient.dataType() == DataType.FLOAT ? outputGradient
                : outputGradient.castTo(DataType.FLOAT));
        List<Long> rowIds = new ArrayList<>();
        List<float[]> rowGrads = new ArrayList<>();
        float[] weightGrad = s.weights == null ? null : new float[s.weights.length];
        int bags = s.starts.length - 1;
        for (int b = 0; b < bags; b++) {
            float div = s.reduced.divisor[b];
            for (int p = s.starts[b]; p < s.starts[b + 1]; p++) {
                if (padding(s.rows.ids[p])) {
                    continue;
                }
                float w = s.weights == null ? 1 : s.weights[p];
                float[] rg = new float[outputDim];
                boolean any = false;
                for (int d = 0; d < outputDim; d++) {
                    float gd = g[b * outputDim + d];
                    float v = switch (combiner) {
                        case SUM -> w * gd;
                        case MEAN, SQRTN -> div == 0 ? 0 : w * gd / div;
                        case MAX -> s.reduced.argmax[b * outputDim + d] == p ? gd : 0;
                    };
                    rg[d] = v;
                    any |= v != 0;
                }
                if (any || combiner != Combiner.MAX) {
                    rowIds.add(s.rows.ids[p]);
                    rowGrads.add(rg);
                }
                if (weightGrad != null) {
                    weightGrad[p] = weightGradient(s, b, p, g);
                }
            }
        }
        long[] rows = rowIds.stream().mapToLong(Long::longValue).toArray();
        float[] flat = new float[rows.length * outputDim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rowGrads.get(i), 0, flat, i * outputDim, outputDim);
        }
        if (rows.length > 0) {
            sink.addRows(embeddings, rows, BulkData.floats(flat, rows.length, outputDim));
        }
        List<INDArray> out = new ArrayList<>(2);
        out.add(null);
        if (inputs.size() == 2) {
            INDArray w = inputs.get(1);
            out.add(inputGradient(w, BulkData.floats(weightGrad, w.shape())));
        }
        return out;
    }

    /**
     * d loss / d weight of position {@code p} in bag {@code b}: {@code g . row} for sum; for sqrtn
     * {@code (g . row) / n - (g . out) w / n^2} with {@code n = sqrt(sum w^2)}.
     */
    private float weightGradient(Saved s, int b, int p, float[] g) {
        double dotRow = 0;
        double dotOut = 0;
        for (int d = 0; d < outputDim; d++) {
            dotRow += (double) g[b * outputDim + d] * s.rows.values[p * outputDim + d];
            dotOut += (double) g[b * outputDim + d] * s.reduced.out[b * outputDim + d];
        }
        if (combiner == Combiner.SUM) {
            return (float) dotRow;
        }
        double n = s.reduced.divisor[b];
        return n == 0 ? 0 : (float) (dotRow / n - dotOut * s.weights[p] / (n * n));
    }

    /** Rank-1 ids: each output row is its id's row (times its weight under sum), the rows the forward gathered. */
    private List<INDArray> backwardUnreduced(List<INDArray> inputs, INDArray outputGradient, Rows gathered,
                                             GradientSink sink) {
        long[] rows = gathered.ids();
        float[] g = BulkData.readFloats(outputGradient.dataType() == DataType.FLOAT ? outputGradient
                : outputGradient.castTo(DataType.FLOAT));
        boolean weighted = inputs.size() == 2 && combiner == Combiner.SUM;
        float[] w = weighted ? weights(inputs.get(1)) : null;
        float[] rg = g.clone();
        float[] wg = weighted ? new float[rows.length] : null;
        for (int p = 0; weighted && p < rows.length; p++) {
            double dot = 0;
            for (int d = 0; d < outputDim; d++) {
                rg[p * outputDim + d] = g[p * outputDim + d] * w[p];
                dot += (double) g[p * outputDim + d] * gathered.values()[p * outputDim + d];
            }
            wg[p] = (float) dot;
        }
        sink.addRows(embeddings, rows, BulkData.floats(rg, rows.length, outputDim));
        List<INDArray> out = new ArrayList<>(2);
        out.add(null);
        if (inputs.size() == 2) {
            INDArray wIn = inputs.get(1);
            out.add(weighted ? inputGradient(wIn, BulkData.floats(wg, wIn.shape()))
                    : inputGradient(wIn, BulkData.floats(new float[rows.length], wIn.shape())));
        }
        return out;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {
        TableBuilder.addTableConfig(config, inputDim, outputDim, initializer, regularizer, maskZero);
        config.put("combiner", combiner.kerasName());
    }

    /**
     * The EmbedReduce a {@link #config()} describes (Keras-RS's keys; its table initialized, not loaded).
     *
     * @throws IllegalArgumentException for a config tensorkit cannot read or a setting it does not support
     */
    public static EmbedReduce fromConfig(Map<String, Object> config) {
        Configs.Reader r = new Configs.Reader("EmbedReduce", config);
        Builder b = builder();
        b.readTableConfig(r, "EmbedReduce");
        String combiner = r.string("combiner", "mean");
        try {
            b.combiner(Combiner.of(combiner));
        } catch (IllegalArgumentException e) {
            throw r.bad("combiner", combiner, "one of mean, sum, sqrtn, max");
        }
        r.finish();
        return b.build();
    }

    /** Options of {@link EmbedReduce}; {@code inputDim} and {@code outputDim} are required. */
    public static final class Builder extends TableBuilder<Builder> {
        private Combiner combiner = Combiner.MEAN;

        private Builder() {
        }

        /** How a bag's rows combine (default mean). */
        public Builder combiner(Combiner combiner) {
            this.combiner = Objects.requireNonNull(combiner, "combiner");
            return this;
        }

        /** An EmbedReduce; throws {@link IllegalArgumentException} for non-positive dims or bad weights. */
        public EmbedReduce build() {
            validateTable();
            return new EmbedReduce(this);
        }
    }
}
