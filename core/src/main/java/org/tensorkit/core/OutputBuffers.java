package org.tensorkit.core;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
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
 * <p>How: arrays of at least {@value #MIN_POOLED_BYTES} bytes are views of native buffers from a pool of
 * power-of-two size classes. A phantom reference on each array's {@link DataBuffer} returns its buffer to the
 * pool once the buffer is unreachable (views keep it reachable). When the pool holds its budget (system property
 * {@code tensorkit.outputPool.maxBytes}, default a quarter of the maximum heap, at most 2 GiB) and no buffer
 * of the size is free, it asks for a collection ({@link System#gc()}), as {@code ByteBuffer.allocateDirect} does
 * when direct memory runs out, and reuses what comes back; if that frees too little, it grows past the budget
 * instead of collecting again. Smaller arrays and other dtypes come from {@link Nd4j#createUninitialized}.
 *
 * <p>Thread-safe and lock-free on the fast path. The contents of a new array are undefined: the caller writes
 * every element.
 */
public final class OutputBuffers {
    /** Arrays smaller than this come from ND4J directly. */
    public static final long MIN_POOLED_BYTES = 16 * 1024;

    private static final int CLASSES = 64;
    private static final long MAX_BYTES = maxBytes();
    /** Free buffers per size class ({@code 2^k} bytes), each a native address. */
    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedDeque<Long>[] FREE = new ConcurrentLinkedDeque[CLASSES];
    private static final ReferenceQueue<DataBuffer> QUEUE = new ReferenceQueue<>();
    private static final Set<Lease> LEASES = ConcurrentHashMap.newKeySet();
    /** Native bytes the pool owns, free or leased. */
    private static final AtomicLong OWNED = new AtomicLong();
    /** No collection is requested while {@link #OWNED} is below this. */
    private static final AtomicLong COLLECT_AT = new AtomicLong(MAX_BYTES);
    private static final AtomicLong COLLECTIONS = new AtomicLong();
    private static final Object COLLECTING = new Object();

    static {
        for (int i = 0; i < CLASSES; i++) {
            FREE[i] = new ConcurrentLinkedDeque<>();
        }
    }

    private OutputBuffers() {
    }

    /** A new C-ordered array of {@code shape}, contents undefined. */
    public static INDArray uninitialized(DataType type, long... shape) {
        long length = 1;
        for (long d : shape) {
            length = Math.multiplyExact(length, d);
        }
        long bytes = length * type.width();
        if (bytes < MIN_POOLED_BYTES || !pooled(type)) {
            return Nd4j.createUninitialized(type, shape, 'c');
        }
        int sizeClass = 64 - Long.numberOfLeadingZeros(bytes - 1); // 2^sizeClass >= bytes
        long address = acquire(sizeClass);
        DataBuffer buffer = Nd4j.createBuffer(pointer(type, address, length), type, length, indexer(type, address,
                length));
        LEASES.add(new Lease(buffer, address, sizeClass));
        return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
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

    private static long acquire(int sizeClass) {
        drain();
        Long free = FREE[sizeClass].pollFirst();
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
        return p.address();
    }

    /** One thread at a time: collect, take back the dead outputs, and raise the bar if that freed too little. */
    private static Long collect(int sizeClass) {
        synchronized (COLLECTING) {
            Long free = FREE[sizeClass].pollFirst();
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
            free = FREE[sizeClass].pollFirst();
            if (free == null) {
                // the outputs of this size are still in use: grow by the budget rather than collect again at
                // once (collections stay rare relative to what is allocated)
                COLLECT_AT.set(OWNED.get() + MAX_BYTES);
                // free buffers of other sizes are not reusable here: give them back so the total stays bounded
                for (int c = 0; c < CLASSES; c++) {
                    for (Long a; c != sizeClass && (a = FREE[c].pollFirst()) != null; ) {
                        Pointer.free(new RawFloat(a, 0));
                        OWNED.addAndGet(-(1L << c));
                    }
                }
            }
            return free;
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
        if (LEASES.remove(lease)) {
            FREE[lease.sizeClass].offerFirst(lease.address); // LIFO: the warmest buffer goes out next
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

    /** Returns a buffer to the pool when the data buffer it backs is unreachable. */
    private static final class Lease extends PhantomReference<DataBuffer> {
        final long address;
        final int sizeClass;

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
