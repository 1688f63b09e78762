package org.tensorkit.layers;

import java.util.Map;

import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;
import org.tensorkit.core.neighbours.Neighbours;

/**
 * A layer built around one row-sparse {@code (inputDim, outputDim)} table ({@link Embedding}, {@link EmbedReduce}):
 * what it shares with the others, freezing rows and keeping the frozen rows with the model (as the asset
 * {@code frozen_rows.npy}, which Keras ignores when it loads the file).
 */
public interface TableLayer extends LayerAssets {
    /** The table, shape {@code (inputDim, outputDim)}. */
    Weight embeddings();

    /** The layer's name. */
    String name();

    /**
     * Freezes {@code rows} of the table (see {@link Weight#freezeRows}): training leaves them and their optimizer
     * state alone, and the summary counts them as non-trainable. Replaces the rows frozen before.
     *
     * @param rows the rows to freeze ({@link RowSet#empty()} unfreezes all)
     * @throws IllegalArgumentException if a row is beyond the table
     */
    default void freezeRows(RowSet rows) {
        embeddings().freezeRows(rows);
    }

    /** The table's frozen rows (empty unless set). */
    default RowSet frozenRows() {
        return embeddings().frozenRows();
    }

    /**
     * The {@code k} rows of the table nearest to each of {@code ids} (see {@link Neighbours}): exact, best first,
     * ties by the smaller row.
     *
     * @param ids rows of the table
     * @param k neighbours per id
     * @param metric cosine or dot
     * @param excludeQueries whether an id's own row is left out
     * @return the neighbours' ids and scores
     * @throws IllegalArgumentException if {@code k} is out of range or an id is outside the table
     */
    default Nearest nearest(int[] ids, int k, Metric metric, boolean excludeQueries) {
        return neighbours(metric).nearestToRows(ids, k, excludeQueries);
    }

    /**
     * A nearest-row search over the table as it is now, for many queries (by row or by vector): it keeps the
     * current array (not a copy), so make a new one after training changes the table.
     *
     * @param metric cosine or dot
     * @return the search
     */
    default Neighbours neighbours(Metric metric) {
        return Neighbours.of(Tensor.wrap(embeddings().value()), metric);
    }

    /** The frozen rows, as {@code frozen_rows.npy}, when there are any. */
    @Override
    default Map<String, byte[]> saveAssets() {
        return TableBuilder.saveFrozenRows(embeddings());
    }

    /**
     * The assets {@link #saveAssets()} gives a table whose frozen rows are {@code frozen}, for a table saved from
     * elsewhere (a cluster's shards), whose layer in the saved model stands in at another row count.
     *
     * @param frozen the table's frozen rows
     * @return {@code frozen_rows.npy} by name, or nothing when {@code frozen} is empty
     */
    static Map<String, byte[]> frozenRowsAssets(RowSet frozen) {
        return TableBuilder.frozenRowsAssets(java.util.Objects.requireNonNull(frozen, "frozen"));
    }

    /** Restores the frozen rows {@link #saveAssets()} wrote (none when the file has no such asset). */
    @Override
    default void loadAssets(Map<String, byte[]> files) {
        TableBuilder.loadFrozenRows(embeddings(), files, getClass().getSimpleName() + " layer \"" + name() + "\"");
    }
}
