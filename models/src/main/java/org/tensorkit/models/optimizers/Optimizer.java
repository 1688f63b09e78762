package org.tensorkit.models.optimizers;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.RowSparse;
import org.tensorkit.layers.Weight;

/**
 * Updates weights in place from one step's merged gradients. The machinery every optimizer shares lives here: the
 * step counter, the learning rate and its check, the per-weight state ("slots": Adam's two moments, SGD's
 * velocity), and the row-sparse step. A concrete optimizer gives {@link #slotCount()} and one update rule,
 * {@link #step}, which the base class runs on a whole weight for a dense gradient and on the gathered rows of the
 * weight and its slots for a row gradient, writing them back afterwards (lazy updates: rows absent from a step
 * keep their value and state, so a step on a huge embedding table costs the size of the batch). An optimizer may
 * also update rows in place without the gather and scatter ({@link #stepRowsInPlace}).
 *
 * <p>Not thread-safe: one training loop at a time.
 */
public abstract class Optimizer {
    private final double learningRate;
    private final Map<Weight, INDArray[]> slots = new IdentityHashMap<>();
    /** Per row-stepped weight, the table array whose memory and slots' memory were advised huge pages. */
    private final Map<Weight, INDArray> hugePaged = new IdentityHashMap<>();
    private long iterations;

    /** An optimizer of the given learning rate, checked by {@link #checkLearningRate} in the builder. */
    protected Optimizer(double learningRate) {
        this.learningRate = learningRate;
    }

    /**
     * {@code learningRate} when it is a finite number above 0, else throws {@link IllegalArgumentException}
     * naming {@code optimizer}.
     */
    protected static double checkLearningRate(String optimizer, double learningRate) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(optimizer + " learningRate must be a finite number > 0, got "
                    + learningRate);
        }
        return learningRate;
    }

    /** The learning rate. */
    public final double learningRate() {
        return learningRate;
    }

    /** Steps applied so far (Keras's {@code optimizer.iterations}). */
    public final long iterations() {
        return iterations;
    }

    /**
     * Applies one step to every weight in {@code gradients}, then counts the step. The gradients are consumed:
     * their arrays may be overwritten.
     */
    public final void apply(List<WeightGradient> gradients) {
        for (int n = 0; n < gradients.size(); n++) { // indexed: no iterator per step
            WeightGradient given = gradients.get(n);
            Weight w = given.weight();
            org.tensorkit.layers.RowSet frozen = w.frozenRows();
            WeightGradient g = given.withoutRows(frozen);
            INDArray[] state = slots(w);
            INDArray table = w.value();
            if (!g.isRowSparse()) {
                stepDense(table, g.dense(), state, frozen);
            } else if (g.rowCount() == 0) {
                continue;
            } else if (!rowStepOn(w, table, state, g)) {
                long[] rows = g.rows();
                INDArray values = RowSparse.gather(table, rows);
                INDArray[] rowState = new INDArray[state.length];
                for (int k = 0; k < state.length; k++) {
                    rowState[k] = RowSparse.gather(state[k], rows);
                }
                step(values, g.rowValues(), rowState, iterations);
                RowSparse.scatter(table, rows, values);
                for (int k = 0; k < state.length; k++) {
                    RowSparse.scatter(state[k], rows, rowState[k]);
                }
            }
            if (g != given) {
                g.release();
            }
        }
        iterations++;
    }

    /**
     * {@link #stepRowsInPlace}, after huge pages were advised for the table and its slots the first time this
     * table is row-stepped: a row step reads and writes them at scattered rows
     * ({@link org.tensorkit.core.internal.HugePages}; only buffers of at least 4 MiB, collapsed in the background).
     */
    private boolean rowStepOn(Weight w, INDArray table, INDArray[] state, WeightGradient g) {
        if (hugePaged.get(w) != table) {
            hugePaged.put(w, table);
            org.tensorkit.core.internal.HugePages.advise(table);
            for (INDArray slot : state) {
                org.tensorkit.core.internal.HugePages.advise(slot);
            }
        }
        return stepRowsInPlace(table, state, g, iterations);
    }

    /** A dense step that leaves the frozen rows of the value and of its slots exactly as they were. */
    private void stepDense(INDArray table, INDArray gradient, INDArray[] slotViews, org.tensorkit.layers.RowSet frozen) {
        INDArray[] state = slotViews;
        boolean copied = false;
        for (int k = 0; k < slotViews.length; k++) {
            if (!org.tensorkit.core.internal.NdArrays.isDense(slotViews[k])) { // laid out by newSlots for row steps
                if (!copied) {
                    state = slotViews.clone();
                    copied = true;
                }
                state[k] = slotViews[k].dup('c');
            }
        }
        stepDenseOn(table, gradient, state, frozen);
        for (int k = 0; copied && k < slotViews.length; k++) {
            if (state[k] != slotViews[k]) {
                slotViews[k].assign(state[k]);
            }
        }
    }

    private void stepDenseOn(INDArray table, INDArray gradient, INDArray[] state, org.tensorkit.layers.RowSet frozen) {
        if (frozen.isEmpty()) {
            step(table, gradient, state, iterations);
            return;
        }
        long[] rows = frozen.toArray();
        INDArray keep = RowSparse.gather(table, rows);
        INDArray[] keepState = new INDArray[state.length];
        for (int k = 0; k < state.length; k++) {
            keepState[k] = RowSparse.gather(state[k], rows);
        }
        step(table, gradient, state, iterations);
        RowSparse.scatter(table, rows, keep);
        for (int k = 0; k < state.length; k++) {
            RowSparse.scatter(state[k], rows, keepState[k]);
        }
    }

    /**
     * This optimizer's state for {@code weights}, as Keras numbers an optimizer's variables after its step
     * counter and learning rate: for each weight in order, its {@link #slotCount()} slots (Adam: first moment,
     * then second). Copies; a weight not stepped yet has zeros (Keras creates its slots at build).
     */
    public final List<Tensor> state(List<Weight> weights) {
        List<Tensor> out = new java.util.ArrayList<>();
        for (Weight w : weights) {
            INDArray[] s = slots.get(w);
            for (int k = 0; k < slotCount(); k++) {
                out.add(Tensor.wrap(s != null ? s[k].dup('c') : Nd4j.zeros(w.dtype().toNd4j(), w.shape().toArray())));
            }
        }
        return out;
    }

    /** How many arrays {@link #state} gives per weight, each of the weight's shape and dtype (Adam: 2). */
    public final int stateArraysPerWeight() {
        return slotCount();
    }

    /**
     * Restores what {@link #state} and {@link #iterations()} gave: the step count and, per weight of
     * {@code weights} in order, its slots. Checked whole before anything changes.
     *
     * @throws IllegalArgumentException if the count of slots or a slot's shape does not match, naming the weight
     */
    public final void restoreState(long iterations, List<Weight> weights, List<Tensor> state) {
        if (iterations < 0) {
            throw new IllegalArgumentException("optimizer iterations must be >= 0, got " + iterations);
        }
        if (state.size() != weights.size() * slotCount()) {
            throw new IllegalArgumentException("optimizer state has " + state.size() + " arrays; expected "
                    + slotCount() + " per trainable weight, " + weights.size() * slotCount() + " for "
                    + weights.size() + " weights");
        }
        for (int i = 0; i < weights.size(); i++) {
            Weight w = weights.get(i);
            for (int k = 0; k < slotCount(); k++) {
                Tensor t = state.get(i * slotCount() + k);
                if (!t.shape().equals(w.shape())) {
                    throw new IllegalArgumentException("optimizer state " + k + " of " + w.name() + " has shape "
                            + t.shape() + "; the weight has " + w.shape());
                }
            }
        }
        Map<Weight, INDArray[]> restored = new IdentityHashMap<>();
        for (int i = 0; i < weights.size(); i++) {
            Weight w = weights.get(i);
            INDArray[] s = newSlots(w);
            for (int k = 0; k < s.length; k++) {
                s[k].assign(state.get(i * s.length + k).unwrap().castTo(w.dtype().toNd4j()));
            }
            restored.put(w, s);
        }
        slots.clear();
        slots.putAll(restored);
        hugePaged.clear(); // new slot arrays: advised at their first row step
        this.iterations = iterations;
    }

    /** How many arrays of a weight's shape this optimizer keeps per weight (zeros at first use). */
    protected abstract int slotCount();

    /**
     * The update rule: updates {@code values} and {@code slots} in place from {@code gradient} (same shape as
     * {@code values}; it may be overwritten) at step {@code iteration} (0 for the first). Runs on a whole weight,
     * or on the rows of a row gradient.
     */
    protected abstract void step(INDArray values, INDArray gradient, INDArray[] slots, long iteration);

    /**
     * Optional fast path of a row step: updates the rows of {@code gradient} in {@code table} and its slots in
     * place and returns true, or returns false to let the base class gather, {@link #step} and scatter. The result
     * must be the same to the last bit.
     */
    protected boolean stepRowsInPlace(INDArray table, INDArray[] slots, WeightGradient gradient, long iteration) {
        return false;
    }

    /** This optimizer's state of {@code w}, zero at first use (the live arrays: package-private for tests). */
    INDArray[] slots(Weight w) {
        INDArray[] s = slots.get(w);
        if (s == null) {
            s = newSlots(w);
            slots.put(w, s);
        }
        return s;
    }

    /**
     * Hook: {@link #slotCount()} new zero arrays of {@code w}'s shape and dtype, this optimizer's state of it. The
     * default makes separate dense arrays; an optimizer may lay them out as views of one buffer that its
     * {@link #stepRowsInPlace} reads faster (Adam interleaves a table's two moments row by row). Whatever the
     * layout, the arrays are written in place only.
     */
    protected INDArray[] newSlots(Weight w) {
        INDArray[] s = new INDArray[slotCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Nd4j.zeros(w.dtype().toNd4j(), w.shape().toArray());
        }
        return s;
    }
}
