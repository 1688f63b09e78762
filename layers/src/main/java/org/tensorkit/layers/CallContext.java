package org.tensorkit.layers;

/**
 * One run of a layer on concrete arrays. It says whether the run trains (dropout on, state kept for
 * {@link Layer#backward}), where the current batch starts in the caller's data (so errors point at the user's
 * row, not the row within a batch of 32), and holds what the forward pass saves for the backward pass.
 *
 * <p>Contexts are per call and per thread: layers keep no per-call state in fields, which is what lets many
 * threads predict through one model at once.
 */
public final class CallContext {
    private final boolean training;
    private final long rowOffset;
    private Object saved;

    private CallContext(boolean training, long rowOffset) {
        if (rowOffset < 0) {
            throw new IllegalArgumentException("rowOffset must be >= 0, got " + rowOffset);
        }
        this.training = training;
        this.rowOffset = rowOffset;
    }

    /** An inference run (no dropout, nothing saved for backward). */
    public static CallContext inference() {
        return new CallContext(false, 0);
    }

    /** An inference run over a batch that starts at row {@code rowOffset} of the caller's input. */
    public static CallContext inference(long rowOffset) {
        return new CallContext(false, rowOffset);
    }

    /** A training run over a batch that starts at row {@code rowOffset} of the caller's input. */
    public static CallContext training(long rowOffset) {
        return new CallContext(true, rowOffset);
    }

    public boolean isTraining() {
        return training;
    }

    /** Index, in the caller's input, of this batch's first row. */
    public long rowOffset() {
        return rowOffset;
    }

    /** Keeps what the backward pass of this call will need. */
    public void save(Object state) {
        this.saved = state;
    }

    /** What {@link #save} kept, or throws if the forward pass did not run in training mode. */
    public <T> T saved(Class<T> type) {
        if (saved == null) {
            throw new IllegalStateException("backward needs a forward pass run with CallContext.training(...)");
        }
        return type.cast(saved);
    }
}
