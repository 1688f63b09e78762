package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.List;

import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * Rows of one partition as arrays, one per input (ids as longs, numbers as floats, keys as strings, {@code width}
 * values per row) and the targets as floats: what a local model trains on, predicts or evaluates. Read and checked
 * in one pass: a null, an array of the wrong length or an id outside its table is refused naming the column, the
 * partition, the row and the value.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final int rows;
    private final int[] widths;
    private final Object[] values;
    private final float[] targets;
    private final int targetWidth;
    private final Columns columns;

    private Block(int partition, int rows, int[] widths, Object[] values, float[] targets, int targetWidth,
                  Columns columns) {
        this.partition = partition;
        this.rows = rows;
        this.widths = widths;
        this.values = values;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.columns = columns;
    }

    /**
     * The rows' inputs (and targets, when {@code columns} names a target column) as arrays.
     *
     * @throws IllegalArgumentException for a null, an array of another length than the first row's (or than the
     *     input's declared width), a fractional or out-of-range id of a sharded table
     */
    public static Block read(List<Row> rows, Columns columns, int partition) {
        int n = rows.size();
        int inputs = columns.inputs();
        int[] widths = new int[inputs];
        Object[] values = new Object[inputs];
        for (int i = 0; i < inputs; i++) {
            int p = columns.positions[i];
            long[] dims = columns.dims[i];
            boolean vector = dims.length == 2 && dims[1] != 1;
            int width = vector ? (dims[1] > 0 ? (int) dims[1] : -1) : 1;
            for (int r = 0; r < n && width < 0; r++) {
                if (!rows.get(r).isNullAt(p)) {
                    width = rows.get(r).getList(p).size();
                }
            }
            width = Math.max(width, 0);
            widths[i] = width;
            Columns.Kind kind = columns.kinds[i];
            Object store = kind == Columns.Kind.STRING ? new String[n * width]
                    : kind == Columns.Kind.INTEGRAL ? new long[n * width] : new float[n * width];
            for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                if (row.isNullAt(p)) {
                    throw new IllegalArgumentException("input column '" + columns.names[i] + "' holds a null in row "
                            + row + " (partition " + partition + "); a model input needs a value in every row");
                }
                List<?> list = vector ? row.getList(p) : null;
                if (vector && list.size() != width) {
                    throw new IllegalArgumentException("input column '" + columns.names[i] + "': row " + row
                            + " (partition " + partition + ") holds " + list.size() + " values where "
                            + (dims[1] > 0 ? "the input of shape " + Shape.of(dims) + " takes " : "the first row "
                            + "holds ") + width + " (an input takes arrays of one length)");
                }
                for (int k = 0; k < width; k++) {
                    Object v = vector ? list.get(k) : row.get(p);
                    if (v == null) {
                        throw new IllegalArgumentException("input column '" + columns.names[i] + "' holds a null in "
                                + "row " + row + " (partition " + partition + ")");
                    }
                    switch (kind) {
                        case STRING -> ((String[]) store)[r * width + k] = (String) v;
                        case INTEGRAL -> {
                            long id = ((Number) v).longValue();
                            long limit = columns.idLimit[i];
                            if (limit >= 0 && (id < 0 || id >= limit)) {
                                throw new IllegalArgumentException("input column '" + columns.names[i] + "' holds id "
                                        + id + " in row " + row + " (partition " + partition + "); Embedding layer \""
                                        + columns.idTable[i] + "\" has rows [0, " + limit + ")");
                            }
                            ((long[]) store)[r * width + k] = id;
                        }
                        default -> ((float[]) store)[r * width + k] = ((Number) v).floatValue();
                    }
                }
            }
            values[i] = store;
        }
        float[] targets = null;
        int targetWidth = 0;
        if (columns.targetPosition >= 0) {
            int p = columns.targetPosition;
            targetWidth = -1;
            for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                if (row.isNullAt(p)) {
                    throw new IllegalArgumentException("target column '" + columns.target + "' holds a null in row "
                            + row + " (partition " + partition + ")");
                }
                List<?> list = columns.targetArray ? row.getList(p) : List.of(row.get(p));
                if (targetWidth < 0) {
                    targetWidth = list.size();
                    targets = new float[n * targetWidth];
                } else if (list.size() != targetWidth) {
                    throw new IllegalArgumentException("target column '" + columns.target + "': row " + row
                            + " (partition " + partition + ") holds " + list.size() + " values where the first row "
                            + "holds " + targetWidth);
                }
                for (int k = 0; k < targetWidth; k++) {
                    Object v = list.get(k);
                    if (v == null) {
                        throw new IllegalArgumentException("target column '" + columns.target + "' holds a null in "
                                + "row " + row + " (partition " + partition + ")");
                    }
                    targets[r * targetWidth + k] = ((Number) v).floatValue();
                }
            }
            targetWidth = Math.max(targetWidth, 0);
        }
        return new Block(partition, n, widths, values, targets, targetWidth, columns);
    }

    /** The partition the rows came from. */
    public int partition() {
        return partition;
    }

    /** How many rows. */
    public int rows() {
        return rows;
    }

    /** Input {@code i}'s ids ({@code rows * width} of them), for an input of integers. */
    public long[] ids(int i) {
        return (long[]) values[i];
    }

    /**
     * This block with input {@code i}'s keys replaced by {@code ids}, the ids {@code lookup} gave them (as many),
     * each checked against {@code table}'s {@code rows}.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, rows)}, naming the key, the column and the
     *     partition
     */
    public Block withIds(int i, long[] ids, long rows, String table, String lookup) {
        Object keys = values[i];
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0 || ids[k] >= rows) {
                Object key = keys instanceof String[] s ? "'" + s[k] + "'" : keys instanceof long[] l ? l[k]
                        : ((float[]) keys)[k];
                throw new IllegalArgumentException("input column '" + columns.names[i] + "' (partition " + partition
                        + "): lookup layer \"" + lookup + "\" maps key " + key + " to id " + ids[k]
                        + "; Embedding layer \"" + table + "\" has rows [0, " + rows + ")");
            }
        }
        Object[] v = values.clone();
        v[i] = ids;
        return new Block(partition, this.rows, widths, v, targets, targetWidth, columns);
    }

    /** Input {@code i}'s values per row. */
    public int width(int i) {
        return widths[i];
    }

    /** Input {@code i} as the model takes it: {@code (rows,)} or {@code (rows, width)}, ids as int64. */
    public Tensor input(int i) {
        long[] shape = shape(i);
        Object v = values[i];
        if (v instanceof String[] s) {
            return shape.length == 1 ? Tensor.of(s) : Tensor.of(fold(s, rows, widths[i]));
        }
        // a 1-D input is taken as it comes (a reshape to its own shape would cost a view per batch)
        if (v instanceof long[] l) {
            return shape.length == 1 ? Tensor.of(l) : Tensor.of(l).reshape(shape);
        }
        return shape.length == 1 ? Tensor.of((float[]) v) : Tensor.of((float[]) v).reshape(shape);
    }

    /**
     * {@link #input(int)} written into {@code slots[i]}, a native array of this input's dtype and shape kept from an
     * earlier block (made there and then when it is null or of another shape): a partition's batches of one size
     * reuse one array per input instead of allocating a native buffer per batch, which costs more than the batch's
     * whole read. The tensor wraps the slot, so it is valid until the slot's next use. String keys (and an input
     * of no values) are read as {@link #input(int)} reads them.
     */
    public Tensor input(int i, INDArray[] slots) {
        Object v = values[i];
        if (v instanceof String[] || java.lang.reflect.Array.getLength(v) == 0) {
            return input(i);
        }
        long[] shape = shape(i);
        INDArray slot = slots[i];
        if (slot == null || !java.util.Arrays.equals(slot.shape(), shape)) {
            slot = Nd4j.createUninitialized(v instanceof long[] ? DataType.INT64 : DataType.FLOAT, shape);
            slots[i] = slot;
        }
        if (v instanceof long[] l) {
            slot.data().setData(l);
        } else {
            slot.data().setData((float[]) v);
        }
        return Tensor.wrap(slot);
    }

    /** Input {@code i}'s ids renumbered by {@code local} (same length as {@link #ids}), in the input's shape. */
    public Tensor renumbered(int i, int[] local) {
        return Tensor.of(local).reshape(shape(i));
    }

    /** Input {@code i}'s shape for these rows: {@code (rows,)} for a 1-D input, else {@code (rows, width)}. */
    private long[] shape(int i) {
        return columns.dims[i].length == 1 ? new long[] {rows} : new long[] {rows, widths[i]};
    }

    /** The targets, {@code (rows,)} for one value per row, else {@code (rows, width)}. */
    public Tensor targets() {
        if (targets == null) {
            throw new IllegalStateException("the block was read without a target column");
        }
        return targetWidth == 1 && !columns.targetArray ? Tensor.of(targets)
                : Tensor.of(targets).reshape(rows, targetWidth);
    }

    private static String[][] fold(String[] flat, int rows, int width) {
        String[][] out = new String[rows][width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * width, out[r], 0, width);
        }
        return out;
    }
}
