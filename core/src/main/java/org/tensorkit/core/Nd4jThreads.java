package org.tensorkit.core;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps ND4J's small ops on one thread.
 *
 * <p>ND4J runs ops on a pool of one thread per core (an OpenMP team). An op split over that team ends at a
 * barrier; when another process keeps a core busy, the barrier waits for a descheduled thread, and even a
 * microsecond op then takes milliseconds (a time slice). ND4J splits an elementwise op once it has
 * {@link Environment#elementwiseThreshold()} elements (default 1024) and a reduction along an axis once it
 * has {@link Environment#tadThreshold()} sub-arrays (default 1): far too small for that risk, so tensorkit
 * raises them to {@value #ELEMENTWISE_THRESHOLD} elements and {@value #TAD_THRESHOLD} sub-arrays: such ops take
 * tens of microseconds on one thread, and a split saves little of that while risking milliseconds (measured in
 * the benchmarks module's {@code Nd4jThreadsBenchmark}).
 *
 * <p>Measured (2026-11-24, loaded machine, see benchmarks/results/summary.md): on a 16,384-element
 * {@code addi} these thresholds cut ND4J's defaults from 3.5 ms to 0.6 ms (idle other core) and from 12.5 ms to
 * 2.2 ms (busy other core), but {@code maxThreads = 1} gave 22 us and 0.2 ms: in ND4J 1.0.0-M2.1 the thresholds
 * alone do not keep such an op off the thread pool. Open question for the lead: set max(Master)Threads to 1 for
 * tensorkit's process-wide default (costs large ops their second core).
 *
 * <p>{@link #configure()} runs once, from {@link Tensor}'s class initialization (every tensorkit call goes
 * through a Tensor), unless the system property {@code tensorkit.nd4j.threads} is {@code keep}, which leaves
 * ND4J's settings to the application. Large ops still use every core.
 */
public final class Nd4jThreads {
    /** Elementwise ops with fewer elements than this run on the calling thread. */
    public static final int ELEMENTWISE_THRESHOLD = 262_144;
    /** Reductions along an axis over fewer sub-arrays than this run on the calling thread. */
    public static final int TAD_THRESHOLD = 256;

    private static volatile boolean configured;

    private Nd4jThreads() {
    }

    /** Applies tensorkit's thresholds once (idempotent, thread-safe). */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (Nd4jThreads.class) {
            if (!configured) {
                if (!"keep".equals(System.getProperty("tensorkit.nd4j.threads"))) {
                    apply(Nd4j.getEnvironment());
                }
                configured = true;
            }
        }
    }

    /** Applies tensorkit's thresholds to {@code env} (never lowers one the application raised). */
    public static void apply(Environment env) {
        env.setElementwiseThreshold(Math.max(env.elementwiseThreshold(), ELEMENTWISE_THRESHOLD));
        env.setTadThreshold(Math.max(env.tadThreshold(), TAD_THRESHOLD));
    }
}
