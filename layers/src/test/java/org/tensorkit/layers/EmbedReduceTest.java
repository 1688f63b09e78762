package org.tensorkit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.EmbedReduce.Combiner;
import org.tensorkit.layers.testing.LayerChecks;

/** EmbedReduce: pooled bags of ids, by each combiner, with padding, per-id weights and PyTorch's offsets form. */
class EmbedReduceTest {
    /** Row i of the table is (i, 10 i): sums and means read off directly. */
    private static final Tensor TABLE = Tensor.of(new float[][] {{0, 0}, {1, 10}, {2, 20}, {3, 30}, {4, 40}});

    private static EmbedReduce layer(Combiner combiner, boolean maskZero) {
        return EmbedReduce.builder().inputDim(5).outputDim(2).weights(TABLE).maskZero(maskZero).combiner(combiner)
                .build();
    }

    private static final Tensor BAGS = Tensor.of(new int[][] {{1, 3, 0}, {4, 0, 0}, {0, 0, 0}});

    @Test
    void combinersReduceEachBag() {
        assertArrayEquals(new float[] {4, 40, 4, 40, 0, 0}, layer(Combiner.SUM, false).call(BAGS).toFloatArray());
        assertArrayEquals(new float[] {4 / 3f, 40 / 3f, 4 / 3f, 40 / 3f, 0, 0},
                layer(Combiner.MEAN, false).call(BAGS).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {3, 30, 4, 40, 0, 0}, layer(Combiner.MAX, false).call(BAGS).toFloatArray());
        assertEquals(Shape.of(3, 2), layer(Combiner.SUM, false).call(BAGS).shape());
    }

    @Test
    void paddingIsLeftOutOfTheReductionAndTheCountAndAnEmptyBagGivesZeros() {
        assertArrayEquals(new float[] {2, 20, 4, 40, 0, 0}, layer(Combiner.MEAN, true).call(BAGS).toFloatArray());
        float r2 = (float) Math.sqrt(2);
        assertArrayEquals(new float[] {4 / r2, 40 / r2, 4, 40, 0, 0}, layer(Combiner.SQRTN, true).call(BAGS)
                .toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {3, 30, 4, 40, 0, 0}, layer(Combiner.MAX, true).call(BAGS).toFloatArray());
    }

    @Test
    void perIdWeightsScaleTheSum() {
        Tensor w = Tensor.of(new float[][] {{2, 0.5f, 7}, {1, 1, 1}, {1, 1, 1}});
        assertArrayEquals(new float[] {3.5f, 35, 4, 40, 0, 0}, layer(Combiner.SUM, true).call(BAGS, w)
                .toFloatArray(), 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer(Combiner.MEAN, true).call(BAGS, w));
        assertTrue(e.getMessage().contains("per-id weights go with combiner sum or sqrtn, not mean"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layer(Combiner.MAX, false).call(BAGS, w));
    }

    @Test
    void offsetsFormEqualsThePaddedForm() {
        EmbedReduce mean = layer(Combiner.MEAN, false);
        Tensor values = Tensor.of(1, 3, 4, 2, 2, 1);
        Tensor out = mean.bags(values, Tensor.of(0L, 2L, 3L, 3L), false);
        assertArrayEquals(new float[] {2, 20, 4, 40, 0, 0, 5 / 3f, 50 / 3f}, out.toFloatArray(), 1e-6f);
        assertEquals(out, mean.bags(values, Tensor.of(0L, 2L, 3L, 3L, 6L), true));
        assertEquals("EmbedReduce \"" + mean.name() + "\": offsets[2] = 1 is below offsets[1] = 2 (offsets must not "
                + "decrease)", assertThrows(IllegalArgumentException.class,
                () -> mean.bags(values, Tensor.of(0L, 2L, 1L), false)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mean.bags(values, Tensor.of(0L, 9L), false))
                .getMessage().endsWith("offsets[1] = 9 runs past the 6 values"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mean.bags(values, Tensor.of(1L), false))
                .getMessage().endsWith("offsets[0] = 1 must be 0 (the first bag starts the values)"));
    }

    @Test
    void refusesBadIdsByPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer(Combiner.SUM, false).call(Tensor.of(new int[][] {{1, 5}})));
        assertTrue(e.getMessage().endsWith("indices[0, 1] = 5 is not an integer id in [0, 5)"), e.getMessage());
    }

    @Test
    void gradientsAreCheckedForEveryCombiner() {
        for (Combiner c : Combiner.values()) {
            for (boolean mask : new boolean[] {false, true}) {
                EmbedReduce l = EmbedReduce.builder().inputDim(6).outputDim(3).seed(4).maskZero(mask).combiner(c)
                        .build();
                // distinct values per row, so that max has one argmax per dimension
                l.setWeights(List.of(Tensor.wrap(LayerChecks.normal(11, 6, 3).castTo(
                        org.nd4j.linalg.api.buffer.DataType.FLOAT))));
                INDArray ids = Nd4j.createFromArray(new long[][] {{1, 2, 0, 2}, {5, 0, 0, 3}, {0, 0, 0, 0}});
                if (c == Combiner.SUM) { // one id per example: no reduction, the weight scales the row
                    LayerChecks.check(l, List.of(Nd4j.createFromArray(new long[] {3, 1, 3}),
                            LayerChecks.normal(6, 3).add(2)), 1e-3, 2e-2);
                }
                if (c == Combiner.SUM || c == Combiner.SQRTN) {
                    LayerChecks.check(l, List.of(ids, LayerChecks.normal(5, 3, 4).add(2)), 1e-3, 2e-2);
                } else {
                    LayerChecks.check(l, List.of(ids), 1e-3, 2e-2);
                }
            }
        }
    }
}
