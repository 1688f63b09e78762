package org.tensorkit.core.internal;

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

    private static final int HELPERS = Math.min(64, Integer.getInteger("tensorkit.parallel.helpers",
            Math.min(3, Runtime.getRuntime().availableProcessors() - 1)));
    /** The helper threads, started at the first split loop. */
    private static volatile Helper[] helpers;
    /** Each thread's job, reused by its next split loop (a loop split from inside a job's body gets its own). */
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

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
     * -1; a body's exception is rethrown on the caller once every claimed chunk is done. A split loop allocates
     * nothing: the caller's job is reused, and it reaches the helpers through their mailboxes.
     */
    public static long run(int count, int chunk, long bytes, Range body) {
        if (bytes >= MIN_BYTES && HELPERS > 0 && count > chunk) {
            return run(count, chunk, body);
        }
        return count == 0 ? -1 : body.run(0, count);
    }

    /** Runs {@code body} over {@code [0, count)} in chunks of {@code chunk}; returns the least bad position or -1. */
    private static long run(int count, int chunk, Range body) {
        Job job = JOBS.get();
        if (job.body != null) {
            job = new Job(); // a split loop inside a job's body on the same thread: a job of its own
        }
        job.start(count, chunk, body);
        try {
            Helper[] all = startedHelpers();
            int wanted = Math.min(all.length, job.chunks - 1);
            for (int i = 0; i < all.length && job.published < wanted; i++) {
                if (all[i].mailbox.compareAndSet(null, job)) { // a helper busy with another caller's job is skipped
                    job.publishedTo |= 1L << i;
                    job.published++;
                    LockSupport.unpark(all[i].thread);
                }
            }
            job.run();
            for (int i = 0; i < all.length; i++) {
                if ((job.publishedTo & (1L << i)) != 0 && all[i].mailbox.compareAndSet(job, null)) {
                    job.published--; // taken back before the helper looked: it never sees this job
                }
            }
            return job.await();
        } finally {
            job.body = null; // no helper holds the job any more: the next loop of this thread may reuse it
        }
    }

    private static Helper[] startedHelpers() {
        Helper[] h = helpers;
        if (h == null) {
            synchronized (ParallelRows.class) {
                h = helpers;
                if (h == null) {
                    h = new Helper[HELPERS];
                    for (int i = 0; i < h.length; i++) {
                        h[i] = new Helper(i + 1);
                    }
                    helpers = h;
                }
            }
        }
        return h;
    }

    /** A daemon thread that runs the jobs put in its mailbox, one at a time. */
    private static final class Helper implements Runnable {
        final AtomicReference<Job> mailbox = new AtomicReference<>();
        final Thread thread;

        Helper(int n) {
            thread = new Thread(this, "tensorkit-rows-" + n);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (true) {
                Job job = mailbox.getAndSet(null);
                if (job == null) {
                    idle();
                    continue;
                }
                job.active.incrementAndGet(); // before taken: a caller that sees it taken then waits for active
                job.taken.incrementAndGet();
                try {
                    job.run();
                } finally {
                    if (job.active.decrementAndGet() == 0) {
                        job.wake();
                    }
                }
            }
        }

        /** Watches the mailbox for {@link #SPIN_NANOS} (the next call of a serving loop), then parks. */
        private void idle() {
            long end = System.nanoTime() + SPIN_NANOS;
            while (mailbox.get() == null && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            if (mailbox.get() == null) {
                LockSupport.park(this); // a caller unparks after filling the mailbox (a permit given first is kept)
            }
        }
    }

    /** One split loop: its range, the chunk counter the participants claim from, and how it ended. */
    private static final class Job {
        int count;
        int chunk;
        int chunks;
        volatile Range body;
        /** Helpers whose mailbox got this job (bits), and how many of them may still take or hold it. */
        long publishedTo;
        int published;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger taken = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        final AtomicLong firstBad = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile Thread waiter;

        void start(int count, int chunk, Range body) {
            this.count = count;
            this.chunk = chunk;
            this.chunks = (int) ((count + (long) chunk - 1) / chunk);
            this.publishedTo = 0;
            this.published = 0;
            next.set(0);
            done.set(0);
            taken.set(0);
            active.set(0);
            firstBad.set(Long.MAX_VALUE);
            failure.set(null);
            waiter = Thread.currentThread();
            this.body = body; // last: the volatile write publishes the fields above with it
        }

        /** Claims and runs chunks until none is left. */
        void run() {
            Range b = body;
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    int lo = c * chunk;
                    long bad = b.run(lo, (int) Math.min(count, (long) lo + chunk));
                    if (bad >= 0) {
                        firstBad.accumulateAndGet(bad, Math::min);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        wake();
                    }
                }
            }
        }

        void wake() {
            Thread w = waiter;
            if (w != null && w != Thread.currentThread()) {
                LockSupport.unpark(w);
            }
        }

        /**
         * Waits until every chunk is done and every helper that took the job has left it (spins briefly: chunks
         * are short; then parks), then returns the least bad position or -1, or rethrows a body's exception.
         */
        long await() {
            for (int spins = 0; !finished(); spins++) {
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
            long bad = firstBad.get();
            return bad == Long.MAX_VALUE ? -1 : bad;
        }

        private boolean finished() {
            return done.get() == chunks && taken.get() == published && active.get() == 0;
        }
    }
}
