package org.tensorkit.layers;

import java.util.Objects;
import java.util.function.Supplier;

import org.tensorkit.core.Shape;

/**
 * Layers built to receive a file's weights: a cap on the weight elements layers may create on the current
 * thread while some code runs, which a loader sets to the number of values its file holds, so that a file
 * claiming a table of 10^12 rows is refused before the table is allocated instead of exhausting memory; and,
 * since every such weight is then overwritten from the file, its initializer is not run (a 512 MiB table would
 * otherwise be drawn at random only to be replaced): the weight starts uninitialized. Outside {@link #within}
 * there is no cap and initializers run.
 */
public final class WeightBudget {
    private static final ThreadLocal<State> CURRENT = new ThreadLocal<>();

    private WeightBudget() {
    }

    /** The cap in force: its total, what is left, and what it is named in a refusal. */
    private static final class State {
        final long total;
        final String what;
        long left;

        State(long total, String what) {
            this.total = total;
            this.what = what;
            this.left = total;
        }
    }

    /**
     * Runs {@code body} with at most {@code maxElements} weight elements created on this thread, uninitialized
     * (the caller sets every one of them afterwards); {@code what} names the source of the cap in the refusal (for
     * example {@code "the values in model.weights.h5"}).
     *
     * @throws IllegalArgumentException from a layer whose weight would go over the cap, naming the weight, its
     *                                  shape and the cap
     */
    public static <T> T within(long maxElements, String what, Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        State previous = CURRENT.get();
        CURRENT.set(new State(maxElements, what));
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Whether weights created now are to be overwritten (inside {@link #within}): no initializer then. */
    static boolean loading() {
        return CURRENT.get() != null;
    }

    /** Called before a weight of {@code shape} is allocated. */
    static void charge(String weight, Shape shape) {
        State s = CURRENT.get();
        if (s == null) {
            return;
        }
        long elements = 1;
        for (int i = 0; i < shape.rank(); i++) {
            long d = Math.max(shape.dim(i), 0);
            elements = d != 0 && elements > Long.MAX_VALUE / d ? Long.MAX_VALUE : elements * d;
        }
        if (elements > s.left) {
            throw new IllegalArgumentException("weight " + weight + " of shape " + shape + " needs " + elements
                    + " values, more than " + s.what + " hold (" + s.total + ", " + (s.total - s.left)
                    + " of them taken by earlier weights)");
        }
        s.left -= elements;
    }
}
