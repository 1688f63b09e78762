package org.tensorkit.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;
import org.tensorkit.layers.Layers;

/**
 * Discretization: bins as {@code np.digitize}, and adapt's boundaries exactly as Keras 3's own quantile code gives
 * them (computed by {@code layers/src/test/python/discretization_expected.py}, which runs Keras's functions on
 * numpy, pasted here).
 */
class DiscretizationTest {
    private static final Tensor DOC = Tensor.of(new float[][] {{-1.5f, 1.0f, 3.4f, 0.5f}, {0.0f, 3.0f, 1.3f, 0.0f}});

    /** The generator's seeded data: the same LCG, the same float32 values. */
    static Tensor lcg(long seed, int n) {
        float[] out = new float[n];
        long state = seed;
        for (int i = 0; i < n; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            out[i] = (float) ((state >>> 40) / (double) (1 << 24) * 10.0 - 3.0);
        }
        return Tensor.of(out);
    }

    private static double[] adapted(int numBins, double epsilon, Tensor... batches) {
        Discretization d = Discretization.builder().numBins(numBins).epsilon(epsilon).build();
        d.adapt(List.of(batches));
        return d.binBoundaries();
    }

    @Test
    void givenBoundariesBinAsDigitize() {
        Discretization d = Discretization.builder().binBoundaries(0.0, 1.0, 2.0).build();
        Tensor out = d.call(DOC);
        assertEquals(DType.INT32, out.dtype());
        assertEquals("[[0 2 3 1]\n [1 3 2 1]]", out.toString());
        assertEquals("[[3 0]]", d.call(Tensor.of(new double[][] {{Double.NaN, Double.NEGATIVE_INFINITY}})).toString());
    }

    @Test
    void adaptLearnsKerasBoundariesExactly() {
        assertArrayEquals(new double[] {0.0, 0.5, 1.2999999523162842}, adapted(4, 0.01, DOC));
        assertArrayEquals(new double[] {-0.8662947416305542, 1.0596261024475098, 3.0062782764434814,
            5.155840873718262}, adapted(5, 0.01, lcg(1, 1000)));
        assertArrayEquals(new double[] {-0.812885582447052, 1.8476487398147583, 4.6624836921691895},
                adapted(4, 0.01, lcg(2, 50)));
        assertArrayEquals(new double[] {-2.0293381214141846, -0.9878307580947876, -0.014203975908458233,
            1.0031003952026367, 2.0302574634552, 3.0743627548217773, 4.019429683685303, 5.009707450866699,
            5.9813032150268555}, adapted(10, 0.001, lcg(3, 5000)));
        long[] ties = new long[300];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = i % 7;
        }
        assertArrayEquals(new double[] {2.0, 4.0}, adapted(3, 0.01, Tensor.of(ties)));
        assertArrayEquals(new double[] {-1.3329992294311523, 0.4158223271369934, 1.9521945714950562,
            3.7225558757781982, 5.423095226287842}, adapted(6, 0.01, lcg(4, 700), lcg(5, 900)));
    }

    @Test
    void encodedOutputsAndShapes() {
        Discretization d = Discretization.builder().binBoundaries(0.0, 1.0, 2.0).outputMode(OutputMode.MULTI_HOT)
                .build();
        assertEquals(Shape.of(Shape.UNKNOWN, 4), d.computeOutputShape(Shape.of(Shape.UNKNOWN, 4)));
        assertEquals("[[1. 1. 1. 1.]\n [0. 1. 1. 1.]]", d.call(DOC).toString());
        Discretization oneHot = Discretization.builder().binBoundaries(0.0).outputMode(OutputMode.ONE_HOT).build();
        assertEquals("[[1. 0.]\n [0. 1.]]", oneHot.call(Tensor.of(new float[][] {{-1}, {5}})).toString());
    }

    @Test
    void configRoundTripKeepsLearntBoundaries() {
        Discretization d = Discretization.builder().numBins(4).name("year_bins").build();
        d.adapt(lcg(1, 1000));
        Discretization copy = (Discretization) Layers.fromConfig("Discretization", d.config());
        assertArrayEquals(d.binBoundaries(), copy.binBoundaries());
        assertEquals(d.config(), copy.config());
        assertEquals(d.call(DOC), copy.call(DOC));
    }

    @Test
    void refusals() {
        assertEquals("Discretization: You need to set either `num_bins` or `bin_boundaries`.",
                assertThrows(IllegalArgumentException.class, () -> Discretization.builder().build()).getMessage());
        assertEquals("Discretization: Both `num_bins` and `bin_boundaries` should not be set.",
                assertThrows(IllegalArgumentException.class, () -> Discretization.builder().numBins(3)
                        .binBoundaries(1).build()).getMessage());
        assertEquals("Discretization: bin_boundaries must be sorted numbers, got [1.0, 0.0] (position 1)",
                assertThrows(IllegalArgumentException.class, () -> Discretization.builder().binBoundaries(1, 0)
                        .build()).getMessage());
        Discretization given = Discretization.builder().binBoundaries(1).name("d").build();
        assertEquals("Discretization \"d\": Cannot adapt a Discretization layer that has been initialized with "
                + "`bin_boundaries`, use `num_bins` instead.", assertThrows(IllegalStateException.class,
                () -> given.adapt(DOC)).getMessage());
        Discretization fresh = Discretization.builder().numBins(3).name("f").build();
        assertThrows(IllegalStateException.class, () -> fresh.call(DOC));
        assertEquals("Discretization \"f\": adapt found no values; quantiles need data",
                assertThrows(IllegalArgumentException.class, () -> fresh.adapt(Tensor.of(new float[0])))
                        .getMessage());
        assertEquals("Discretization \"f\" expects numbers, got string input",
                assertThrows(IllegalArgumentException.class, () -> given.call(Tensor.of("a"))).getMessage()
                        .replace("\"d\"", "\"f\""));
    }
}
