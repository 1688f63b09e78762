package org.tensorkit.vectors;

import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How a {@link PretrainedTable} fills a row that has no pretrained vector: a miss of the vocabulary, the OOV rows or
 * the mask row. Immutable; {@link #toString()} names it as the coverage report prints it.
 */
public final class RowFill {
    enum Kind { ZEROS, UNIFORM, MEAN }

    private final Kind kind;
    private final double low;
    private final double high;
    private final long seed;

    private RowFill(Kind kind, double low, double high, long seed) {
        this.kind = kind;
        this.low = low;
        this.high = high;
        this.seed = seed;
    }

    /** Zeros (the Keras GloVe tutorial's choice for every miss). */
    public static RowFill zeros() {
        return new RowFill(Kind.ZEROS, 0, 0, 0);
    }

    /**
     * Uniform values in {@code [low, high)}, seeded: row {@code r} always gets the same values for a seed, however
     * many other rows miss.
     *
     * @param low the lower bound
     * @param high the upper bound, above {@code low}
     * @param seed the seed
     * @return the fill
     * @throws IllegalArgumentException unless {@code low < high}, both finite
     */
    public static RowFill uniform(double low, double high, long seed) {
        if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
            throw new IllegalArgumentException("uniform fill needs finite low < high, got [" + low + ", " + high + ")");
        }
        return new RowFill(Kind.UNIFORM, low, high, seed);
    }

    /** Keras's Embedding initializer, uniform in [-0.05, 0.05), with {@code seed}. */
    public static RowFill kerasUniform(long seed) {
        return uniform(-0.05, 0.05, seed);
    }

    /** The mean of the pretrained rows found (zeros when none was found). */
    public static RowFill meanOfHits() {
        return new RowFill(Kind.MEAN, 0, 0, 0);
    }

    Kind kind() {
        return kind;
    }

    /** Writes row {@code row}'s values into {@code out}; {@code mean} is the mean of the hits. */
    void fill(long row, float[] out, float[] mean) {
        switch (kind) {
            case ZEROS -> java.util.Arrays.fill(out, 0f);
            case MEAN -> System.arraycopy(mean, 0, out, 0, out.length);
            case UNIFORM -> {
                SplittableRandom rng = new SplittableRandom(seed ^ (row * 0x9E3779B97F4A7C15L));
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (low + (high - low) * rng.nextDouble());
                }
            }
            default -> throw new AssertionError(kind);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowFill f && f.kind == kind && f.low == low && f.high == high && f.seed == seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, low, high, seed);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ZEROS -> "zeros";
            case MEAN -> "the mean of the hits";
            case UNIFORM -> String.format(Locale.ROOT, "uniform [%s, %s) seed %d", low, high, seed);
        };
    }
}
