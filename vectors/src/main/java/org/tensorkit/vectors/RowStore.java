package org.tensorkit.vectors;

import java.nio.ByteBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.NdArrays;
import org.tensorkit.core.internal.Tensors;

/**
 * Float32 rows appended into one native {@code (capacity, dim)} array, grown by half when full; the reader's
 * vectors go from the parsers' heap arrays straight into it, so the heap holds one block's vectors at a time.
 */
final class RowStore implements AutoCloseable {
    private static final int COPY_WINDOW = 1 << 30;

    private final int dim;
    private INDArray data;
    private long capacity;
    private long rows;

    RowStore(int dim, long capacity) {
        this.dim = dim;
        this.capacity = Math.max(1, capacity);
        this.data = Nd4j.createUninitialized(DataType.FLOAT, this.capacity, Math.max(1, dim));
    }

    long rows() {
        return rows;
    }

    /** Appends rows {@code [from, from + count)} of {@code values} (row-major, {@code dim} per row). */
    void append(float[] values, int from, int count) {
        if (count == 0 || dim == 0) {
            rows += count;
            return;
        }
        if (rows + count > capacity) {
            grow(rows + count);
        }
        long at = rows * dim * 4L;
        int floats = count * dim;
        ByteBuffer window = NdArrays.bytes(data, at, floats * 4);
        window.asFloatBuffer().put(values, from * dim, floats);
        rows += count;
    }

    private void grow(long needed) {
        long next = Math.max(needed, capacity + (capacity >> 1) + 16);
        INDArray bigger = Nd4j.createUninitialized(DataType.FLOAT, next, dim);
        copy(data, bigger, rows * dim * 4L);
        data.close();
        data = bigger;
        capacity = next;
    }

    private static void copy(INDArray from, INDArray to, long bytes) {
        for (long at = 0; at < bytes; at += COPY_WINDOW) {
            int n = (int) Math.min(COPY_WINDOW, bytes - at);
            NdArrays.bytes(to, at, n).put(NdArrays.bytes(from, at, n));
        }
    }

    /** The rows as a tensor of exactly {@code (rows, dim)} that owns its memory; the store is then empty. */
    Tensor finish() {
        INDArray out;
        if (rows == 0 || dim == 0) {
            out = Nd4j.create(DataType.FLOAT, rows, dim);
            data.close();
        } else if (rows == capacity) {
            out = data;
        } else {
            out = Nd4j.createUninitialized(DataType.FLOAT, rows, dim);
            copy(data, out, rows * dim * 4L);
            data.close();
        }
        data = null;
        return Tensors.adopt(out);
    }

    @Override
    public void close() {
        if (data != null) {
            data.close();
            data = null;
        }
    }
}
