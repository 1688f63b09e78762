package org.tensorkit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.tensorkit.core.Tensor;
import org.tensorkit.examples.movielens.MovieLensRecommender;
import org.tensorkit.models.Model;
import org.tensorkit.models.losses.Losses;
import org.tensorkit.models.optimizers.Adam;

/**
 * The PyTorch comparison's workload as a plain program, one process per measurement, so that
 * {@code pytorch-compare.sh} can read its peak RSS with {@code /usr/bin/time -v} beside PyTorch's
 * ({@code pytorch_anchor.py} runs the same workload): two {@code Embedding(100000, 64)} tables from
 * U(-0.05, 0.05), dot product, MSE, Adam (lr 1e-3), ids cycling over 64 batches and targets cycling over 65
 * sets (the loss never reaches zero). Prints one line: {@code tensorkit batch=B steps=S ms_per_step=...}.
 *
 * <p>Usage: {@code AnchorRun BATCH WARMUP_STEPS MEASURED_STEPS}.
 */
public final class AnchorRun {
    private AnchorRun() {
    }

    /** Runs the workload and prints the mean time of the measured steps. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: AnchorRun BATCH WARMUP_STEPS MEASURED_STEPS");
            System.exit(2);
        }
        int batch = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        int rows = 100_000;
        SplittableRandom rng = new SplittableRandom(42);
        List<List<Tensor>> inputs = new ArrayList<>();
        for (int b = 0; b < 64; b++) {
            inputs.add(List.of(Tensor.of(rng.ints(batch, 0, rows).toArray()),
                    Tensor.of(rng.ints(batch, 0, rows).toArray())));
        }
        Tensor[] targets = new Tensor[65];
        for (int t = 0; t < targets.length; t++) {
            float[] y = new float[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = (float) rng.nextDouble(-0.01, 0.01);
            }
            targets[t] = Tensor.of(y);
        }
        Model model = MovieLensRecommender.dotModel(rows - 1, rows - 1, 42);
        model.compile(Adam.create(), Losses.mse());
        double loss = 0;
        long start = 0;
        for (int k = 0; k < warmup + measured; k++) {
            if (k == warmup) {
                start = System.nanoTime();
            }
            loss = model.trainOnBatch(inputs.get(k % 64), targets[k % 65]);
        }
        double ms = (System.nanoTime() - start) / 1e6 / measured;
        System.out.printf(Locale.ROOT, "tensorkit batch=%d steps=%d ms_per_step=%.4f last_loss=%.3g%n", batch,
                measured, ms, loss);
    }
}
