package org.tensorkit.core.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cheap construction of C-ordered ND4J arrays over an existing buffer, for hot paths.
 *
 * <p>Why: every ND4J array constructor ({@code Nd4j.create(buffer, shape, ...)}, {@code reshape}, {@code dup}, ...)
 * builds a fresh native shape-info buffer: a JNI call into ND4J's constant cache, a new JavaCPP pointer (whose
 * allocation reads the process's resident size when {@code maxPhysicalBytes} is set) and a registration with
 * ND4J's deallocator, 2 to 20 us per array on the benchmark machine, against well under a microsecond for the
 * rest of a small predict. Shape info is immutable and ND4J itself shares it natively (it is a constant), so this
 * class keeps one shape-info buffer per (dtype, shape) and builds CPU arrays straight from it with the CPU
 * backend's field-setting constructor. On another backend (or if that constructor is missing) it falls back to
 * {@link Nd4j#create}.
 */
public final class NdArrays {
    private static final int MAX_CACHED = 4096;
    private static final ConcurrentHashMap<Key, Pair<DataBuffer, long[]>> SHAPES = new ConcurrentHashMap<>();
    private static final boolean CPU_BACKEND = cpuBackend();

    private NdArrays() {
    }

    /**
     * A C-ordered array of {@code shape} over elements {@code [0, product(shape))} of {@code data}, which must be a
     * buffer of {@code type} with at least that many elements. No copy.
     */
    public static INDArray over(DataBuffer data, DataType type, long[] shape) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        if (length == 0 || shape.length == 0 || !CPU_BACKEND || data.dataType() != type) {
            return Nd4j.create(data, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
        }
        Pair<DataBuffer, long[]> info = shapeInfo(type, shape);
        if (!(info.getFirst() instanceof org.nd4j.linalg.cpu.nativecpu.buffer.LongBuffer cpuInfo)) {
            return Nd4j.create(data, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
        }
        return new org.nd4j.linalg.cpu.nativecpu.NDArray(data, cpuInfo, info.getSecond().clone());
    }

    /**
     * Whether {@code a} is dense: its elements are exactly its whole buffer's, in C order ({@link #startsDense} and
     * as many elements as the buffer). Such an array's buffer can be read and written in bulk as the array.
     */
    public static boolean isDense(INDArray a) {
        if (!a.isView()) { // the common case, without copying the shape and strides out of ND4J
            return a.ordering() == 'c' && a.offset() == 0 && !a.isEmpty() && a.data().length() == a.length();
        }
        return a.data().length() == a.length() && startsDense(a);
    }

    /**
     * Whether {@code a}'s elements lie in C order from the start of its buffer ({@code data().address()}), which
     * may be longer: not empty, offset 0, and every axis longer than 1 has its C stride. Judged by layout, not by ND4J's
     * {@code isView()}: a {@code reshape} of a fresh array is a "view" to ND4J (its buffer wraps the original)
     * yet lays out the same memory in the same order, and copying it would cost a fresh native buffer per call.
     */
    public static boolean startsDense(INDArray a) {
        if (a.isEmpty() || a.offset() != 0 || a.data().length() < a.length()) {
            return false;
        }
        if (!a.isView() && a.ordering() == 'c') {
            return true; // a fresh C-ordered array: no need to copy its strides out of ND4J
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] != 1 && stride[axis] != expected) {
                return false;
            }
            expected *= shape[axis];
        }
        return true;
    }

    /** {@code a} itself when {@link #isDense dense}, else a dense copy. */
    public static INDArray dense(INDArray a) {
        return isDense(a) ? a : a.dup('c');
    }

    /** The bytes of {@code a}'s whole buffer, in native order, positioned at 0 (no copy). */
    public static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    /**
     * A window of {@code length} bytes of {@code a}'s buffer starting {@code offset} bytes into it, in native
     * order, positioned at 0 (no copy): reaches every byte of buffers beyond the 2 GiB one {@link ByteBuffer} holds.
     */
    public static ByteBuffer bytes(INDArray a, long offset, int length) {
        org.bytedeco.javacpp.Pointer start = a.data().addressPointer();
        long end = Math.addExact(offset, length);
        if (offset < 0 || length < 0 || end > a.data().length() * a.data().getElementSize()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + end + ") of a buffer of "
                    + a.data().length() * a.data().getElementSize());
        }
        org.bytedeco.javacpp.BytePointer bytes = new org.bytedeco.javacpp.BytePointer(start);
        bytes.capacity(end).limit(end).position(offset);
        return bytes.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * {@code a} seen with another C-order shape of the same length, sharing its buffer, when {@code a} is
     * {@link #isDense dense} and not empty (in a {@link StepArena}'s step, the arena's view when it has it);
     * otherwise ND4J's {@code reshape('c', shape)}.
     */
    public static INDArray reshape(INDArray a, long... shape) {
        if (a.dataType() == DataType.UTF8) {
            return StringArrays.reshape(a, shape); // strings are laid out by offsets: a copy
        }
        if (isDense(a) && !a.isEmpty() && product(shape) == a.length()) {
            StepArena arena = StepArena.current();
            return arena != null ? arena.view(a, shape) : over(a.data(), a.dataType(), shape);
        }
        return a.reshape('c', shape);
    }

    /**
     * Whether two arrays may share memory: the same root buffer (views and reshapes wrap their original), or
     * overlapping native address ranges.
     */
    public static boolean sharesMemory(INDArray a, INDArray b) {
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        DataBuffer x = root(a.data());
        DataBuffer y = root(b.data());
        long xStart = x.address();
        long yStart = y.address();
        return x == y || (xStart < yStart + y.length() * y.getElementSize()
                && yStart < xStart + x.length() * x.getElementSize());
    }

    /** Whether {@code a} may share memory with any of {@code others} ({@link #sharesMemory}). */
    public static boolean sharesMemoryWithAny(INDArray a, List<INDArray> others) {
        for (INDArray o : others) {
            if (sharesMemory(a, o)) {
                return true;
            }
        }
        return false;
    }

    /** The buffer that owns the memory: views and reshapes wrap their original buffer. */
    public static DataBuffer root(DataBuffer buffer) {
        DataBuffer b = buffer;
        while (b.originalDataBuffer() != null && b.originalDataBuffer() != b) {
            b = b.originalDataBuffer();
        }
        return b;
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    private static Pair<DataBuffer, long[]> shapeInfo(DataType type, long[] shape) {
        Key key = new Key(type, shape);
        Pair<DataBuffer, long[]> info = SHAPES.get(key);
        if (info == null) {
            info = Nd4j.getShapeInfoProvider().createShapeInformation(shape.clone(), Nd4j.getStrides(shape, 'c'), 1,
                    'c', type, false);
            if (SHAPES.size() >= MAX_CACHED) {
                SHAPES.clear(); // many distinct shapes: start over rather than grow without bound
            }
            SHAPES.putIfAbsent(new Key(type, shape.clone()), info);
        }
        return info;
    }

    private static boolean cpuBackend() {
        try {
            return Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend")
                    && Class.forName("org.nd4j.linalg.cpu.nativecpu.NDArray") != null;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /** (dtype, shape) with value equality; the shape array is never modified once in the map. */
    private static final class Key {
        final DataType type;
        final long[] shape;
        final int hash;

        Key(DataType type, long[] shape) {
            this.type = type;
            this.shape = shape;
            this.hash = 31 * type.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
