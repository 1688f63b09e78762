package org.tensorkit.vectors;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

import org.tensorkit.core.internal.ProgressText;

/**
 * A read's progress in the style of {@code fit}'s bar, redrawn in place on a terminal:
 * {@code 123.4/339.0 MB [=========>....................] - 145,000 vectors - 110.2 MB/s - ETA: 2s}.
 * Nothing is drawn during the first two seconds, so that short reads stay silent.
 */
final class ProgressLine {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final PrintStream out;
    private final long total;
    private final boolean enabled;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private long last = Long.MIN_VALUE;
    private int previousWidth;
    private boolean drawn;

    ProgressLine(PrintStream out, long total, Progress mode, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.total = total;
        this.enabled = mode == Progress.ALWAYS || (mode == Progress.AUTO && terminal);
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    void update(long bytes, long vectors) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - start < QUIET_NANOS || (last != Long.MIN_VALUE && now - last < INTERVAL_NANOS)) {
            return;
        }
        last = now;
        draw(text(bytes, vectors, now, false), false);
    }

    void finish(long bytes, long vectors) {
        if (drawn) {
            draw(text(bytes, vectors, clock.getAsLong(), true), true);
        }
    }

    String text(long bytes, long vectors, long now, boolean done) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = bytes / seconds;
        String head = String.format(Locale.ROOT, "%.1f/%.1f MB %s - %,d vectors - %.1f MB/s", bytes / 1e6,
                total / 1e6, ProgressText.bar(total == 0 ? 1 : (double) bytes / total, 30, done), vectors, rate / 1e6);
        return done ? head + String.format(Locale.ROOT, " - %.0fs", seconds)
                : head + " - ETA: " + ProgressText.eta(rate == 0 ? 0 : (total - bytes) / rate);
    }

    private void draw(String text, boolean end) {
        drawn = true;
        if (terminal) {
            StringBuilder line = new StringBuilder("\r").append(text);
            for (int i = text.length(); i < previousWidth; i++) {
                line.append(' ');
            }
            previousWidth = text.length();
            out.print(line);
            if (end) {
                out.println();
            }
        } else {
            out.println(text);
        }
        out.flush();
    }
}
