package org.tensorkit.core.internal;

import java.util.Arrays;

/**
 * Java arrays a training loop hands out again at every step: the k-th request of a step gets the same array as
 * the k-th request of the previous step (grown when it must be), so a step that asks for the same sizes in the same
 * order, as every step of one graph does, allocates nothing after the first. {@link #reset()} starts a step. An
 * array is the caller's until the next reset. Not thread-safe: one per training loop.
 */
public final class ScratchArrays {
    private float[][] floats = new float[8][];
    private int next;

    /** Starts a step: the next request gets the first array again. */
    public void reset() {
        next = 0;
    }

    /** An array of at least {@code n} floats (its contents are whatever the last step left). */
    public float[] floats(int n) {
        if (next == floats.length) {
            floats = Arrays.copyOf(floats, 2 * floats.length);
        }
        float[] a = floats[next];
        if (a == null || a.length < n) {
            a = new float[n];
            floats[next] = a;
        }
        next++;
        return a;
    }
}
