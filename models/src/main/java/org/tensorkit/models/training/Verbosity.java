package org.tensorkit.models.training;

/**
 * How much {@code fit} prints, Keras's {@code verbose}: {@link #SILENT} (0), {@link #PROGRESS_BAR} (1),
 * {@link #PER_EPOCH} (2), or {@link #AUTO}: a progress bar on a terminal, one line per epoch otherwise.
 */
public enum Verbosity {
    /** {@code verbose=0}: nothing. */
    SILENT,
    /**
     * {@code verbose=1}: an {@code Epoch i/n} header, then a progress bar redrawn in place with {@code \r} while
     * the epoch runs (on a terminal; elsewhere only the epoch's final bar line is written).
     */
    PROGRESS_BAR,
    /** {@code verbose=2}: an {@code Epoch i/n} header and one line per epoch. */
    PER_EPOCH,
    /** {@link #PROGRESS_BAR} when {@code System.console() != null}, else {@link #PER_EPOCH}. The default. */
    AUTO;

    /** Keras's integer: 0, 1 or 2. */
    public static Verbosity of(int verbose) {
        switch (verbose) {
            case 0:
                return SILENT;
            case 1:
                return PROGRESS_BAR;
            case 2:
                return PER_EPOCH;
            default:
                throw new IllegalArgumentException("verbose must be 0, 1 or 2, got " + verbose);
        }
    }
}
