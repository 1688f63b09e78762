package org.tensorkit.core.internal;

/** Seed arithmetic shared by the random layers and the training loop. */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64's finalizer over two values: nearby inputs give unrelated seeds. */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
