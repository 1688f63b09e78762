package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;
import org.tensorkit.core.neighbours.Metric;
import org.tensorkit.core.neighbours.Nearest;

/** What the table layers share: nearest rows over the live table, and frozen rows checked against the table. */
class TableLayerTest {
    private static final float[][] TABLE = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {-1, 0}, {0.5f, 0.5f}};

    @Test
    void nearestRowsOfAnEmbeddingAndAnEmbedReduce() {
        Embedding e = Embedding.builder().inputDim(5).outputDim(2).weights(Tensor.of(TABLE)).build();
        Nearest n = e.nearest(new int[] {0, 2}, 2, Metric.COSINE, true);
        assertArrayEquals(new int[] {1, 4}, n.ids(0));
        assertArrayEquals(new int[] {4, 1}, n.ids(1));
        EmbedReduce r = EmbedReduce.builder().inputDim(5).outputDim(2).weights(Tensor.of(TABLE)).build();
        assertArrayEquals(new int[] {0, 1}, r.nearest(new int[] {0}, 2, Metric.DOT, false).ids(0));
        e.embeddings().set(Tensor.of(new float[][] {{0, 1}, {1, 0}, {0, 1}, {1, 0}, {0, 1}}));
        assertArrayEquals(new int[] {2, 4}, e.nearest(new int[] {0}, 2, Metric.COSINE, true).ids(0),
                "the live table, after setWeights");
        assertArrayEquals(new int[] {1, 3}, e.neighbours(Metric.DOT).nearestToVectors(Tensor.of(1f, 0f), 2).ids(0));
    }

    @Test
    void aQueryOutsideTheTableIsNamed() {
        Embedding e = Embedding.builder().inputDim(5).outputDim(2).weights(Tensor.of(TABLE)).build();
        assertEquals("queryRows[0] = 5 is not a row of the table [0, 5)", assertThrows(IllegalArgumentException.class,
                () -> e.nearest(new int[] {5}, 1, Metric.COSINE, false)).getMessage());
        assertEquals("k = 6 must be in [1, 5]: the table has 5 rows", assertThrows(IllegalArgumentException.class,
                () -> e.nearest(new int[] {1}, 6, Metric.COSINE, false)).getMessage());
    }
}
