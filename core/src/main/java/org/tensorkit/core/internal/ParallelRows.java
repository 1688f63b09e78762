package org.tensorkit.core.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a large row loop over the calling thread and a few daemon helpers, for memory-bound copies such as
 * {@link RowGather}.
 *
 * <p>The rows are cut into chunks that every participant claims from a shared counter; the caller claims
 * chunks too, so a call never depends on a helper being scheduled: if the other cores are busy (or serving other
 * calls), the caller does all the work and waits at most for the chunks a helper had already claimed. This is
 * what an OpenMP barrier does not do (there, a descheduled thread stalls the op for a whole time slice).
 *
 * <p>System properties: {@code tensorkit.parallel.helpers} (default: cores - 1, at most 3; 0 disables) and
 * {@code tensorkit.parallel.minBytes} (default 1 MiB: below it, the hand-off costs more than it saves) and
 * {@code tensorkit.parallel.chunkBytes} (default 64 KiB) and {@code tensorkit.parallel.spinMicros} (default 50:
 * how long an idle helper watches for the next call before it parks).
 */
public final class ParallelRows {
    /** Loops that move fewer bytes than this run on the caller alone. */
    public static final long MIN_BYTES = Long.getLong("tensorkit.parallel.minBytes", 1L << 20);
    /** Bytes per chunk: small enough to balance, large enough that claiming costs nothing. */
    public static final int CHUNK_BYTES = Integer.getInteger("tensorkit.parallel.chunkBytes", 64 * 1024);

    /**
     * How long a helper that finished its part of a job watches for the next job before it parks (0: park at
     * once). Back-to-back calls (a serving loop) then skip the park/unpark hand-off, which cost a 1 MiB gather
     * most of its second core (RowGatherBenchmark, medium: 54 us without, 33 us with, Java copy 41 us); the cost
     * is the helper's core spinning up to 50 us after each split call (such a call copies at least 1 MiB,
     * 30 us or more). OpenMP and ForkJoinPool spin the same way before sleeping.
     */
    static final long SPIN_NANOS = Long.getLong("tensorkit.parallel.spinMicros", 50) * 1000;

    private static final int HELPERS = Integer.getInteger("tensorkit.parallel.helpers",
            Math.min(3, Runtime.getRuntime().availableProcessors() - 1));
    private static final ThreadPoolExecutor POOL = HELPERS <= 0 ? null : pool();

    private ParallelRows() {
    }

    /** A loop body over positions {@code [lo, hi)}; returns the first bad position in it, or -1. */
    @FunctionalInterface
    public interface Range {
        /** Runs the loop over {@code [lo, hi)}; returns the first bad position in it, or -1. */
        long run(int lo, int hi);
    }

    /** How many helper threads share a split loop with the caller (0: loops run on the caller alone). */
    public static int helpers() {
        return Math.max(HELPERS, 0);
    }

    /**
     * Runs {@code body} over {@code [0, count)}: split into chunks of {@code chunk} positions over the caller and
     * the helpers when the loop moves at least {@link #MIN_BYTES} ({@code bytes}, the caller's estimate) and
     * there are helpers, else as one call {@code body.run(0, count)} on the caller. The body must give the same
     * result however the range is cut (positions independent of each other). Returns the least bad position or
     * -1; a body's exception is rethrown on the caller once every claimed chunk is done.
     */
    public static long run(int count, int chunk, long bytes, Range body) {
        if (bytes >= MIN_BYTES && HELPERS > 0 && count > chunk) {
            return run(count, chunk, body);
        }
        return count == 0 ? -1 : body.run(0, count);
    }

    /** Runs {@code body} over {@code [0, count)} in chunks of {@code chunk}; returns the least bad position or -1. */
    private static long run(int count, int chunk, Range body) {
        Job job = new Job(count, chunk, body);
        int helpers = Math.min(HELPERS, job.chunks - 1);
        for (int i = 0; i < helpers; i++) {
            POOL.execute(SPIN_NANOS > 0 ? job::runAndWatch : job);
        }
        job.run();
        job.await();
        return job.firstBad.get() == Long.MAX_VALUE ? -1 : job.firstBad.get();
    }

    private static ThreadPoolExecutor pool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(HELPERS, HELPERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tensorkit-rows-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    private static final class Job implements Runnable {
        final int count;
        final int chunk;
        final int chunks;
        final Range body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicLong firstBad = new AtomicLong(Long.MAX_VALUE);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile Thread waiter;

        Job(int count, int chunk, Range body) {
            this.count = count;
            this.chunk = chunk;
            this.chunks = (int) ((count + (long) chunk - 1) / chunk);
            this.body = body;
        }

        @Override
        public void run() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    int lo = c * chunk;
                    long bad = body.run(lo, (int) Math.min(count, (long) lo + chunk));
                    if (bad >= 0) {
                        firstBad.accumulateAndGet(bad, Math::min);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        Thread w = waiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                }
            }
        }

        /** A helper's run: the job's chunks, then a short watch for the next job (see {@link #SPIN_NANOS}). */
        void runAndWatch() {
            run();
            long end = System.nanoTime() + SPIN_NANOS;
            while (POOL.getQueue().isEmpty() && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }

        /** Waits for the chunks helpers claimed: spins briefly (they are short), then parks. */
        void await() {
            waiter = Thread.currentThread();
            for (int spins = 0; done.get() < chunks; spins++) {
                if (spins < 1000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
