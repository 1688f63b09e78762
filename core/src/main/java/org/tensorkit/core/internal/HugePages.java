package org.tensorkit.core.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Asks Linux to back a large table's memory with transparent huge pages (2 MiB instead of 4 KiB), as numpy does
 * for every array of 4 MiB or more. An optimizer's row step touches rows scattered over a table and its moments:
 * with 4 KiB pages nearly every row costs a TLB miss and a page walk (two nested walks in a virtual machine); with
 * 2 MiB pages a table of a few hundred MiB is within the TLB's reach. The memory, its contents and its size do not
 * change, only how the kernel maps it.
 *
 * <p>{@link #advise} marks the 2 MiB-aligned interior of the array's buffer (the pages it shares with nothing
 * else) with {@code madvise(MADV_HUGEPAGE)}, at once and at no cost, and queues it for a daemon thread
 * ({@code tensorkit-hugepages}) that turns the pages already written into huge ones with
 * {@code madvise(MADV_COLLAPSE)} (Linux 6.1+), 2 MiB at a time. Collapsing copies the memory (about 4 ms per MiB on
 * this project's virtual machine), so the caller never waits for it; until a page is collapsed it works as
 * before. Both calls are hints: a kernel without them, THP set to {@code never}, memory too fragmented to
 * collapse, or a platform other than Linux leave the array as it was, and nothing fails. The calls go through JNA,
 * which ND4J already brings (for OSHI).
 *
 * <p>System properties: {@code tensorkit.hugePages} (default {@code true}; {@code false} disables the advice) and
 * {@code tensorkit.hugePages.minBytes} (default 4 MiB, numpy's threshold: smaller buffers are left alone).
 */
public final class HugePages {
    /** Arrays of fewer bytes are not advised (numpy's threshold). */
    public static final long MIN_BYTES = Long.getLong("tensorkit.hugePages.minBytes", 4L << 20);
    private static final long HUGE = 2L << 20;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_COLLAPSE = 25;
    private static final boolean AVAILABLE = Boolean.parseBoolean(System.getProperty("tensorkit.hugePages", "true"))
            && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
            && LibC.LOADED;

    private HugePages() {
    }

    /** Whether the advice can be given here (Linux, JNA loaded, not disabled). */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Advises huge pages for the whole native buffer behind {@code array} (its root buffer, when it is a view such
     * as one of Adam's interleaved moments) when that buffer holds at least {@link #MIN_BYTES}; returns the bytes
     * advised, those of {@link #span} (0 when nothing was: a small buffer, advice unavailable, or refused by the
     * kernel). The array is unchanged whatever the kernel does.
     */
    public static long advise(INDArray array) {
        if (!AVAILABLE) {
            return 0;
        }
        Span span = span(array);
        try {
            if (span.bytes() == 0 || LibC.madvise(span.start, span.bytes(), MADV_HUGEPAGE) != 0) {
                return 0;
            }
        } catch (LinkageError | RuntimeException e) {
            return 0;
        }
        Collapser c = Collapser.INSTANCE;
        if (c.alive) {
            c.queue.add(span);
        }
        return span.bytes();
    }

    /**
     * The addresses {@link #advise} would advise for {@code array}: the 2 MiB pages that lie wholly inside its root
     * buffer, an empty span when the buffer is smaller than {@link #MIN_BYTES} (or {@code array} is null or empty).
     */
    public static Span span(INDArray array) {
        if (array == null || array.isEmpty()) {
            return new Span(0, 0);
        }
        org.nd4j.linalg.api.buffer.DataBuffer root = NdArrays.root(array.data());
        long address = root.address();
        long bytes = root.length() * root.getElementSize();
        if (address == 0 || bytes < MIN_BYTES) {
            return new Span(0, 0);
        }
        long start = (address + HUGE - 1) & -HUGE;
        long end = (address + bytes) & -HUGE;
        return end > start ? new Span(start, end) : new Span(0, 0);
    }

    /** The addresses {@code [start, end)}, 2 MiB-aligned; empty when {@code end == start}. */
    public record Span(long start, long end) {
        /** {@code end - start}. */
        public long bytes() {
            return end - start;
        }
    }

    /**
     * The daemon thread that collapses advised spans, 2 MiB per call, in the order they were advised. A span whose
     * memory was freed meanwhile is refused by the kernel and dropped at its first refused page; if the memory was
     * already reused by another buffer, collapsing it is as harmless as for the original (contents are kept).
     */
    private static final class Collapser implements Runnable {
        static final Collapser INSTANCE = new Collapser();
        final java.util.concurrent.LinkedBlockingQueue<Span> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        /** False once the thread has stopped (a failing binding): nothing is queued for it any more. */
        volatile boolean alive = true;

        private Collapser() {
            Thread t = new Thread(this, "tensorkit-hugepages");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void run() {
            while (true) {
                Span span;
                try {
                    span = queue.take();
                } catch (InterruptedException e) {
                    alive = false;
                    queue.clear();
                    return;
                }
                try {
                    for (long page = span.start; page < span.end; page += HUGE) {
                        if (LibC.madvise(page, HUGE, MADV_COLLAPSE) != 0) {
                            break; // before Linux 6.1, or no memory to collapse into: khugepaged may do it later
                        }
                    }
                } catch (LinkageError | RuntimeException e) {
                    alive = false;
                    queue.clear();
                    return;
                }
            }
        }
    }

    /** {@code madvise} of the C library, bound once by JNA's direct mapping. */
    private static final class LibC {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                com.sun.jna.Native.register(LibC.class, com.sun.jna.NativeLibrary.getInstance("c"));
                return true;
            } catch (LinkageError | RuntimeException e) { // no JNA, or no libc by that name
                return false;
            }
        }

        /** {@code int madvise(void *addr, size_t length, int advice)}: 64-bit pointer and size as longs. */
        static native int madvise(long address, long length, int advice);
    }
}
