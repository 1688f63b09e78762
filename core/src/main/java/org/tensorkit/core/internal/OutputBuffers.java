package org.tensorkit.core.internal;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.Indexer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.javacpp.indexer.LongIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fresh, uninitialized output arrays for hot paths, backed by recycled native buffers.
 *
 * <p>Why: a layer returns a new array per call (as Keras and PyTorch do), and a new off-heap buffer is costly
 * on this kind of machine: memory the process has not touched yet costs a page fault per 4 KiB page on first
 * write (measured 0.66 to 5 ms per MiB here), and ND4J frees a buffer only once the garbage collector finds its
 * array dead. With little Java garbage per call, collections are rare, so a predict loop would touch fresh
 * memory on every call and grow without bound. PyTorch avoids both by freeing at once (reference counting), so
 * malloc hands back warm memory.
 *
 * <p>How: arrays of float32, float64, int32 and int64 are views of native buffers from a pool of
 * power-of-two size classes (at least {@value #MIN_POOLED_BYTES} bytes). Each buffer goes back to the pool either
 * at once, when its owner calls {@link #recycle(DataBuffer)} (what {@link org.tensorkit.core.Tensor#close()} does
 * for a predict result: deterministic, as PyTorch frees at reference count 0), or, without that, once the {@link DataBuffer} is
 * unreachable, through a phantom reference (views keep it reachable). A buffer recycled by its owner keeps its
 * {@link DataBuffer} object, so the next output of the same dtype and length reuses it and costs no native
 * call at all (with {@link NdArrays}'s cached shape info). When the pool holds its budget (system property
 * {@code tensorkit.outputPool.maxBytes}, default a quarter of the maximum heap, at most 2 GiB) and no buffer
 * of the size is free, it asks for a collection ({@link System#gc()}), as {@code ByteBuffer.allocateDirect} does
 * when direct memory runs out, and reuses what comes back; if that frees too little, it grows past the budget
 * instead of collecting again. Empty arrays and other dtypes come from {@link Nd4j#createUninitialized}.
 *
 * <p>Thread-safe and lock-free on the fast path. The contents of a new array are undefined: the caller writes
 * every element.
 */
public final class OutputBuffers {
    /** The smallest size class: smaller arrays get a buffer of this many bytes. */
    public static final long MIN_POOLED_BYTES = 64;

    private static final int CLASSES = 64;
    private static final int MIN_CLASS = Long.numberOfTrailingZeros(MIN_POOLED_BYTES);
    private static final long MAX_BYTES = maxBytes();
    /** Free buffers per size class ({@code 2^k} bytes). */
    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedDeque<Free>[] FREE = new ConcurrentLinkedDeque[CLASSES];
    /**
     * Buffers their owners gave back with their {@link DataBuffer}, per dtype ({@link #typeIndex}) and size class:
     * the next output of that dtype and length reuses the DataBuffer too, with no native call. (One list per size
     * class alone would hand a float32 output the int32 ids' buffer of the same size, and make it a new DataBuffer.)
     */
    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedDeque<Free>[][] RECYCLED = new ConcurrentLinkedDeque[4][CLASSES];
    private static final ReferenceQueue<DataBuffer> QUEUE = new ReferenceQueue<>();
    /** The buffers in use, by native address. */
    private static final ConcurrentHashMap<Long, Lease> LEASES = new ConcurrentHashMap<>();
    /** Native bytes the pool owns, free or leased. */
    private static final AtomicLong OWNED = new AtomicLong();
    /** No collection is requested while {@link #OWNED} is below this. */
    private static final AtomicLong COLLECT_AT = new AtomicLong(MAX_BYTES);
    private static final AtomicLong COLLECTIONS = new AtomicLong();
    private static final Object COLLECTING = new Object();

    static {
        for (int i = 0; i < CLASSES; i++) {
            FREE[i] = new ConcurrentLinkedDeque<>();
            for (int t = 0; t < RECYCLED.length; t++) {
                RECYCLED[t][i] = new ConcurrentLinkedDeque<>();
            }
        }
    }

    private OutputBuffers() {
    }

    /**
     * A new C-ordered array of {@code shape}, contents undefined; on a thread where a {@link StepArena} is entered,
     * the arena's next array (see there).
     */
    public static INDArray uninitialized(DataType type, long... shape) {
        StepArena arena = StepArena.current();
        if (arena != null && pooled(type) && shape.length > 0) {
            return arena.output(type, shape);
        }
        return lease(type, shape, false);
    }

    /** A pool array that its owner holds across calls: {@link #release} leaves it alone until {@link #unpin}. */
    static INDArray pinned(DataType type, long[] shape) {
        return lease(type, shape, true);
    }

    /** Gives an array made by {@link #pinned} back to the pool (its owner does not use it any more). */
    static void unpin(INDArray array) {
        if (array.isEmpty()) {
            return;
        }
        DataBuffer root = NdArrays.root(array.data());
        Lease lease = LEASES.get(root.address());
        if (lease != null && lease.refersTo(root)) {
            lease.pinned = false;
            recycle(root);
        }
    }

    private static INDArray lease(DataType type, long[] shape, boolean pinned) {
        long length = 1;
        for (long d : shape) {
            length = Math.multiplyExact(length, d);
        }
        long bytes = length * type.width();
        if (length == 0 || shape.length == 0 || !pooled(type)) {
            return Nd4j.createUninitialized(type, shape, 'c');
        }
        int sizeClass = Math.max(MIN_CLASS, 64 - Long.numberOfLeadingZeros(bytes - 1)); // 2^sizeClass >= bytes
        Free free = acquire(type, sizeClass);
        DataBuffer buffer = free.buffer;
        if (buffer == null || buffer.dataType() != type || buffer.length() != length) {
            buffer = Nd4j.createBuffer(pointer(type, free.address, length), type, length, indexer(type, free.address,
                    length));
        }
        Lease lease = new Lease(buffer, free.address, sizeClass);
        lease.pinned = pinned;
        LEASES.put(free.address, lease);
        return NdArrays.over(buffer, type, shape);
    }

    /**
     * Releases the memory of {@code array}'s buffer now: back to the pool if it is one of the pool's buffers,
     * else freed (an ND4J buffer that can be closed). The caller promises that nothing uses the buffer afterwards,
     * through this array or any other over it (views, reshapes).
     */
    public static void release(INDArray array) {
        if (array.isEmpty()) {
            return;
        }
        DataBuffer root = NdArrays.root(array.data());
        if (!recycle(root) && root.closeable()) {
            root.close();
        }
    }

    /**
     * Returns {@code buffer} to the pool now, if it is one of the pool's buffers in use; returns whether it was.
     * The caller promises that nothing reads or writes the buffer afterwards (every array over it is dead to
     * it): the next output may reuse it at once. Idempotent: a second call returns false.
     */
    public static boolean recycle(DataBuffer buffer) {
        Lease lease = LEASES.get(buffer.address());
        if (lease == null || !lease.refersTo(buffer)) {
            return false;
        }
        if (lease.pinned) {
            return true; // a step arena's: it stays with the arena, which hands it out again
        }
        if (!LEASES.remove(lease.address, lease)) {
            return false;
        }
        lease.clear(); // never enqueued now
        RECYCLED[typeIndex(buffer.dataType())][lease.sizeClass].offerFirst(new Free(lease.address, buffer));
        return true;
    }

    /** Native bytes the pool owns (free or in use); for tests and benchmarks. */
    public static long ownedBytes() {
        return OWNED.get();
    }

    /** How many collections the pool has asked for; for tests and benchmarks. */
    public static long collections() {
        return COLLECTIONS.get();
    }

    private static boolean pooled(DataType type) {
        return type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.INT || type == DataType.LONG;
    }

    private static Free acquire(DataType type, int sizeClass) {
        drain();
        Free free = RECYCLED[typeIndex(type)][sizeClass].pollFirst();
        if (free == null) {
            free = FREE[sizeClass].pollFirst();
        }
        for (int t = 0; free == null && t < RECYCLED.length; t++) {
            free = RECYCLED[t][sizeClass].pollFirst(); // another dtype's: its memory, a new DataBuffer
        }
        if (free != null) {
            return free;
        }
        long size = 1L << sizeClass;
        if (OWNED.get() + size > COLLECT_AT.get()) {
            free = collect(sizeClass);
            if (free != null) {
                return free;
            }
        }
        Pointer p = Pointer.malloc(size);
        if (p == null || p.isNull()) {
            throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory for an output");
        }
        OWNED.addAndGet(size);
        return new Free(p.address(), null);
    }

    /** One thread at a time: collect, take back the dead outputs, and raise the bar if that freed too little. */
    private static Free collect(int sizeClass) {
        synchronized (COLLECTING) {
            Free free = pollAny(sizeClass);
            if (free != null || OWNED.get() + (1L << sizeClass) <= COLLECT_AT.get()) {
                return free; // another thread collected meanwhile
            }
            COLLECTIONS.incrementAndGet();
            System.gc();
            try {
                // the reference handler enqueues the dead outputs' leases just after the collection
                Reference<? extends DataBuffer> r = QUEUE.remove(100);
                if (r != null) {
                    release((Lease) r);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drain();
            free = pollAny(sizeClass);
            if (free == null) {
                // the outputs of this size are still in use: grow by the budget rather than collect again at
                // once (collections stay rare relative to what is allocated)
                COLLECT_AT.set(OWNED.get() + MAX_BYTES);
                // free buffers of other sizes are not reusable here: give them back so the total stays bounded
                for (int c = 0; c < CLASSES; c++) {
                    for (Free a; c != sizeClass && (a = pollAny(c)) != null; ) {
                        Pointer.free(new RawFloat(a.address, 0));
                        OWNED.addAndGet(-(1L << c));
                    }
                }
            }
            return free;
        }
    }

    /** A free buffer of the size class, of any dtype or none, or {@code null}. */
    private static Free pollAny(int sizeClass) {
        Free free = FREE[sizeClass].pollFirst();
        for (int t = 0; free == null && t < RECYCLED.length; t++) {
            free = RECYCLED[t][sizeClass].pollFirst();
        }
        return free;
    }

    /** The index of a pooled dtype in {@link #RECYCLED}. */
    private static int typeIndex(DataType type) {
        switch (type) {
            case FLOAT:
                return 0;
            case DOUBLE:
                return 1;
            case INT:
                return 2;
            case LONG:
                return 3;
            default:
                throw new AssertionError(type);
        }
    }

    /** Returns the buffers of outputs found dead so far to the pool; returns how many. */
    private static int drain() {
        int n = 0;
        for (Reference<? extends DataBuffer> r; (r = QUEUE.poll()) != null; ) {
            n += release((Lease) r) ? 1 : 0;
        }
        return n;
    }

    private static boolean release(Lease lease) {
        if (LEASES.remove(lease.address, lease)) {
            FREE[lease.sizeClass].offerFirst(new Free(lease.address, null)); // LIFO: the warmest buffer goes next
            return true;
        }
        return false;
    }

    private static Pointer pointer(DataType type, long address, long length) {
        Pointer p;
        switch (type) {
            case FLOAT:
                p = new RawFloat(address, length);
                break;
            case DOUBLE:
                p = new RawDouble(address, length);
                break;
            case INT:
                p = new RawInt(address, length);
                break;
            case LONG:
                p = new RawLong(address, length);
                break;
            default:
                throw new AssertionError(type);
        }
        return p;
    }

    private static Indexer indexer(DataType type, long address, long length) {
        switch (type) {
            case FLOAT:
                return FloatIndexer.create(new RawFloat(address, length));
            case DOUBLE:
                return DoubleIndexer.create(new RawDouble(address, length));
            case INT:
                return IntIndexer.create(new RawInt(address, length));
            case LONG:
                return LongIndexer.create(new RawLong(address, length));
            default:
                throw new AssertionError(type);
        }
    }

    private static long maxBytes() {
        String configured = System.getProperty("tensorkit.outputPool.maxBytes");
        if (configured != null) {
            return Long.parseLong(configured.trim());
        }
        return Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30);
    }

    /** A free buffer: its address and, when its owner recycled it, the {@link DataBuffer} over it to reuse. */
    private record Free(long address, DataBuffer buffer) {
    }

    /** Returns a buffer to the pool when the data buffer it backs is unreachable. */
    private static final class Lease extends PhantomReference<DataBuffer> {
        final long address;
        final int sizeClass;
        /** Held by a {@link StepArena}: releases leave it alone. */
        volatile boolean pinned;

        Lease(DataBuffer referent, long address, int sizeClass) {
            super(referent, QUEUE);
            this.address = address;
            this.sizeClass = sizeClass;
        }
    }

    // JavaCPP pointers over pool memory, with no deallocator of their own (the pool owns the memory).

    private static final class RawFloat extends FloatPointer {
        RawFloat(long address, long length) {
            this.address = address;
            this.capacity = length;
            this.limit = length;
        }
    }

    private static final class RawDouble extends DoublePointer {
        RawDouble(long address, long length) {
            this.address = address;
            this.capacity = length;
            this.limit = length;
        }
    }

    private static final class RawInt extends IntPointer {
        RawInt(long address, long length) {
            this.address = address;
            this.capacity = length;
            this.limit = length;
        }
    }

    private static final class RawLong extends LongPointer {
        RawLong(long address, long length) {
            this.address = address;
            this.capacity = length;
            this.limit = length;
        }
    }
}
