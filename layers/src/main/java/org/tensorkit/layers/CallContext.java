package org.tensorkit.layers;

import java.util.List;
import java.util.OptionalLong;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorkit.core.internal.StepArena;

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
    private final StepArena arena;
    private long rowOffset;
    private boolean seeded;
    private long seed;
    private Object saved;
    private List<INDArray> inputMasks = List.of();
    private java.util.function.IntFunction<float[]> floatSource;

    private CallContext(boolean training, long rowOffset, boolean seeded, long seed, StepArena arena) {
        if (rowOffset < 0) {
            throw new IllegalArgumentException("rowOffset must be >= 0, got " + rowOffset);
        }
        this.training = training;
        this.rowOffset = rowOffset;
        this.seeded = seeded;
        this.seed = seed;
        this.arena = arena;
    }

    private CallContext(boolean training, long rowOffset) {
        this(training, rowOffset, false, 0, null);
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

    /**
     * A training run whose random layers (Dropout) draw from {@code seed}: the same seed gives the same masks.
     * A training loop passes a seed derived from its own seed, the step and the call, so that a run is
     * reproducible whatever ran before it.
     */
    public static CallContext training(long rowOffset, long seed) {
        return new CallContext(true, rowOffset, true, seed, null);
    }

    /**
     * {@link #training(long, long)} whose {@link #floats} come from a training loop's {@code arena}, reused from
     * step to step: for training loops, which enter the arena at every step and may keep the context for the same
     * node's next step ({@link #nextStep}).
     */
    public static CallContext training(long rowOffset, long seed, StepArena arena) {
        return new CallContext(true, rowOffset, true, seed, java.util.Objects.requireNonNull(arena, "arena"));
    }

    /**
     * This context made ready for the same node's next training step, as {@link #training(long, long, StepArena)}
     * would make it, without a new object: nothing saved, no masks, the new offset and seed.
     *
     * @throws IllegalStateException for a context not made by {@link #training(long, long, StepArena)}
     */
    public CallContext nextStep(long rowOffset, long seed) {
        if (arena == null) {
            throw new IllegalStateException("only a training loop's context (made with a StepArena) is reused");
        }
        if (rowOffset < 0) {
            throw new IllegalArgumentException("rowOffset must be >= 0, got " + rowOffset);
        }
        this.rowOffset = rowOffset;
        this.seed = seed;
        this.saved = null;
        this.inputMasks = List.of();
        return this;
    }

    /**
     * A Java array of at least {@code n} floats for this call's work, its contents undefined, the layer's until
     * the training step ends (what it saves for its backward pass may live in it). In a training loop's step it
     * is the loop's reused arena, so a step allocates no garbage for it; otherwise a new array.
     */
    public float[] floats(int n) {
        return arena != null ? arena.floats(n) : new float[n];
    }

    /** {@link #floats} as a function, made once per context (a reused loop context allocates it once). */
    public java.util.function.IntFunction<float[]> floatSource() {
        if (floatSource == null) {
            floatSource = this::floats;
        }
        return floatSource;
    }

    /** Whether this run trains: random layers are active and layers keep what their backward pass needs. */
    public boolean isTraining() {
        return training;
    }

    /** Index, in the caller's input, of this batch's first row. */
    public long rowOffset() {
        return rowOffset;
    }

    /** The seed of this call's randomness, if the caller chose one (see {@link #training(long, long)}). */
    public OptionalLong seed() {
        return seeded ? OptionalLong.of(seed) : OptionalLong.empty();
    }

    /**
     * The masks of this call's inputs, as a model's forward walk hands them over (Keras's {@code mask} argument):
     * one per input, {@code null} where an input has none. Set by the walk before the layer runs.
     */
    public void setInputMasks(List<INDArray> masks) {
        this.inputMasks = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(masks));
    }

    /**
     * The mask of input {@code i} ({@code true}/non-zero where a step is real, as an {@code Embedding} with
     * {@code mask_zero} makes it: the ids' shape), or {@code null} when it has none.
     */
    public INDArray inputMask(int i) {
        return i < inputMasks.size() ? inputMasks.get(i) : null;
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
