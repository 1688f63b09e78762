package org.tensorkit.models.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tensorkit.models.training.Verbosity;

/** Keras's Progbar text, golden, with a fake clock. */
class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private static Map<String, Double> logs(double loss, Double valLoss) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        logs.put("mae", 0.00012345);
        if (valLoss != null) {
            logs.put("val_loss", valLoss);
        }
        return logs;
    }

    @Test
    void terminalBarRedrawsInPlaceThenFinishes() {
        ProgressBar bar = new ProgressBar(out, Verbosity.PROGRESS_BAR, true, () -> now);
        bar.epochStart(0, 10, 1125);
        now = 600_000L; // 0.6 ms
        bar.update(1, logs(3.25, null));
        now += 10_000_000L; // within 50 ms of the last draw: nothing
        assertEquals(false, bar.wantsUpdate(2));
        now = 375 * 600_000L;
        bar.update(375, logs(0.98765, null));
        now = 1125 * 621_000L; // 0.699 s
        bar.epochEnd(logs(0.7346, 0.7626));
        assertEquals("Epoch 1/10\n"
                + "\r   1/1125 [..............................] - ETA: 0s - loss: 3.2500 - mae: 1.2345e-04"
                + "\r 375/1125 [=========>....................] - ETA: 0s - loss: 0.9877 - mae: 1.2345e-04"
                + "\r1125/1125 [==============================] - 1s 621us/step - loss: 0.7346 - mae: 1.2345e-04"
                + " - val_loss: 0.7626\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void perEpochLine() {
        ProgressBar bar = new ProgressBar(out, Verbosity.PER_EPOCH, true, () -> now);
        bar.epochStart(1, 2, 40);
        now = 2_600_000_000L;
        bar.update(1, logs(1, null)); // verbose 2 draws nothing while running
        bar.epochEnd(logs(0.5, 0.25));
        assertEquals("Epoch 2/2\n40/40 - 3s - loss: 0.5000 - mae: 1.2345e-04 - val_loss: 0.2500\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void silentWritesNothing() {
        ProgressBar bar = new ProgressBar(out, Verbosity.SILENT, true, () -> now);
        bar.epochStart(0, 1, 3);
        bar.update(1, logs(1, null));
        bar.epochEnd(logs(1, null));
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void kerasNumberAndTimeFormats() {
        assertEquals("621us/step", ProgressBar.perStep(0.000621));
        assertEquals("2ms/step", ProgressBar.perStep(0.0016));
        assertEquals("3s/step", ProgressBar.perStep(2.6));
        assertEquals("0s/step", ProgressBar.perStep(0));
        assertEquals("59s", ProgressBar.eta(59.9));
        assertEquals("1:05", ProgressBar.eta(65.2));
        assertEquals("1:00:01", ProgressBar.eta(3601));
        assertEquals("0.0010", ProgressBar.number(0.00101, true));
        assertEquals("-1.0000e-04", ProgressBar.number(-0.0001, true));
        assertEquals("-5.0000", ProgressBar.number(-5, true));
        assertEquals("-5.0000e+00", ProgressBar.number(-5, false)); // Keras's verbose 2 tests avg > 1e-3
        assertEquals(Verbosity.PROGRESS_BAR, ProgressBar.resolve(Verbosity.AUTO, true));
        assertEquals(Verbosity.PER_EPOCH, ProgressBar.resolve(Verbosity.AUTO, false));
    }
}
