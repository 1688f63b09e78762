package org.tensorkit.models;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tensorkit.core.Tensor;
import org.tensorkit.core.internal.StepArena;
import org.tensorkit.models.engine.Inference;

/**
 * A model's {@code predict} for a serving loop, whose results need no {@code close()}: every call runs its rows as
 * one batch into arrays the predictor reuses (numpy's {@code out=}, for the whole model: two sets, used in turn),
 * so a loop of calls allocates no native memory after the first two, never waits for the garbage collector to find
 * dead results, and keeps two calls' arrays however long it runs. A result is valid until the predictor's next
 * successful call: that call closes it, so a result kept too long throws
 * {@code IllegalStateException("tensor is closed")} instead of showing another call's values. A call that fails
 * (bad ids, say) wrote only into the other set: the last results stay valid and unchanged. Copy out what must outlive the next call ({@code toFloatArray()}, ...).
 *
 * <pre>{@code
 * try (Predictor p = model.predictor()) {
 *     for (int[] request : requests) {
 *         Tensor scores = p.predict(Tensor.of(request)); // valid until the next p.predict
 *         send(scores.toFloatArray());
 *     }
 * }
 * }</pre>
 *
 * <p>{@link Model#predict} with its results closed (try-with-resources) is as fast, and its results live as long
 * as the caller wants; a {@code predict} whose results are left to the garbage collector is slower and holds up to
 * the output pool's budget of native memory until a collection finds them (see the README). One thread at a time:
 * a call while another is running is refused. {@link #close()} gives the arrays back to the pool.
 */
public final class Predictor implements AutoCloseable {
    private final Network model;
    /** The two sets of arrays: a call writes into the one the last results are not in. */
    private final StepArena[] arenas = {new StepArena(), new StepArena()};
    private int next;
    private final AtomicBoolean busy = new AtomicBoolean();
    private List<Tensor> last = List.of();
    private boolean closed;

    Predictor(Network model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * The output of a model of one input and one output for {@code x}, all its rows as one batch (a rank-1 array
     * {@code (n,)} read as {@code (n, 1)}, as {@link Network#predict(Tensor)} reads it). Closes the previous
     * call's results first.
     *
     * @throws IllegalStateException    if the model has several outputs, the predictor is closed, or another call
     *                                  of it is running
     * @throws IllegalArgumentException for data that does not fit the model's input, or ids outside a table (the
     *                                  previous results then stay valid and unchanged)
     */
    public Tensor predict(Tensor x) {
        return run(Collections.singletonList(x), true).get(0);
    }

    /** {@link #predict(Tensor)} for any number of inputs and outputs: one tensor per output. */
    public List<Tensor> predict(List<Tensor> inputs) {
        return run(Objects.requireNonNull(inputs, "inputs"), false);
    }

    private List<Tensor> run(List<Tensor> inputs, boolean singleOutput) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("Predictor of model \"" + model.name() + "\" is running another call; "
                    + "use one Predictor per thread");
        }
        try {
            if (closed) {
                throw new IllegalStateException("Predictor of model \"" + model.name() + "\" is closed");
            }
            Network.PredictBatch batch = model.predictBatch(inputs, singleOutput);
            StepArena arena = arenas[next];
            List<Tensor> results;
            arena.enter();
            try {
                results = Inference.predict(batch.graph(), batch.data(), Math.toIntExact(batch.data().get(0).size(0)));
            } finally {
                arena.exit();
            }
            closeLast(); // only now: a call that failed above leaves the last results as they were
            last = results;
            next ^= 1;
            return last;
        } finally {
            busy.set(false);
        }
    }

    private void closeLast() {
        for (Tensor t : last) {
            t.close(); // a no-op for the arena's memory; the tensor itself is closed
        }
        last = List.of();
    }

    /** Closes the last results and gives this predictor's arrays back to the pool. Idempotent. */
    @Override
    public void close() {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("Predictor of model \"" + model.name() + "\" is running a call; "
                    + "close it from the thread that uses it");
        }
        try {
            if (!closed) {
                closed = true;
                closeLast();
                arenas[0].close();
                arenas[1].close();
            }
        } finally {
            busy.set(false);
        }
    }
}
