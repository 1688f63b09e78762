package org.tensorkit.models.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.RowSparse;
import org.tensorkit.layers.GradientSink;
import org.tensorkit.layers.Regularizer;
import org.tensorkit.layers.Weight;
import org.tensorkit.models.optimizers.WeightGradient;

/**
 * Collects the weight gradients of one training step from every backward call, then hands them merged to an
 * optimizer. A weight reached by several calls (a shared layer) gets the sum of their contributions; repeated
 * rows of a row gradient (the same id twice in a batch, or in two calls) are summed into one row. Weights of
 * frozen layers are ignored.
 *
 * <p>Use: backward passes send gradients here; then {@link #addRegularization} once; then {@link #gradients()}
 * for the optimizer; {@link #clear()} before the next step. Single-threaded, like the training loop.
 * The merged gradients stay valid until {@link #clear()}, which frees the arrays they made; the arrays of
 * float32 row sums are reused from step to step.
 */
public final class GradientAccumulator implements GradientSink {
    /**
     * One weight's contributions in a step, kept as sent until the step is merged; the entry and its arrays stay
     * from one step to the next.
     */
    private static final class Entry {
        final Weight weight;
        INDArray dense;
        final RowSparse.Rows rows = new RowSparse.Rows();

        Entry(Weight weight) {
            this.weight = weight;
        }
    }

    private final Map<Weight, Entry> entries = new IdentityHashMap<>();
    /** The entries of this step, in the order their weights first received a gradient. */
    private final List<Entry> active = new ArrayList<>();
    /** What each merge reuses (the distinct rows' index, the read array), across weights and steps. */
    private final RowSparse.Workspace workspace = new RowSparse.Workspace();
    /** The merged gradients, {@code merged.get(k)} for {@code active.get(k)}. */
    private final List<WeightGradient> merged = new ArrayList<>();
    private final List<WeightGradient> mergedView = Collections.unmodifiableList(merged);
    private boolean isMerged;

    @Override
    public void addDense(Weight weight, INDArray gradient) {
        requireOpen();
        if (!weight.isTrainable()) {
            return;
        }
        if (!Arrays.equals(gradient.shape(), weight.shape().toArray())) {
            throw new IllegalArgumentException("dense gradient of " + weight.name() + " has shape "
                    + Arrays.toString(gradient.shape()) + ", expected " + weight.shape());
        }
        Entry e = entry(weight);
        INDArray g = gradient.castTo(weight.dtype().toNd4j());
        // the first contribution is copied: the sum is ours to add into (and to free), the caller's array is not
        if (e.dense == null) {
            e.dense = g == gradient ? g.dup('c') : g;
        } else {
            e.dense.addi(g);
            if (g != gradient) {
                OutputBuffers.release(g);
            }
        }
    }

    @Override
    public void addRows(Weight weight, INDArray rows, INDArray rowGradients) {
        requireOpen();
        if (!weight.isTrainable()) {
            return;
        }
        if (rows.rank() != 1 || rows.dataType() != DataType.LONG) {
            throw new IllegalArgumentException("rows of a row gradient of " + weight.name()
                    + " must be a 1-D int64 array, got " + rows.shapeInfoToString());
        }
        if (rowGradients.rank() == 0 || rowGradients.size(0) != rows.length()) {
            throw new IllegalArgumentException("row gradient of " + weight.name() + " must have " + rows.length()
                    + " rows, got shape " + Arrays.toString(rowGradients.shape()));
        }
        addRows(weight, rows.toLongVector(), rowGradients);
    }

    /** Keeps {@code rows} as given (the caller hands it over). */
    @Override
    public void addRows(Weight weight, long[] rows, INDArray rowGradients) {
        requireOpen();
        if (!weight.isTrainable()) {
            return;
        }
        checkRowValues(weight, rows.length, rowGradients);
        entry(weight).rows.add(rows, rowGradients.castTo(weight.dtype().toNd4j()));
    }

    /** Reads {@code ids} into an array of this accumulator's that the next step reuses. */
    @Override
    public void addRowIds(Weight weight, INDArray ids, INDArray rowGradients) {
        requireOpen();
        if (!weight.isTrainable()) {
            return;
        }
        checkRowValues(weight, ids.length(), rowGradients);
        entry(weight).rows.addIds(ids, rowGradients.castTo(weight.dtype().toNd4j()));
    }

    private static void checkRowValues(Weight weight, long rows, INDArray rowGradients) {
        long rowLength = weight.size() / weight.shape().dim(0);
        if (rowGradients.length() != rows * rowLength) {
            throw new IllegalArgumentException("row gradient of " + weight.name() + " must hold " + rows
                    + " rows of " + rowLength + ", got shape " + Arrays.toString(rowGradients.shape()));
        }
    }

    /** The weight's entry, made active for this step. */
    private Entry entry(Weight weight) {
        Entry e = entries.get(weight);
        if (e == null) {
            e = new Entry(weight);
            entries.put(weight, e);
        }
        if (e.dense == null && e.rows.isEmpty()) {
            active.add(e); // its first contribution of this step
        }
        return e;
    }

    /**
     * Adds the regularizers' penalties of {@code weights} (each counted once) to this step's gradients and
     * returns their sum, the amount to add to the loss. A dense weight is penalized whole, as in Keras. A
     * row-sparse weight (an embedding table) is penalized only on the distinct rows this step touched, once
     * each: {@code penalty = sum over touched rows r of R(w[r])}, gradient {@code R'(w[r])} on those rows. Rows
     * not in the step neither add to the loss nor decay, which keeps the step's cost that of the batch.
     */
    public double addRegularization(List<Weight> weights) {
        merge();
        boolean any = false;
        for (int k = 0; k < weights.size(); k++) { // indexed: no iterator per step
            Weight w = weights.get(k);
            any |= w.isTrainable() && w.regularizer().isPresent();
        }
        if (!any) {
            return 0;
        }
        double penalty = 0;
        Set<Weight> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Weight w : weights) {
            if (!seen.add(w) || !w.isTrainable() || w.regularizer().isEmpty()) {
                continue;
            }
            Regularizer r = w.regularizer().get();
            int k = active.indexOf(entries.get(w)); // merged.get(k) is active.get(k)'s gradient
            WeightGradient g = k < 0 ? null : merged.get(k);
            if (w.isRowSparse() && (g == null || g.isRowSparse())) {
                if (g != null) {
                    INDArray values = RowSparse.gather(w.value(), g.rows());
                    penalty += r.penalty(values);
                    g.rowValues().addi(r.gradient(values));
                }
            } else {
                INDArray value = w.value();
                penalty += r.penalty(value);
                INDArray grad = r.gradient(value);
                if (g == null) {
                    entry(w).dense = grad; // ours to free at clear()
                    merged.add(WeightGradient.dense(w, grad));
                } else {
                    g.dense().addi(grad); // the dense sum the gradient already holds
                }
            }
        }
        return penalty;
    }

    /** The merged gradients, one per weight, in the order weights first received a gradient (a view). */
    public List<WeightGradient> gradients() {
        merge();
        return mergedView;
    }

    /**
     * Forgets everything, for the next step, and frees the arrays the merged gradients made (they must not be
     * used any more: the optimizer has stepped).
     */
    public void clear() {
        for (int k = 0; k < merged.size(); k++) {
            merged.get(k).release();
        }
        for (int k = 0; k < active.size(); k++) {
            Entry e = active.get(k);
            if (e.dense != null) {
                OutputBuffers.release(e.dense); // the sum is this accumulator's own copy
                e.dense = null;
            }
            e.rows.clear();
        }
        active.clear();
        merged.clear();
        isMerged = false;
    }

    private void merge() {
        if (isMerged) {
            return;
        }
        isMerged = true;
        for (int k = 0; k < active.size(); k++) {
            Entry e = active.get(k);
            Weight w = e.weight;
            RowSparse.Merged rows = e.rows.isEmpty() ? null
                    : RowSparse.merge(w.name(), w.shape().dim(0), w.size() / w.shape().dim(0), e.rows, workspace);
            if (e.dense == null) {
                merged.add(rows.floats() != null
                        ? WeightGradient.rows(w, rows.rows(), rows.count(), rows.rowLength(), rows.floats())
                        : WeightGradient.rows(w, rows.distinctRows(), rows.values()));
            } else {
                if (rows != null) { // a weight that got both kinds: the rows join the dense gradient
                    long[] distinct = rows.distinctRows();
                    INDArray sum = RowSparse.gather(e.dense, distinct).addi(rows.array());
                    RowSparse.scatter(e.dense, distinct, sum);
                }
                merged.add(WeightGradient.dense(w, e.dense));
            }
        }
    }

    private void requireOpen() {
        if (isMerged) {
            throw new IllegalStateException("this step's gradients were already merged; call clear() before "
                    + "sending the next step's gradients");
        }
    }
}
