package org.tensorkit.models.optimizers;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.BulkData;
import org.tensorkit.core.internal.OutputBuffers;
import org.tensorkit.layers.Weight;

/**
 * The merged gradient of one weight for one step: either dense ({@link #dense()}, the weight's shape) or
 * row-sparse ({@link #rows()}, distinct, in order of first appearance in the step, with {@link #rowValues()} of shape
 * {@code (rows.length, rowLength)}; every other row's gradient is zero and an optimizer leaves it alone).
 *
 * <p>A float32 row gradient merged in Java stays a Java array ({@link #rowFloats()}) until something asks for
 * it as an ND4J array: an optimizer's Java row step reads it without a round trip through native memory.
 */
public final class WeightGradient {
    private final Weight weight;
    private final INDArray dense;
    private final long[] rows;
    private final int rowCount;
    private final long rowLength;
    private long[] exactRows;
    private INDArray rowValues;
    private float[] rowFloats;
    private boolean madeRowValues;

    private WeightGradient(Weight weight, INDArray dense, long[] rows, int rowCount, long rowLength,
                           INDArray rowValues, float[] rowFloats) {
        this.weight = Objects.requireNonNull(weight, "weight");
        this.dense = dense;
        this.rows = rows;
        this.rowCount = rowCount;
        this.rowLength = rowLength;
        this.rowValues = rowValues;
        this.rowFloats = rowFloats;
    }

    /** A dense gradient: {@code gradient} has the weight's shape. */
    public static WeightGradient dense(Weight weight, INDArray gradient) {
        return new WeightGradient(weight, Objects.requireNonNull(gradient, "gradient"), null, 0, 0, null, null);
    }

    /** A row gradient: {@code rowValues} is {@code (rows.length, rowLength)}. */
    public static WeightGradient rows(Weight weight, long[] rows, INDArray rowValues) {
        long rowLength = rows.length == 0 ? 0 : rowValues.length() / rows.length;
        return new WeightGradient(weight, null, rows, rows.length, rowLength, rowValues, null);
    }

    /**
     * A float32 row gradient held as a Java array: the first {@code rows.length * rowLength} values of
     * {@code values} are its rows in C order (the array may be longer: a buffer its owner reuses).
     */
    public static WeightGradient rows(Weight weight, long[] rows, long rowLength, float[] values) {
        return rows(weight, rows, rows.length, rowLength, values);
    }

    /**
     * A float32 row gradient held in Java arrays that their owner reuses from step to step: the rows are the first
     * {@code rowCount} of {@code rows}, their values the first {@code rowCount * rowLength} of {@code values}.
     */
    public static WeightGradient rows(Weight weight, long[] rows, int rowCount, long rowLength, float[] values) {
        if (rowCount < 0 || rowCount > rows.length) {
            throw new IllegalArgumentException("rowCount " + rowCount + " outside [0, " + rows.length + "]");
        }
        if ((long) rowCount * rowLength > values.length) {
            throw new IllegalArgumentException(rowCount + " rows of " + rowLength + " need "
                    + (long) rowCount * rowLength + " values, got " + values.length);
        }
        return new WeightGradient(weight, null, rows, rowCount, rowLength, null, values);
    }

    /** The weight this gradient is for. */
    public Weight weight() {
        return weight;
    }

    /** Whether the gradient covers only {@link #rows()}. */
    public boolean isRowSparse() {
        return dense == null;
    }

    /** The dense gradient, or {@code null} for a row gradient. */
    public INDArray dense() {
        return dense;
    }

    /**
     * The rows of a row gradient (distinct, in order of first appearance), {@link #rowCount()} of them, or
     * {@code null} for a dense one.
     */
    public long[] rows() {
        if (rows == null || rows.length == rowCount) {
            return rows;
        }
        if (exactRows == null) {
            exactRows = Arrays.copyOf(rows, rowCount);
        }
        return exactRows;
    }

    /**
     * The rows of a row gradient without a copy: its first {@link #rowCount()} entries (the array may be longer: a
     * buffer its owner reuses; not to be changed).
     */
    public long[] rowIds() {
        return rows;
    }

    /** The number of rows of a row gradient (0 for a dense one). */
    public int rowCount() {
        return rowCount;
    }

    /**
     * The values of a row gradient as an ND4J array {@code (rows.length, rowLength)} that the caller may change
     * in place (a regularizer's gradient is added into it); {@code null} for a dense gradient.
     */
    public INDArray rowValues() {
        if (rowValues == null && rowFloats != null) {
            rowValues = BulkData.floats(rowFloats, rowCount, rowLength);
            rowFloats = null; // the array is now the one copy: later reads go through it
            madeRowValues = true;
        }
        return rowValues;
    }

    /**
     * Frees at once the memory of the ND4J array {@link #rowValues()} made from the Java array, if it made one:
     * for the gradient's owner, once the optimizer's step is over (nothing may use the array afterwards).
     */
    public void release() {
        if (madeRowValues) {
            madeRowValues = false;
            OutputBuffers.release(rowValues);
        }
    }

    /**
     * The values of a float32 row gradient as a Java array in C order, the array itself when it was merged in
     * Java (not to be changed; its first {@link #rowValueCount()} values are the gradient), else read from
     * {@link #rowValues()}.
     *
     * @throws IllegalStateException for a dense gradient or one that is not float32
     */
    public float[] rowFloats() {
        if (rowFloats != null) {
            return rowFloats;
        }
        if (rowValues == null || rowValues.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("gradient of " + weight.name() + " is not a float32 row gradient");
        }
        return BulkData.readFloats(rowValues);
    }

    /** The number of values of a row gradient. */
    public long rowValueCount() {
        return (long) rowCount * rowLength;
    }

    /** The values per row of a row gradient. */
    public long rowLength() {
        return rowLength;
    }

    /**
     * This row gradient without the rows of {@code frozen} (itself when it has none of them): what an optimizer
     * steps when the weight has frozen rows. A dense gradient is returned as it is.
     */
    public WeightGradient withoutRows(org.tensorkit.layers.RowSet frozen) {
        if (dense != null || frozen.isEmpty()) {
            return this;
        }
        int keep = 0;
        for (int i = 0; i < rowCount; i++) {
            if (!frozen.contains(rows[i])) {
                keep++;
            }
        }
        if (keep == rowCount) {
            return this;
        }
        float[] values = rowFloats();
        int width = Math.toIntExact(rowLength);
        long[] kept = new long[keep];
        float[] keptValues = new float[keep * width];
        int n = 0;
        for (int i = 0; i < rowCount; i++) {
            if (!frozen.contains(rows[i])) {
                kept[n] = rows[i];
                System.arraycopy(values, i * width, keptValues, n * width, width);
                n++;
            }
        }
        return rows(weight, kept, rowLength, keptValues);
    }
}
