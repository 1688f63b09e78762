package org.tensorkit.models.training;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.tensorkit.core.internal.ProgressText;

/**
 * Keras's {@code Progbar} as {@code fit} drives it (tf.keras 2.3 formats):
 * <pre>
 * Epoch 1/10
 * 1125/1125 [==============================] - 1s 621us/step - loss: 0.7346 - val_loss: 0.7626     (verbose 1)
 * 1125/1125 - 1s - loss: 0.7346 - val_loss: 0.7626                                                 (verbose 2)
 * </pre>
 * With verbose 1 on a terminal, the bar is redrawn in place ({@code \r}, padded over the previous text) at
 * most every 50 ms with {@code - ETA: 12s} and the running values; elsewhere only the epoch's final line is
 * written. Values print as {@code %.4f}, or {@code %.4e} when small, as Keras prints them.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long INTERVAL_NANOS = 50_000_000L;

    private final PrintStream out;
    private final Verbosity verbosity;
    private final boolean dynamic;
    private final LongSupplier clock;
    private int steps;
    private long start;
    private long lastUpdate;
    private int previousWidth;

    /** @param verbosity already resolved: not {@link Verbosity#AUTO} */
    ProgressBar(PrintStream out, Verbosity verbosity, boolean terminal, LongSupplier clock) {
        if (verbosity == Verbosity.AUTO) {
            throw new IllegalArgumentException("resolve AUTO first");
        }
        this.out = out;
        this.verbosity = verbosity;
        this.dynamic = terminal && verbosity == Verbosity.PROGRESS_BAR;
        this.clock = clock;
    }

    /** {@link Verbosity#AUTO} resolved: a bar on a terminal, lines elsewhere. */
    static Verbosity resolve(Verbosity v, boolean terminal) {
        return v != Verbosity.AUTO ? v : terminal ? Verbosity.PROGRESS_BAR : Verbosity.PER_EPOCH;
    }

    void epochStart(int epoch, int epochs, int steps) {
        this.steps = steps;
        this.start = clock.getAsLong();
        this.lastUpdate = Long.MIN_VALUE;
        this.previousWidth = 0;
        if (verbosity != Verbosity.SILENT) {
            out.println("Epoch " + (epoch + 1) + "/" + epochs);
            out.flush();
        }
    }

    /** Whether {@link #update} would draw now: lets the caller skip computing the logs. */
    boolean wantsUpdate(int step) {
        return dynamic && step < steps
                && (lastUpdate == Long.MIN_VALUE || clock.getAsLong() - lastUpdate >= INTERVAL_NANOS);
    }

    /**
     * Redraws the bar after step {@code step} (1-based) of the epoch with the running values; call it when
     * {@link #wantsUpdate} says so.
     */
    void update(int step, Map<String, Double> logs) {
        if (!dynamic || step >= steps) {
            return;
        }
        long now = clock.getAsLong();
        lastUpdate = now;
        double perStep = (now - start) / 1e9 / step;
        String text = bar(step) + " - ETA: " + eta(perStep * (steps - step)) + values(logs, true);
        int width = text.length();
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = width; i < previousWidth; i++) {
            line.append(' ');
        }
        previousWidth = width;
        out.print(line);
        out.flush();
    }

    /** The epoch's last line, with the final training values and any validation values. */
    void epochEnd(Map<String, Double> logs) {
        if (verbosity == Verbosity.SILENT) {
            return;
        }
        long now = clock.getAsLong();
        double elapsed = (now - start) / 1e9;
        String seconds = String.format(Locale.ROOT, " - %.0fs", elapsed);
        String text;
        if (verbosity == Verbosity.PROGRESS_BAR) {
            double perStep = steps == 0 ? 0 : elapsed / steps;
            text = bar(steps) + seconds + " " + perStep(perStep) + values(logs, true);
        } else {
            text = counter(steps) + seconds + values(logs, false);
        }
        StringBuilder line = new StringBuilder();
        if (dynamic) {
            line.append('\r').append(text);
            for (int i = text.length(); i < previousWidth; i++) {
                line.append(' ');
            }
        } else {
            line.append(text);
        }
        out.println(line);
        out.flush();
    }

    private String counter(int current) {
        int digits = Integer.toString(steps).length();
        return String.format(Locale.ROOT, "%" + digits + "d/%d", current, steps);
    }

    /** {@code  375/1125 [=========>....................]} */
    String bar(int current) {
        double fraction = steps == 0 ? 1 : (double) current / steps;
        return counter(current) + " " + ProgressText.bar(fraction, WIDTH, current >= steps);
    }

    /** Keras's step time: whole seconds, milliseconds or microseconds per step. */
    static String perStep(double seconds) {
        if (seconds >= 1 || seconds == 0) {
            return String.format(Locale.ROOT, "%.0fs/step", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
    }

    static String eta(double seconds) {
        return ProgressText.eta(seconds);
    }

    /** {@code  - loss: 0.7346 - mse: 0.9000}; Keras's verbose 2 compares the value itself (not its size). */
    static String values(Map<String, Double> logs, boolean absolute) {
        StringBuilder b = new StringBuilder();
        logs.forEach((k, v) -> b.append(" - ").append(k).append(": ").append(number(v, absolute)));
        return b.toString();
    }

    static String number(double v, boolean absolute) {
        double size = absolute ? Math.abs(v) : v;
        return size > 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.4e", v);
    }
}
