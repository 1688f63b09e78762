package org.tensorkit.core.testing;

/** Reference scores in double precision, the brute-force side of nearest-neighbour tests. */
public final class Similarity {
    private Similarity() {
    }

    /** The dot product of {@code a} and {@code b}. */
    public static double dot(float[] a, float[] b) {
        double dot = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
        }
        return dot;
    }

    /** The cosine similarity of {@code a} and {@code b}; 0 when either is a zero vector. */
    public static double cosine(float[] a, float[] b) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        return na == 0 || nb == 0 ? 0 : dot(a, b) / na / nb;
    }
}
