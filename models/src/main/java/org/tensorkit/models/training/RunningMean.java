package org.tensorkit.models.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code Mean} metric state: the mean of every value seen since the last {@link #reset()}, so that an
 * epoch's logged value weighs each sample once, whatever the batch sizes. Sums in float64.
 */
public final class RunningMean {
    private double total;
    private long count;

    /** Adds every value of {@code values}. */
    public void update(INDArray values) {
        total += values.castTo(DataType.DOUBLE).sumNumber().doubleValue();
        count += values.length();
    }

    /** Adds {@code value} with weight {@code samples} (a batch's mean loss over its samples). */
    public void update(double value, long samples) {
        total += value * samples;
        count += samples;
    }

    /** The mean so far; 0 before any value, as Keras's {@code Mean} (a divide-no-nan). */
    public double result() {
        return count == 0 ? 0 : total / count;
    }

    /** The number of values seen since the last reset. */
    public long count() {
        return count;
    }

    /** Forgets every value seen. */
    public void reset() {
        total = 0;
        count = 0;
    }
}
