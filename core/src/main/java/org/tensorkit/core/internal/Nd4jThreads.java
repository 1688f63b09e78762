package org.tensorkit.core.internal;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ND4J's ops on the calling thread: tensorkit's default is ND4J {@code maxThreads = 1} and
 * {@code maxMasterThreads = 1}.
 *
 * <p>Why: ND4J runs ops on a pool of one thread per core (an OpenMP team). An op split over that team ends at a
 * barrier; when another process keeps a core busy, the barrier waits for a descheduled thread, and even a
 * microsecond op then takes milliseconds (a time slice). Raising ND4J's split thresholds
 * ({@link Environment#elementwiseThreshold()}, default 1024 elements; {@link Environment#tadThreshold()}, default
 * 1 sub-array) is not enough in ND4J 1.0.0-M2.1: measured in the benchmarks module's
 * {@code Nd4jThreadsBenchmark} (2026-11-24, loaded 2-core machine), a 16,384-element {@code addi} took 3.5 ms with
 * ND4J's defaults, 0.6 ms with raised thresholds and 22 us with {@code maxThreads = 1} (idle other core); 12.5 ms,
 * 2.2 ms and 0.2 ms with the other core busy. tensorkit's own hot paths (the row gather behind Embedding and
 * {@code take}) parallelize in Java ({@code ParallelRows}), where a call never waits for a descheduled helper, so
 * they keep both cores; what one thread costs is the second core for ND4J's own large ops (a large matrix
 * product or elementwise op), measured by the same benchmark's large size.
 *
 * <p>The system property {@code tensorkit.nd4j.threads} chooses:
 * <ul>
 *   <li>unset (default): one thread for ND4J's ops (and the raised thresholds, which then change nothing);</li>
 *   <li>{@code keep}: leave ND4J's settings to the application;</li>
 *   <li>a number N &gt;= 1: ND4J uses N threads, and tensorkit raises the split thresholds to
 *       {@value #ELEMENTWISE_THRESHOLD} elements and {@value #TAD_THRESHOLD} sub-arrays so that small ops stay
 *       on one thread as far as ND4J allows.</li>
 * </ul>
 * Any other value is logged as a warning and the default applies.
 *
 * <p>Note: in ND4J 1.0.0-M2.1, {@code Environment.maxThreads()} still reports the core count after
 * {@code setMaxThreads(1)}; {@code maxMasterThreads()} reports 1. Setting both is what the benchmark measures.
 *
 * <p>{@link #configure()} applies the setting once per process. tensorkit calls it explicitly where its work
 * starts: when the first layer is created (every model, predict and fit runs layers). Loading {@code Tensor} or
 * using its operations alone changes nothing. The setting is process-wide ND4J state: an application that uses
 * ND4J directly and wants its own settings sets {@code -Dtensorkit.nd4j.threads=keep}.
 */
public final class Nd4jThreads {
    /** With more than one ND4J thread: elementwise ops with fewer elements than this run on the calling thread. */
    public static final int ELEMENTWISE_THRESHOLD = 262_144;
    /** With more than one ND4J thread: reductions along an axis over fewer sub-arrays run on the calling thread. */
    public static final int TAD_THRESHOLD = 256;
    /** The system property that chooses ND4J's threads. */
    public static final String PROPERTY = "tensorkit.nd4j.threads";

    private static final Logger LOG = LoggerFactory.getLogger(Nd4jThreads.class);
    private static volatile boolean configured;

    private Nd4jThreads() {
    }

    /** Applies the setting of {@value #PROPERTY} once (idempotent, thread-safe). */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (Nd4jThreads.class) {
            if (!configured) {
                configure(System.getProperty(PROPERTY), Nd4j.getEnvironment());
                configured = true;
            }
        }
    }

    /** Whether {@link #configure()} has run in this process. */
    public static boolean isConfigured() {
        return configured;
    }

    /**
     * Applies a value of {@value #PROPERTY} ({@code null} when unset) to {@code env}: what {@link #configure()}
     * does once with the system property and ND4J's environment. Returns the thread count it set, 0 for
     * {@code keep}.
     */
    static int configure(String property, Environment env) {
        int threads = threads(property);
        if (threads > 0) {
            apply(env, threads);
        }
        return threads;
    }

    /**
     * The ND4J thread count a value of {@value #PROPERTY} asks for: 1 for null (the default), 0 for
     * {@code keep} (leave ND4J alone), N for a number N &gt;= 1; anything else logs a warning and gives 1.
     */
    static int threads(String property) {
        if (property == null) {
            return 1;
        }
        String v = property.trim();
        if (v.equals("keep")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        LOG.warn("{}={} is neither 'keep' nor a thread count >= 1; using 1 thread for ND4J's ops", PROPERTY,
                property);
        return 1;
    }

    /** tensorkit's default: one ND4J thread. */
    public static void apply(Environment env) {
        apply(env, 1);
    }

    /**
     * Sets ND4J's {@code maxThreads} and {@code maxMasterThreads} to {@code threads} and raises its split
     * thresholds to tensorkit's (never lowers one the application raised).
     */
    public static void apply(Environment env, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        env.setMaxThreads(threads);
        env.setMaxMasterThreads(threads);
        env.setElementwiseThreshold(Math.max(env.elementwiseThreshold(), ELEMENTWISE_THRESHOLD));
        env.setTadThreshold(Math.max(env.tadThreshold(), TAD_THRESHOLD));
    }
}
