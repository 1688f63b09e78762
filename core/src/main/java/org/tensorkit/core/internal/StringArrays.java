package org.tensorkit.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * String arrays in ND4J's {@code UTF8} layout, encoded and decoded here rather than by ND4J: ND4J 1.0.0-M2.1 writes
 * each {@code char} as one byte (so {@code "dé"} reads back as {@code "d\uFFFD"}), cannot take views of such arrays
 * and has no ops for them. The layout ND4J defines and reads: {@code n + 1} native-order longs, the byte offset of
 * each string's start in the payload and the payload's length, then the UTF-8 payload. Arrays are C order, one
 * buffer per array; row slices and gathers copy.
 */
public final class StringArrays {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Strings per chunk of a split encoding. */
    private static final int CHUNK = 4096;
    private StringArrays() {
    }

    /**
     * The UTF-8 bytes of a string array and where each element starts: element {@code i} is
     * {@code bytes[offsets[i] .. offsets[i + 1])}.
     *
     * @param bytes   the payload
     * @param offsets {@code count + 1} offsets into {@code bytes}, non-decreasing, the last one its length
     */
    public record Utf8(byte[] bytes, long[] offsets) {
        /** The number of strings. */
        public int count() {
            return offsets.length - 1;
        }

        /** The start of element {@code i} in {@link #bytes()}. */
        public int start(int i) {
            return (int) offsets[i];
        }

        /** The end (exclusive) of element {@code i} in {@link #bytes()}. */
        public int end(int i) {
            return (int) offsets[i + 1];
        }

        /** Element {@code i}, decoded. */
        public String string(int i) {
            return new String(bytes, start(i), end(i) - start(i), StandardCharsets.UTF_8);
        }
    }

    /** A {@code UTF8} array of {@code values} (C order, none null) with the given shape. */
    public static INDArray of(String[] values, long[] shape) {
        int n = values.length;
        byte[][] encoded = new byte[n][];
        // encoding and copying are independent per string: split over ParallelRows for large arrays
        long guess = 16L * n;
        ParallelRows.run(n, CHUNK, guess, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
            }
            return -1;
        });
        int header = (n + 1) * Long.BYTES;
        long total = header;
        for (byte[] e : encoded) {
            total += e.length;
        }
        // ND4J's layout built in one array: the offsets, then the bytes; ND4J copies it to native memory once
        byte[] buffer = new byte[Math.toIntExact(total)];
        long at = 0;
        for (int i = 0; i < n; i++) {
            LONG.set(buffer, i * Long.BYTES, at);
            at += encoded[i].length;
        }
        LONG.set(buffer, n * Long.BYTES, at);
        ParallelRows.run(n, CHUNK, total, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                System.arraycopy(encoded[i], 0, buffer, header + (int) (long) LONG.get(buffer, i * Long.BYTES),
                        encoded[i].length);
            }
            return -1;
        });
        return over(buffer, n, shape);
    }

    private static INDArray over(byte[] buffer, int count, long[] shape) {
        DataBuffer data = Nd4j.getDataBufferFactory().createUtf8Buffer(buffer, count);
        return Nd4j.create(data, shape, strides(shape), 0, 'c', DataType.UTF8);
    }

    /** A {@code UTF8} array of the encoded strings {@code utf8} with the given shape. */
    public static INDArray of(Utf8 utf8, long[] shape) {
        int count = utf8.count();
        int from = (int) utf8.offsets()[0];
        int to = (int) utf8.offsets()[count];
        int header = (count + 1) * Long.BYTES;
        byte[] buffer = new byte[Math.addExact(header, to - from)];
        for (int i = 0; i <= count; i++) {
            LONG.set(buffer, i * Long.BYTES, utf8.offsets()[i] - from);
        }
        System.arraycopy(utf8.bytes(), from, buffer, header, to - from);
        return over(buffer, count, shape);
    }

    /**
     * The encoded strings of a {@code UTF8} array in C order (one bulk copy of its buffer).
     *
     * @throws IllegalArgumentException for an array that is not a C-order {@code UTF8} array over its own buffer
     */
    public static Utf8 read(INDArray a) {
        check(a);
        int count = Math.toIntExact(a.length());
        if (count == 0) {
            return new Utf8(new byte[0], new long[1]);
        }
        ByteBuffer bytes = NdArrays.bytes(a);
        long[] offsets = new long[count + 1];
        bytes.asLongBuffer().get(0, offsets);
        int start = (count + 1) * Long.BYTES;
        byte[] payload = new byte[Math.toIntExact(offsets[count])];
        bytes.get(start, payload);
        return new Utf8(payload, offsets);
    }

    /** The strings of a {@code UTF8} array in C order, decoded. */
    public static String[] strings(INDArray a) {
        Utf8 utf8 = read(a);
        String[] out = new String[utf8.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = utf8.string(i);
        }
        return out;
    }

    /** Rows {@code [start, end)} of axis 0 of a {@code UTF8} array, copied (only their strings are read). */
    public static INDArray rows(INDArray a, long start, long end) {
        int[] order = new int[Math.toIntExact(end - start)];
        for (int k = 0; k < order.length; k++) {
            order[k] = Math.toIntExact(start + k);
        }
        return gatherRows(a, order, 0, order.length);
    }

    /**
     * Rows {@code order[from], ..., order[to - 1]} of axis 0 of a {@code UTF8} array, copied in that order. Only
     * those rows' offsets and bytes are read from the array's buffer, so a batch costs its own size, not the
     * array's.
     */
    public static INDArray gatherRows(INDArray a, int[] order, int from, int to) {
        long[] shape = a.shape().clone();
        shape[0] = to - from;
        return gatherRows(a, order, from, to, shape);
    }

    /** {@link #gatherRows(INDArray, int[], int, int)} seen with {@code shape}, of the same length, at no extra copy. */
    public static INDArray gatherRows(INDArray a, int[] order, int from, int to, long[] shape) {
        check(a);
        int rowLength = a.size(0) == 0 ? 0 : Math.toIntExact(a.length() / a.size(0));
        int count = Math.toIntExact(a.length());
        ByteBuffer src = NdArrays.bytes(a);
        long payloadStart = (count + 1L) * Long.BYTES;
        int n = (to - from) * rowLength;
        int header = (n + 1) * Long.BYTES;
        long size = 0;
        for (int r = from; r < to; r++) {
            int first = order[r] * rowLength;
            size += src.getLong((first + rowLength) * Long.BYTES) - src.getLong(first * Long.BYTES);
        }
        byte[] buffer = new byte[Math.toIntExact(header + size)];
        long at = 0;
        int k = 0;
        for (int r = from; r < to; r++) {
            int first = order[r] * rowLength;
            long begin = src.getLong(first * Long.BYTES);
            long stop = src.getLong((first + rowLength) * Long.BYTES);
            for (int j = 0; j < rowLength; j++) {
                LONG.set(buffer, (k + j) * Long.BYTES, at + src.getLong((first + j) * Long.BYTES) - begin);
            }
            src.get(Math.toIntExact(payloadStart + begin), buffer, header + (int) at, (int) (stop - begin));
            at += stop - begin;
            k += rowLength;
        }
        LONG.set(buffer, n * Long.BYTES, at);
        return over(buffer, n, shape);
    }

    /** The same strings with another C-order shape of the same length (a copy). */
    public static INDArray reshape(INDArray a, long[] shape) {
        return of(read(a), shape);
    }

    /**
     * Refuses an array {@link #read} cannot read: not {@code UTF8}, not C order, or a view.
     *
     * @throws IllegalArgumentException naming what the array is
     */
    public static void check(INDArray a) {
        if (a.dataType() != DataType.UTF8) {
            throw new IllegalArgumentException("need a string (UTF8) array, got " + a.dataType());
        }
        if (a.ordering() != 'c' || a.offset() != 0 || a.isView()) {
            throw new IllegalArgumentException("string arrays must be C-order arrays over their own buffer, got "
                    + a.shapeInfoToString());
        }
    }

    private static long[] strides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            strides[axis] = stride;
            stride *= Math.max(1, shape[axis]);
        }
        return strides;
    }
}
