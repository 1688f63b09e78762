package org.tensorkit.models.engine;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.core.internal.StringArrays;

/**
 * The one batch loop of {@code predict}, {@code evaluate} and {@code fit}: consecutive batches of
 * {@code batchSize} rows (the last one shorter) of standardized inputs and, for training and evaluation, their
 * targets.
 *
 * <pre>{@code
 * Batches b = Batches.views(inputs, targets, 32);
 * while (b.next()) {
 *     run(b.inputs(), b.targets(), b.start());
 * }
 * }</pre>
 *
 * {@link #views} hands out views of the data (no copy; the whole data itself when it fits in one batch), for
 * inference. {@link #copies} hands out dense arrays with the rows in a given order, each row copied once, for
 * training: the layers then read dense arrays without a copy op.
 */
public final class Batches {
    private final List<INDArray> inputs;
    private final INDArray targets;
    private final int batchSize;
    private final int[] order;
    private final boolean copy;
    private final long rows;
    private final List<INDArray> batch;
    private INDArray batchTargets;
    private long start;
    private long end;

    private Batches(List<INDArray> inputs, INDArray targets, int batchSize, int[] order, boolean copy) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.inputs = List.copyOf(inputs);
        this.targets = targets;
        this.batchSize = batchSize;
        this.order = order;
        this.copy = copy;
        this.rows = order != null ? order.length : targets != null ? targets.size(0) : inputs.get(0).size(0);
        this.batch = new ArrayList<>(inputs.size());
        this.end = 0;
    }

    /** Batches that are views of {@code inputs} and {@code targets} ({@code null} when there are none). */
    public static Batches views(List<INDArray> inputs, INDArray targets, int batchSize) {
        return new Batches(inputs, targets, batchSize, null, false);
    }

    /**
     * Batches of fresh dense copies of the rows {@code order[0], order[1], ...} ({@code null}: every row in
     * order) of {@code inputs} and {@code targets}.
     */
    public static Batches copies(List<INDArray> inputs, INDArray targets, int batchSize, int[] order) {
        return new Batches(inputs, targets, batchSize, order, true);
    }

    /** The number of batches. */
    public int count() {
        return Math.toIntExact((rows + batchSize - 1) / batchSize);
    }

    /** The number of rows over all batches. */
    public long rows() {
        return rows;
    }

    /** Moves to the next batch; false after the last one. */
    public boolean next() {
        if (end >= rows) {
            return false;
        }
        start = end;
        end = Math.min(rows, start + batchSize);
        batch.clear();
        for (INDArray a : inputs) {
            batch.add(rows(a));
        }
        batchTargets = targets == null ? null : rows(targets);
        return true;
    }

    /** The current batch's first row, in the order of the batches. */
    public long start() {
        return start;
    }

    /** One past the current batch's last row. */
    public long end() {
        return end;
    }

    /** The current batch of every input. */
    public List<INDArray> inputs() {
        return batch;
    }

    /** The current batch of the targets. */
    public INDArray targets() {
        return batchTargets;
    }

    /**
     * For {@link #copies}: frees the current batch's copies now (they were made for this batch alone), once
     * nothing uses them any more; views are left alone. Without it their native memory waits for a garbage
     * collection, which a training loop that makes little garbage rarely causes.
     */
    public void releaseCopies() {
        if (!copy) {
            return;
        }
        for (INDArray a : batch) {
            OutputBuffers.release(a);
        }
        if (batchTargets != null) {
            OutputBuffers.release(batchTargets);
        }
        batch.clear();
        batchTargets = null;
    }

    private INDArray rows(INDArray a) {
        if (copy) {
            return order == null ? BulkData.copyRows(a, start, end)
                    : BulkData.gatherRows(a, order, Math.toIntExact(start), Math.toIntExact(end));
        }
        return view(a, start, end);
    }

    /** Rows {@code [start, end)} of {@code a}: a view, no copy (strings, which ND4J cannot view, are copied). */
    public static INDArray view(INDArray a, long start, long end) {
        if (start == 0 && end == a.size(0)) {
            return a;
        }
        if (a.dataType() == DataType.UTF8) {
            return StringArrays.rows(a, start, end); // ND4J has no views of string arrays: a copy
        }
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(start, end);
        for (int axis = 1; axis < index.length; axis++) {
            index[axis] = NDArrayIndex.all();
        }
        return a.get(index);
    }
}
