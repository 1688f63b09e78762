package org.tensorkit.core.internal;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a training loop hands out again at every step, so that a step after the first allocates neither native
 * memory nor Java garbage for its arrays: the k-th request of a step gets the k-th object of the previous step when
 * it asks for the same kind and size, as every step of one graph does (a batch of another size makes new ones, kept
 * for the steps after it).
 *
 * <ul>
 *   <li>Java work arrays ({@link #floats}), asked for directly.</li>
 *   <li>Output arrays: while the arena is {@link #enter entered} on a thread, {@link OutputBuffers#uninitialized}
 *       on that thread hands out the arena's arrays. The arena owns them: {@link OutputBuffers#release} of one is a
 *       no-op, it goes back to the pool only when the arena makes another in its place or is {@link #close closed}
 *       (or, if the loop is dropped, when the garbage collector finds it dead).</li>
 *   <li>Reshaped views ({@link NdArrays#reshape}): the k-th reshape of a step returns the previous step's k-th view
 *       when it is to the same shape and dtype, pointed at the buffer of this step's array (so the views of a loop
 *       cycling over its batches allocate nothing either).</li>
 * </ul>
 *
 * <p>Whatever the arena hands out is the caller's until the next {@link #enter}: nothing made inside a step may
 * outlive it (a training step keeps only numbers). Not thread-safe: one per training loop, entered on its thread.
 */
public final class StepArena implements AutoCloseable {
    private static final ThreadLocal<StepArena> CURRENT = new ThreadLocal<>();

    private float[][] floats = new float[8][];
    private INDArray[] outputs = new INDArray[16];
    private INDArray[] views = new INDArray[16];
    private INDArray[] viewSources = new INDArray[16];
    private int nextFloats;
    private int nextOutput;
    private int nextView;

    /**
     * Starts a step on this thread: the next requests get the first objects again, and outputs made on this thread
     * come from this arena until {@link #exit}.
     *
     * @throws IllegalStateException if an arena is already entered on this thread
     */
    public void enter() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a step arena is already entered on this thread");
        }
        nextFloats = 0;
        nextOutput = 0;
        nextView = 0;
        CURRENT.set(this);
    }

    /** Ends the part of the step whose outputs come from this arena (what it handed out stays valid). */
    public void exit() {
        if (CURRENT.get() == this) {
            CURRENT.set(null); // keeps the thread's map entry: the next enter allocates nothing
        }
    }

    /** The arena entered on this thread, or {@code null}. */
    static StepArena current() {
        return CURRENT.get();
    }

    /** An array of at least {@code n} floats (its contents are whatever the last step left). */
    public float[] floats(int n) {
        if (nextFloats == floats.length) {
            floats = Arrays.copyOf(floats, 2 * floats.length);
        }
        float[] a = floats[nextFloats];
        if (a == null || a.length < n) {
            a = new float[n];
            floats[nextFloats] = a;
        }
        nextFloats++;
        return a;
    }

    /** The step's next output array: the previous step's when it has this dtype and shape, else a new one. */
    INDArray output(DataType type, long[] shape) {
        if (nextOutput == outputs.length) {
            outputs = Arrays.copyOf(outputs, 2 * outputs.length);
        }
        INDArray a = outputs[nextOutput];
        if (a == null || a.dataType() != type || !Arrays.equals(a.shape(), shape)) {
            if (a != null) {
                OutputBuffers.unpin(a);
            }
            a = OutputBuffers.pinned(type, shape);
            outputs[nextOutput] = a;
        }
        nextOutput++;
        return a;
    }

    /**
     * The step's next reshaped view: the previous step's when it has this dtype and shape, over {@code source}'s
     * buffer ({@code source} is dense and of the shape's length).
     */
    INDArray view(INDArray source, long[] shape) {
        if (nextView == views.length) {
            views = Arrays.copyOf(views, 2 * views.length);
            viewSources = Arrays.copyOf(viewSources, 2 * viewSources.length);
        }
        INDArray v = views[nextView];
        if (v == null || v.dataType() != source.dataType() || !Arrays.equals(v.shape(), shape)) {
            v = NdArrays.over(source.data(), source.dataType(), shape);
            views[nextView] = v;
            viewSources[nextView] = source;
        } else if (viewSources[nextView] != source) {
            // another dense array of the same dtype and length (the next of a user's id batches): the same view,
            // over its buffer (ND4J's setData only repoints the view; shape and strides stay as they are)
            v.setData(source.data());
            viewSources[nextView] = source;
        }
        nextView++;
        return v;
    }

    /** Whether {@code array} is one of this arena's outputs or a view of one (its memory is the arena's). */
    public boolean owns(INDArray array) {
        org.nd4j.linalg.api.buffer.DataBuffer root = NdArrays.root(array.data());
        for (INDArray a : outputs) {
            if (a == null) {
                break;
            }
            if (NdArrays.root(a.data()) == root) {
                return true;
            }
        }
        return false;
    }

    /** Gives the arena's output arrays back to the pool and forgets everything (for a loop that is done). */
    @Override
    public void close() {
        exit();
        for (int k = 0; k < outputs.length; k++) {
            if (outputs[k] != null) {
                OutputBuffers.unpin(outputs[k]);
                outputs[k] = null;
            }
        }
        Arrays.fill(views, null);
        Arrays.fill(viewSources, null);
    }
}
