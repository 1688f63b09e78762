package org.tensorkit.models;

import java.util.Random;

/** Seeded data that several test classes of this package train on. */
final class TestData {
    private TestData() {
    }

    /** {@code n} ids drawn uniformly from {@code [0, vocabulary)} by a generator seeded with {@code seed}. */
    static int[] ids(int n, int vocabulary, long seed) {
        Random rng = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(vocabulary);
        }
        return ids;
    }
}
