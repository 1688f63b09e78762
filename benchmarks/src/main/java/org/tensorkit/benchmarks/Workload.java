package org.tensorkit.benchmarks;

import java.util.SplittableRandom;

/**
 * The lookup workloads of the embedding benchmarks: a float32 table of {@code v x d}, int ids of {@code b x l},
 * output {@code b x l x d}. Tables and ids are random with fixed seeds, so every benchmark of a run (and every
 * run) looks up the same rows.
 */
public enum Workload {
    /** The notebook: per-call overhead. */
    TINY(10, 4, 4, 1),
    MEDIUM(100_000, 64, 4_096, 1),
    SEQUENCE(50_000, 128, 256, 50),
    /** Random ids over a 512 MiB table: nearly every row misses the caches. */
    LARGE(2_000_000, 64, 65_536, 1);

    public final int v;
    public final int d;
    public final int b;
    public final int l;

    Workload(int v, int d, int b, int l) {
        this.v = v;
        this.d = d;
        this.b = b;
        this.l = l;
    }

    /** Case-insensitive, as JMH passes {@code @Param} values. */
    public static Workload of(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public int ids() {
        return b * l;
    }

    /** The table in row-major order, uniform in [-1, 1). */
    public float[] table() {
        float[] t = new float[Math.multiplyExact(v, d)];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t;
    }

    /** {@code b * l} ids uniform in [0, v), row-major. */
    public int[] idValues() {
        int[] ids = new int[ids()];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(v);
        }
        return ids;
    }
}
