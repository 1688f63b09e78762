package org.tensorkit.vectors;

import java.util.Objects;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dimensionalityreduction.PCA;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorkit.core.Tensor;

/**
 * A principal-component projection of a table's rows (ND4J's {@code PCA.pca_factor}, an SVD of the centred rows, in
 * float64): fitted on some rows, it projects any rows onto the first components, as a 2-D picture of a table needs.
 * Each component's sign is fixed so that its largest entry (by magnitude) is positive (scikit-learn's
 * {@code svd_flip} rule), so the same table always gives the same picture. Immutable.
 */
public final class Pca {
    private final double[] mean;
    private final INDArray components;
    private final double[] explained;

    private Pca(double[] mean, INDArray components, double[] explained) {
        this.mean = mean;
        this.components = components;
        this.explained = explained;
    }

    /**
     * Fits {@code components} principal components on rows of {@code table}.
     *
     * @param table a 2-D floating-point table
     * @param rows the rows to fit on (all rows when null)
     * @param components how many components, from 1 to the table's dimension
     * @return the projection
     * @throws IllegalArgumentException if the table is not 2-D floating point, a row is outside it, fewer than two
     *     rows are given, or {@code components} is out of range
     */
    public static Pca fit(Tensor table, int[] rows, int components) {
        INDArray a = Tables.floats(Objects.requireNonNull(table, "table"), "table");
        int dim = (int) a.size(1);
        if (components < 1 || components > dim) {
            throw new IllegalArgumentException("components = " + components + " must be in [1, " + dim + "]");
        }
        INDArray x = select(a, rows).castTo(DataType.DOUBLE).dup('c');
        if (x.size(0) < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows, got " + x.size(0));
        }
        INDArray mean = x.mean(0);
        x.subiRowVector(mean);
        double total = x.mul(x).sumNumber().doubleValue() / (x.size(0) - 1);
        INDArray factor = PCA.pca_factor(x.dup('f'), components, false).dup('c');   // LAPACK wants F order
        double[] explained = new double[components];
        for (int c = 0; c < components; c++) {
            INDArray column = factor.getColumn(c);
            double largest = 0;
            for (int k = 0; k < dim; k++) {
                double v = column.getDouble(k);
                if (Math.abs(v) > Math.abs(largest)) {
                    largest = v;
                }
            }
            if (largest < 0) {
                column = column.mul(-1);
                factor.putColumn(c, column);
            }
            INDArray projected = x.mmul(column.reshape(dim, 1));
            double variance = projected.mul(projected).sumNumber().doubleValue() / (x.size(0) - 1);
            explained[c] = total == 0 ? 0 : variance / total;
        }
        return new Pca(mean.toDoubleVector(), factor, explained);
    }

    /**
     * Projects rows of {@code table} onto the components.
     *
     * @param table a table of the fitted dimension
     * @param rows the rows to project (all when null)
     * @return one row of {@code components} coordinates per row
     */
    public double[][] project(Tensor table, int[] rows) {
        INDArray a = Tables.floats(Objects.requireNonNull(table, "table"), "table");
        if (a.size(1) != mean.length) {
            throw new IllegalArgumentException("table has dimension " + a.size(1) + "; the PCA was fitted on "
                    + mean.length);
        }
        INDArray x = select(a, rows).castTo(DataType.DOUBLE).dup('c');
        x.subiRowVector(Nd4j.createFromArray(mean));
        return x.mmul(components).toDoubleMatrix();
    }

    /** The share of the fitted rows' variance each component explains, in [0, 1]. */
    public double[] explainedVarianceRatio() {
        return explained.clone();
    }

    /** The components as columns, {@code (dim, components)}. */
    public double[][] components() {
        return components.toDoubleMatrix();
    }

    private static INDArray select(INDArray a, int[] rows) {
        if (rows == null) {
            return a;
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= a.size(0)) {
                throw new IllegalArgumentException("rows[" + i + "] = " + rows[i] + " is not a row of the table [0, "
                        + a.size(0) + ")");
            }
        }
        return Nd4j.pullRows(a, 1, rows);
    }
}
