package org.tensorkit.models.optimizers;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.ParallelRows;
import org.tensorkit.core.internal.RowSparse;
import org.tensorkit.core.internal.TableRows;
import org.tensorkit.layers.Weight;

/**
 * Keras's {@code Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)}, with Keras's placement of
 * epsilon (outside the square root of the uncorrected second moment, the bias correction folded into the rate):
 * <pre>
 *   t   = iterations + 1
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   w  -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
 * </pre>
 * This is exactly ND4J's {@code adam_updater} op, which runs it (dense and row-sparse alike).
 *
 * <p>Row-sparse gradients are applied lazily, as TF-Addons' {@code LazyAdam} (and PyTorch's
 * {@code SparseAdam}): only the rows in the step update their {@code m}, {@code v} and value; other rows keep
 * all three. The bias correction uses the optimizer's global step {@code t}, not a per-row count, as LazyAdam
 * does; a row first seen at a late step therefore takes a step of about {@code lr * (1 - beta1) / sqrt(1 - beta2)}
 * (about 3.2 lr) rather than {@code lr}. Keras's own Adam, on sparse gradients, decays {@code m} and {@code v}
 * of every row each step and moves rows absent from the batch, at the cost of the whole table per step.
 *
 * <p>The row step of a float32 table runs in Java, in a loop the JIT vectorises, and flushes subnormal moments
 * to zero every {@value #FLUSH_INTERVAL} steps (as PyTorch's {@code torch.set_flush_denormal(True)}; see
 * {@link #flushSubnormal}):
 * without it a batch that has been learnt, whose gradients shrink to nothing, drives its moments into the
 * subnormal range, where every later step on those rows takes the processor's slow path. Moments differ from
 * the unflushed kernel's by less than {@code Float.MIN_NORMAL}; otherwise the step is ND4J's to the last bit.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    /**
     * Each thread's working arrays for a chunk of rows (weights, first and second moments, gradients), grown to the
     * largest chunk: the caller's and the {@link ParallelRows} helpers'.
     */
    /** The body of the row step's loop, reused by every step. */
    private final RowStep rowStep = new RowStep();
    /** Per first-moment array, the buffers of its weight's row step ({@link #tables}). */
    private final java.util.Map<INDArray, Tables> tables = new java.util.IdentityHashMap<>();
    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[4][0]);

    private Adam(Builder b) {
        super(b.learningRate);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
    }

    /** The options of Adam, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults. */
    public static Adam create() {
        return builder().build();
    }

    /** The decay of the first moment. */
    public double beta1() {
        return beta1;
    }

    /** The decay of the second moment. */
    public double beta2() {
        return beta2;
    }

    /** The epsilon of the update's denominator. */
    public double epsilon() {
        return epsilon;
    }

    /** Two slots: the first moment m and the second moment v. */
    @Override
    protected int slotCount() {
        return 2;
    }

    /**
     * A float32 table's two moments are laid out in one buffer, row by row ({@code m} of row r, then {@code v} of
     * row r: a row's state is 2 x its width contiguous floats); they are the two views {@code [:, :width]} and
     * {@code [:, width:]} of it. A row step then reads and writes two places of memory per row instead of three:
     * the rows of a table larger than the cache are scattered, and each place costs its own cache and TLB misses
     * (measured on copies alone: 1.45x faster). Other weights get separate arrays.
     */
    @Override
    protected INDArray[] newSlots(Weight w) {
        long[] shape = w.shape().toArray();
        if (!w.isRowSparse() || w.dtype() != org.tensorkit.core.DType.FLOAT32 || shape.length != 2
                || shape[0] == 0 || shape[1] == 0 || 2 * shape[0] * shape[1] > Integer.MAX_VALUE) {
            return super.newSlots(w);
        }
        INDArray both = Nd4j.zeros(DataType.FLOAT, shape[0], 2 * shape[1]);
        INDArray m = both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, shape[1]));
        INDArray v = both.get(NDArrayIndex.all(), NDArrayIndex.interval(shape[1], 2 * shape[1]));
        // the row step reads them through the buffer of both: only a layout it recognises is used
        return interleaved(m, v) != null ? new INDArray[] {m, v} : super.newSlots(w);
    }

    /**
     * The buffer of both moments as one dense {@code (rows, 2 * width)} array when {@code m} and {@code v} are the
     * two halves {@link #newSlots} made, else {@code null}.
     */
    private static INDArray interleaved(INDArray m, INDArray v) {
        if (m.rank() != 2 || v.rank() != 2 || m.dataType() != DataType.FLOAT || !m.isView() || !v.isView()) {
            return null;
        }
        long rows = m.size(0);
        long width = m.size(1);
        org.nd4j.linalg.api.buffer.DataBuffer root = NdArrays.root(m.data());
        boolean pair = root == NdArrays.root(v.data()) && root.length() == 2 * rows * width
                && m.offset() == 0 && v.offset() == width
                && (rows == 1 || m.stride(0) == 2 * width && v.stride(0) == 2 * width)
                && (width == 1 || m.stride(1) == 1 && v.stride(1) == 1) && Arrays.equals(m.shape(), v.shape());
        return pair ? NdArrays.over(root, DataType.FLOAT, new long[] {rows, 2 * width}) : null;
    }

    /** ND4J's {@code adam_updater} turns the gradient into the update in place; the weight subtracts it. */
    @Override
    protected void step(INDArray values, INDArray gradient, INDArray[] slots, long iteration) {
        INDArray update = gradient.reshape(values.shape());
        Nd4j.exec(new AdamUpdater(update, slots[1], slots[0], learningRate(), beta1, beta2, epsilon,
                Math.toIntExact(iteration)));
        values.subi(update);
    }

    /**
     * float32 tables step in a Java loop, in place: a row set of at most a few million values, or any row set when
     * the moments are interleaved (the base's gather cannot read those).
     */
    @Override
    protected boolean stepRowsInPlace(INDArray table, INDArray[] slots, WeightGradient g, long iteration) {
        boolean javaTable = table.dataType() == DataType.FLOAT && NdArrays.isDense(table)
                && table.length() <= Integer.MAX_VALUE;
        if (!javaTable || g.rowValueCount() > RowSparse.JAVA_MAX_ELEMENTS && interleaved(slots[0], slots[1]) == null) {
            return false;
        }
        lazyStepInJava(tables(table, slots[0], slots[1]), g.rowIds(), g.rowCount(), Math.toIntExact(g.rowLength()),
                g.rowFloats(), Math.toIntExact(iteration));
        return true;
    }

    /**
     * The lazy step on rows {@code rows} of {@code table}, {@code m} and {@code v}: ND4J's {@code adam_updater}
     * kernel transcribed operation by operation in float32 (its bias-corrected rate
     * {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t)} computed as the kernel does, the subtraction from the table
     * as {@code subi}), so the result is the op's to the last bit, except that subnormal moments are flushed to
     * zero every {@value #FLUSH_INTERVAL} steps ({@link #flushSubnormal}). The rows go in chunks of about
     * {@link ParallelRows#CHUNK_BYTES} per array: a chunk's rows and gradients are copied in bulk into four working
     * arrays that stay in the core's cache, updated by one counted loop over them all at the same index, which the
     * JIT vectorises (with an offset into one of them, or with the flush's branch inside, it does not: 7x slower),
     * and copied back. The rows are
     * distinct (merged), so the chunks are independent: a large step splits them over {@link ParallelRows}'s
     * helpers, and the result is the same bits however it is split.
     */
    private void lazyStepInJava(Tables tables, long[] rows, int count, int width, float[] grad, int iteration) {
        float lr = (float) learningRate();
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float eps = (float) epsilon;
        float t = iteration + 1;
        float b1t = (float) Math.pow(b1, t);
        float b2t = (float) Math.pow(b2, t);
        float computed = (float) (lr * (float) Math.sqrt((float) (1.0 - b2t)) / (1.0 - b1t));
        float rate = Float.isNaN(computed) || computed == 0 || Float.isInfinite(computed) ? eps : computed;
        boolean flush = iteration % FLUSH_INTERVAL == FLUSH_INTERVAL - 1;
        int chunk = Math.max(1, ParallelRows.CHUNK_BYTES / Math.max(width * Float.BYTES, 1));
        long bytes = 6L * count * width * Float.BYTES; // three tables, read and written
        RowStep step = rowStep;
        step.set(tables, rows, chunk, width, grad, b1, b2, eps, rate, flush);
        try {
            ParallelRows.run(count, chunk, bytes, step);
        } finally {
            step.set(null, null, 0, 0, null, 0, 0, 0, 0, false); // keeps no table or gradient alive
        }
    }

    /**
     * The row step's loop body, one per optimizer, set for each step: a step hands {@link ParallelRows} this
     * object instead of a new lambda capturing ten values. An optimizer steps one training loop at a time.
     */
    private static final class RowStep implements ParallelRows.Range {
        private Tables tables;
        private long[] rows;
        private int chunk;
        private int width;
        private float[] grad;
        private float b1;
        private float b2;
        private float eps;
        private float rate;
        private boolean flush;

        void set(Tables tables, long[] rows, int chunk, int width, float[] grad, float b1, float b2, float eps,
                 float rate, boolean flush) {
            this.tables = tables;
            this.rows = rows;
            this.chunk = chunk;
            this.width = width;
            this.grad = grad;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.rate = rate;
            this.flush = flush;
        }

        @Override
        public long run(int lo, int hi) {
            stepRows(tables, rows, lo, hi, chunk, width, grad, b1, b2, eps, rate, flush);
            return -1;
        }
    }

    /**
     * The rows of a weight's table and its moments, kept from one step to the next while the arrays stay the
     * same; the helper threads share them (each touches its own rows).
     */
    private Tables tables(INDArray table, INDArray m, INDArray v) {
        Tables t = tables.get(m);
        if (t == null || t.table != table.data() || t.mArray != m || t.vArray != v) {
            INDArray both = interleaved(m, v);
            int width = Math.toIntExact(table.size(1));
            t = both != null
                    ? new Tables(table.data(), m, v, TableRows.of(table, width), TableRows.of(both, 2 * width), null)
                    : new Tables(table.data(), m, v, TableRows.of(table, width), TableRows.of(m, width),
                            TableRows.of(v, width));
            tables.put(m, t);
        }
        return t;
    }

    /** The row step of {@code rows[lo, hi)}, chunk by chunk, in this thread's working arrays. */
    private static void stepRows(Tables tables, long[] rows, int lo, int hi, int chunk, int width, float[] grad,
                                 float b1, float b2, float eps, float rate, boolean flush) {
        float[][] work = WORK.get();
        int capacity = Math.min(chunk, hi - lo) * width;
        if (work[0].length < capacity) {
            work[0] = new float[capacity];
            work[1] = new float[capacity];
            work[2] = new float[capacity];
            work[3] = new float[capacity];
        }
        float[] ws = work[0];
        float[] ms = work[1];
        float[] vs = work[2];
        float[] gs = work[3];
        for (int start = lo; start < hi; start += chunk) {
            int end = Math.min(hi, start + chunk);
            for (int r = start, k = 0; r < end; r++, k += width) {
                long row = rows[r];
                tables.w.read(row, 0, ws, k, width);
                if (tables.v == null) { // interleaved: the row's m then its v, one place of memory
                    tables.m.read(row, 0, ms, k, width);
                    tables.m.read(row, width, vs, k, width);
                } else {
                    tables.m.read(row, 0, ms, k, width);
                    tables.v.read(row, 0, vs, k, width);
                }
            }
            int n = (end - start) * width;
            System.arraycopy(grad, start * width, gs, 0, n);
            step(ws, ms, vs, n, gs, b1, b2, eps, rate);
            if (flush) {
                flushSubnormal(ms, n);
                flushSubnormal(vs, n);
            }
            for (int r = start, k = 0; r < end; r++, k += width) {
                long row = rows[r];
                tables.w.write(row, 0, ws, k, width);
                if (tables.v == null) {
                    tables.m.write(row, 0, ms, k, width);
                    tables.m.write(row, width, vs, k, width);
                } else {
                    tables.m.write(row, 0, ms, k, width);
                    tables.v.write(row, 0, vs, k, width);
                }
            }
        }
    }

    /**
     * The rows of a weight table's memory and its moments', and what they were made for; {@code v} is null when
     * the moments are interleaved in {@code m}'s buffer (rows of twice the width: m, then v).
     */
    private record Tables(org.nd4j.linalg.api.buffer.DataBuffer table, INDArray mArray, INDArray vArray,
                          TableRows w, TableRows m, TableRows v) {
    }

    /** Steps between two flushes of the row moments' subnormal values (see {@link #flushSubnormal}). */
    static final int FLUSH_INTERVAL = 8;

    /** The update of {@code n} weights {@code w} and their moments {@code m}, {@code v}: one counted loop. */
    static void step(float[] w, float[] m, float[] v, int n, float[] grad, float b1, float b2, float eps,
                     float rate) {
        float oneMinusB1 = 1 - b1;
        float oneMinusB2 = 1 - b2;
        for (int k = 0; k < n; k++) {
            float gk = grad[k];
            float mi = b1 * m[k] + gk * oneMinusB1;
            float vi = b2 * v[k] + gk * gk * oneMinusB2;
            m[k] = mi;
            v[k] = vi;
            w[k] = w[k] - (mi * rate) / ((float) Math.sqrt(vi) + eps);
        }
    }

    /**
     * Sets the subnormal values of {@code a[0, n)} to zero (flush-to-zero, as {@code torch.set_flush_denormal}
     * and the FTZ/DAZ modes do). A moment that decays into the subnormal range would otherwise make every later
     * step on its row take the processor's slow path for as long as it stays there (a second moment, decaying by
     * beta2 = 0.999, for thousands of steps); flushed every {@value #FLUSH_INTERVAL} steps, it stays there at
     * most that long. The moment then differs from the unflushed one by less than {@link Float#MIN_NORMAL}
     * (about 1.2e-38), and the weight by at most that times the rate over {@code epsilon}: nothing a float32
     * weight of ordinary size can show.
     */
    static void flushSubnormal(float[] a, int n) {
        for (int k = 0; k < n; k++) {
            if (Math.abs(a[k]) < Float.MIN_NORMAL) {
                a[k] = 0f;
            }
        }
    }

    /** Options of {@link Adam}, with Keras's defaults. */
    public static final class Builder {
        private double learningRate = 0.001;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;

        private Builder() {
        }

        /** The learning rate (default 0.001), a finite number above 0. */
        public Builder learningRate(double learningRate) {
            this.learningRate = checkLearningRate("Adam", learningRate);
            return this;
        }

        /** The decay of the first moment (default 0.9), in {@code [0, 1)}. */
        public Builder beta1(double beta1) {
            this.beta1 = requireUnit("beta1", beta1);
            return this;
        }

        /** The decay of the second moment (default 0.999), in {@code [0, 1)}. */
        public Builder beta2(double beta2) {
            this.beta2 = requireUnit("beta2", beta2);
            return this;
        }

        /** The epsilon added to the root of the second moment (default 1e-7), a finite number above 0. */
        public Builder epsilon(double epsilon) {
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("Adam epsilon must be a finite number > 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        private static double requireUnit(String name, double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("Adam " + name + " must be in [0, 1), got " + value);
            }
            return value;
        }

        /** An Adam optimizer with these options. */
        public Adam build() {
            return new Adam(this);
        }
    }
}
