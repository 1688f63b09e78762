package org.tensorkit.models.training;

import java.io.PrintStream;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The options of {@code fit}, with Keras's defaults: {@code batchSize} 32, {@code epochs} 1, no validation
 * split, shuffling, {@link Verbosity#AUTO}, progress on {@code System.out}.
 *
 * <pre>{@code
 * FitOptions.builder().batchSize(64).epochs(10).validationSplit(0.1).seed(42).verbose(Verbosity.PER_EPOCH).build()
 * }</pre>
 */
public final class FitOptions {
    private final int batchSize;
    private final int epochs;
    private final int initialEpoch;
    private final double validationSplit;
    private final boolean shuffle;
    private final OptionalLong seed;
    private final Verbosity verbosity;
    private final PrintStream output;
    private final LongSupplier clock;
    private final Boolean terminal;

    private FitOptions(Builder b) {
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.initialEpoch = b.initialEpoch;
        this.validationSplit = b.validationSplit;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.verbosity = b.verbosity;
        this.output = b.output;
        this.clock = b.clock;
        this.terminal = b.terminal;
    }

    /** The options of fit, starting from Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults. */
    public static FitOptions defaults() {
        return builder().build();
    }

    /** The rows per step. */
    public int batchSize() {
        return batchSize;
    }

    /** The number of passes over the training rows. */
    public int epochs() {
        return epochs;
    }

    /**
     * Keras's {@code initial_epoch}: the epoch to start from (epochs {@code initialEpoch .. epochs - 1} run). Each
     * epoch's shuffle and random layers draw from the seed and the epoch's number, so a fit resumed at epoch
     * {@code k} from the state epoch {@code k} began with repeats the rest of an uninterrupted fit to the last bit.
     */
    public int initialEpoch() {
        return initialEpoch;
    }

    /** The fraction of the rows, cut from the end, that validate instead of training. */
    public double validationSplit() {
        return validationSplit;
    }

    /** Whether each epoch visits the training rows in a new seeded order. */
    public boolean shuffle() {
        return shuffle;
    }

    /** The seed of the shuffles and of the random layers' training calls; empty: a fresh random seed per fit. */
    public OptionalLong seed() {
        return seed;
    }

    /** How much fit prints. */
    public Verbosity verbosity() {
        return verbosity;
    }

    /** Where progress goes; {@code System.out} as it is when fit starts unless one was given. */
    public PrintStream output() {
        return output != null ? output : System.out;
    }

    /** Nanosecond clock of the progress display (tests inject a fake one). */
    LongSupplier clock() {
        return clock;
    }

    /** Whether the output is a terminal: given by a test, or {@code System.console() != null}. */
    boolean terminal() {
        return terminal != null ? terminal : System.console() != null;
    }

    /** Options of {@link FitOptions}; each setter checks its value. */
    public static final class Builder {
        private int batchSize = 32;
        private int epochs = 1;
        private int initialEpoch;
        private double validationSplit;
        private boolean shuffle = true;
        private OptionalLong seed = OptionalLong.empty();
        private Verbosity verbosity = Verbosity.AUTO;
        private PrintStream output;
        private LongSupplier clock = System::nanoTime;
        private Boolean terminal;

        private Builder() {
        }

        /** Rows per gradient step (default 32). */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be a positive integer, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Passes over the training rows (default 1; 0 trains nothing, as in Keras). */
        public Builder epochs(int epochs) {
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Keras's {@code initial_epoch} (default 0): the epoch to resume at; the History then has
         * {@code epochs - initialEpoch} entries (none when {@code initialEpoch >= epochs}, as in Keras).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder initialEpoch(int initialEpoch) {
            if (initialEpoch < 0) {
                throw new IllegalArgumentException("initialEpoch must be >= 0, got " + initialEpoch);
            }
            this.initialEpoch = initialEpoch;
            return this;
        }

        /**
         * The fraction of the rows, in {@code [0, 1)}, held out to validate on at the end of every epoch: as in
         * Keras, the <em>last</em> rows of the data as given, taken before any shuffling.
         */
        public Builder validationSplit(double validationSplit) {
            if (!(validationSplit >= 0 && validationSplit < 1)) {
                throw new IllegalArgumentException("validationSplit must be a number in [0, 1), got "
                        + validationSplit);
            }
            this.validationSplit = validationSplit;
            return this;
        }

        /** Whether the training rows are shuffled before every epoch (default true). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Seeds the shuffles and the random layers (Dropout): the same seed, data, initial weights and machine
         * give the same History to the last bit.
         */
        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** How much fit prints (default {@link Verbosity#AUTO}). */
        public Builder verbose(Verbosity verbosity) {
            this.verbosity = Objects.requireNonNull(verbosity, "verbosity");
            return this;
        }

        /** Keras's {@code verbose}: 0, 1 or 2. */
        public Builder verbose(int verbose) {
            return verbose(Verbosity.of(verbose));
        }

        /** Where progress is written (default {@code System.out}). */
        public Builder output(PrintStream output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        /**
         * The clock the progress display reads for its timings, in nanoseconds (default {@code System::nanoTime});
         * a fixed clock makes the printed logs reproducible.
         */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * Whether the output is taken for a terminal, where the progress bar redraws in place (default: whether
         * the JVM has a console).
         */
        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        /** The options (each was checked when it was set). */
        public FitOptions build() {
            return new FitOptions(this);
        }
    }
}
