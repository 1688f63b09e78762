package org.tensorkit.core.internal;

import java.lang.reflect.Field;

/**
 * Reads and copies native memory by address ({@code sun.misc.Unsafe}), for {@link RowGather}'s row loop and
 * {@link BulkData}'s copies between dense arrays and Java arrays: no {@code ByteBuffer} views per call and no
 * per-row bounds checks beyond the ones the loop does itself (every id is checked against the table before its row
 * is read, and the output's size is checked before the loop).
 * {@link #AVAILABLE} is false if the JVM hides Unsafe; callers then use NIO buffers.
 */
final class NativeMemory {
    private static final sun.misc.Unsafe U = unsafe();
    static final boolean AVAILABLE = U != null;

    private NativeMemory() {
    }

    static int getInt(long address) {
        return U.getInt(address);
    }

    static long getLong(long address) {
        return U.getLong(address);
    }

    static float getFloat(long address) {
        return U.getFloat(address);
    }

    static void copy(long from, long to, long bytes) {
        U.copyMemory(from, to, bytes);
    }

    /** Copies {@code n} floats from native memory at {@code address} into {@code into[0, n)}. */
    static void copyToFloats(long address, float[] into, int n) {
        copyToFloats(address, into, 0, n);
    }

    /** Copies {@code n} floats from native memory at {@code address} into {@code into[at, at + n)}. */
    static void copyToFloats(long address, float[] into, int at, int n) {
        U.copyMemory(null, address, into, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET + (long) at * Float.BYTES,
                (long) n * Float.BYTES);
    }

    /** Copies {@code values[0, n)} into native memory at {@code address}. */
    static void copyFromFloats(float[] values, long address, int n) {
        copyFromFloats(values, 0, address, n);
    }

    /** Copies {@code values[at, at + n)} into native memory at {@code address}. */
    static void copyFromFloats(float[] values, int at, long address, int n) {
        U.copyMemory(values, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET + (long) at * Float.BYTES, null, address,
                (long) n * Float.BYTES);
    }

    /** Copies {@code n} longs from native memory at {@code address} into {@code into[0, n)}. */
    static void copyToLongs(long address, long[] into, int n) {
        U.copyMemory(null, address, into, sun.misc.Unsafe.ARRAY_LONG_BASE_OFFSET, (long) n * Long.BYTES);
    }

    /** Unmaps a mapped buffer now ({@code Unsafe.invokeCleaner}); without Unsafe, the collector does it later. */
    static void unmap(java.nio.MappedByteBuffer buffer) {
        if (AVAILABLE) {
            U.invokeCleaner(buffer);
        }
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
