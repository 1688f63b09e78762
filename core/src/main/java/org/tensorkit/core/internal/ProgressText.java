package org.tensorkit.core.internal;

import java.util.Locale;

/**
 * The pieces of Keras's {@code Progbar} text that tensorkit's progress lines share ({@code fit}'s bar, the vector
 * readers' byte counter): the bar itself and the time left.
 */
public final class ProgressText {
    private ProgressText() {
    }

    /**
     * {@code [=========>....................]}: {@code width} cells, a {@code >} at the head until done.
     *
     * @param fraction the part done, in [0, 1]
     * @param width the number of cells
     * @param done whether the work is finished (the head is then {@code =})
     * @return the bar with its brackets
     */
    public static String bar(double fraction, int width, boolean done) {
        StringBuilder b = new StringBuilder("[");
        int filled = (int) (width * Math.max(0, Math.min(1, fraction)));
        if (filled > 0) {
            b.append("=".repeat(filled - 1)).append(done ? '=' : '>');
        }
        return b.append(".".repeat(width - filled)).append(']').toString();
    }

    /**
     * Keras's ETA: {@code 12s}, {@code 2:05} beyond a minute, {@code 1:02:05} beyond an hour.
     *
     * @param seconds the time left
     * @return its text
     */
    public static String eta(double seconds) {
        long s = (long) seconds;
        if (seconds > 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (seconds > 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }
}
