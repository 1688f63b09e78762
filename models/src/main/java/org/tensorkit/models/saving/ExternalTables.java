package org.tensorkit.models.saving;

import java.io.IOException;

import org.tensorkit.layers.RowSet;
import org.tensorkit.layers.Weight;

/**
 * Tables of a model being saved that no machine holds whole (a cluster's shards): the model stands in for each with
 * an Embedding of the table's width and any row count, and the rows, with their optimizer slots, are sent while the file
 * is written ({@link KerasFiles#save(org.tensorkit.models.Network, java.nio.file.Path, boolean,
 * ExternalTables)}). The file is the one the model would give if it held the tables itself.
 */
public interface ExternalTables {
    /** The full row count of {@code weight} when its rows are sent from here; a weight held by the model: -1. */
    long rows(Weight weight);

    /**
     * The frozen rows of {@code weight}, a table sent from here, saved as its layer's {@code frozen_rows.npy} asset
     * ({@code Models.load} freezes them again); none by default.
     */
    default RowSet frozenRows(Weight weight) {
        return RowSet.empty();
    }

    /**
     * Sends every row of every table held here to {@code sink}, each exactly once, in any order.
     *
     * @throws IOException if the rows cannot be read (the save then fails and leaves the target as it was)
     */
    void send(Sink sink) throws IOException;

    /** Where the rows go. */
    interface Sink {
        /**
         * Row {@code row} of {@code table}: its values in {@code state[0, width)}, then, when the model's optimizer
         * keeps slots for the weight, each slot's values in the next {@code width} floats (Adam: the first moment,
         * then the second).
         *
         * @throws IllegalArgumentException for a weight not sent from here, a row outside the table, or a state of
         *     another length
         * @throws IllegalStateException    for a row sent twice
         */
        void row(Weight table, long row, float[] state);
    }
}
