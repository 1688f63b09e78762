package org.tensorkit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorkit.core.Tensor;

/** PCA against numbers worked out by hand: points on a known line, and a known spread per axis. */
class PcaTest {
    @Test
    void pointsOnALineProjectOntoItWithAllTheVariance() {
        float[][] rows = new float[50][3];
        for (int i = 0; i < rows.length; i++) {
            float t = i - 24.5f;
            rows[i] = new float[] {1 + 2 * t, 3 - t, 2 * t};        // direction (2, -1, 2) / 3
        }
        Pca pca = Pca.fit(Tensor.of(rows), null, 2);
        double[][] c = pca.components();
        assertArrayEquals(new double[] {2 / 3.0, -1 / 3.0, 2 / 3.0}, new double[] {c[0][0], c[1][0], c[2][0]}, 1e-6);
        assertEquals(1.0, pca.explainedVarianceRatio()[0], 1e-9);
        assertEquals(0.0, pca.explainedVarianceRatio()[1], 1e-9);
        double[][] p = pca.project(Tensor.of(rows), new int[] {0, 49});
        assertEquals(-24.5 * 3, p[0][0], 1e-4);                     // t * |(2, -1, 2)|
        assertEquals(24.5 * 3, p[1][0], 1e-4);
    }

    @Test
    void componentsFollowTheSpreadAndHaveFixedSigns() {
        Random rng = new Random(5);
        float[][] rows = new float[2000][3];
        for (float[] r : rows) {
            r[0] = (float) rng.nextGaussian();
            r[1] = (float) (5 * rng.nextGaussian());
            r[2] = (float) (2 * rng.nextGaussian());
        }
        Pca pca = Pca.fit(Tensor.of(rows), null, 2);
        double[][] c = pca.components();
        assertEquals(1.0, c[1][0], 1e-2);        // the widest axis first, positive
        assertEquals(1.0, c[2][1], 1e-2);
        assertEquals(25 / 30.0, pca.explainedVarianceRatio()[0], 0.02);
        assertArrayEquals(pca.components()[0], Pca.fit(Tensor.of(rows), null, 2).components()[0], 0);
    }

    @Test
    void refusals() {
        Tensor t = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        assertEquals("components = 3 must be in [1, 2]", assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(t, null, 3)).getMessage());
        assertEquals("rows[0] = 2 is not a row of the table [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(t, new int[] {2, 0}, 1)).getMessage());
        assertEquals("PCA needs at least 2 rows, got 1", assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(t, new int[] {1}, 1)).getMessage());
    }
}
