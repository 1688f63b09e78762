package org.tensorkit.core.neighbours;

/**
 * The best {@code k} (score, row) pairs seen: a binary heap whose root is the worst kept pair (lowest score; among
 * equal scores the larger row; NaN below every number), so a new pair costs one comparison unless it enters.
 */
final class TopK {
    private final float[] scores;
    private final int[] rows;
    private int size;
    private boolean sorted;

    TopK(int k) {
        this.scores = new float[k];
        this.rows = new int[k];
    }

    boolean full() {
        return size == scores.length;
    }

    /** Whether {@code s} (of a row larger than every kept row) would enter a full heap. */
    boolean beats(float s) {
        float root = scores[0];
        return Float.isNaN(root) ? !Float.isNaN(s) : s > root;
    }

    /** Whether pair a is worse than pair b. */
    private static boolean worse(float sa, int ra, float sb, int rb) {
        boolean na = Float.isNaN(sa);
        boolean nb = Float.isNaN(sb);
        if (na != nb) {
            return na;
        }
        if (na || sa == sb) {
            return ra > rb;
        }
        return sa < sb;
    }

    void offer(float s, int row) {
        if (size < scores.length) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(s, row, scores[parent], rows[parent])) {
                    break;
                }
                scores[i] = scores[parent];
                rows[i] = rows[parent];
                i = parent;
            }
            scores[i] = s;
            rows[i] = row;
            return;
        }
        siftDown(s, row);
    }

    /** The kept rows, best first. */
    int[] sortedIds() {
        sort();
        return java.util.Arrays.copyOf(rows, size);
    }

    /** The kept scores, best first (after {@link #sortedIds}). */
    float[] sortedScores() {
        return java.util.Arrays.copyOf(scores, size);
    }

    private void sort() {
        if (sorted) {
            return;
        }
        // heap sort in place: repeatedly move the worst to the end, which leaves best first
        int n = size;
        for (int end = n - 1; end > 0; end--) {
            float s = scores[end];
            int r = rows[end];
            scores[end] = scores[0];
            rows[end] = rows[0];
            size = end;
            siftDown(s, r);
        }
        size = n;      // the worst went to the end first: the array is now best first
        sorted = true;
    }

    private void siftDown(float s, int row) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && worse(scores[child + 1], rows[child + 1], scores[child], rows[child])) {
                child++;
            }
            if (!worse(scores[child], rows[child], s, row)) {
                break;
            }
            scores[i] = scores[child];
            rows[i] = rows[child];
            i = child;
        }
        scores[i] = s;
        rows[i] = row;
    }
}
