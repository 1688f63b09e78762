package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.Map;

import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.internal.Seeds;
import org.tensorkit.layers.Initializer;

/**
 * A run of a table's rows drawn on an executor by the table's own initializer, so that a table larger than any one
 * machine never exists whole: chunk {@code c} of a seeded random initializer draws from {@code mix(seed, c)}, and
 * Glorot's limit is the whole table's ({@code sqrt(6 / (rows + width))}), not the chunk's. The same config, row
 * count and chunk size give the same table on every run; it is not the table one JVM's initializer draws for the
 * whole shape (that is one stream of numbers; this is one per chunk).
 *
 * @param config the table's {@code embeddings_initializer}
 * @param rows the table's rows
 * @param width its width
 * @param start the chunk's first row
 * @param count the chunk's rows
 * @param chunk the chunk's number
 */
public record TableInit(Map<String, Object> config, long rows, int width, long start, int count, long chunk)
        implements Serializable {
    /** The chunk's rows, C order. */
    public float[] values() {
        Initializer init = Initializer.fromConfig(config);
        if (init instanceof Initializer.RandomUniform u) {
            init = Initializer.uniform(u.minval(), u.maxval(), Seeds.mix(u.seed(), chunk));
        } else if (init instanceof Initializer.GlorotUniform g) {
            double limit = Math.sqrt(6.0 / Math.max(1, rows + width));
            init = Initializer.uniform(-limit, limit, Seeds.mix(g.seed(), chunk));
        }
        return init.initialize(Shape.of(count, width), DType.FLOAT32).reshape(-1).toFloatVector();
    }
}
