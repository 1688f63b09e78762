package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The means that combine the data partitions' results, each independent of the order in which Spark delivers
 * them, so that a run repeats to the last bit: a table row's contributions are summed in partition order; the
 * broadcast weights and the logs are summed exactly ({@link BigDecimal}) and rounded once. A mean of one value is
 * that value, bit for bit.
 */
public final class Means {
    private Means() {
    }

    /** One partition's new state of a table row. */
    public record Contribution(int partition, float[] state) implements Serializable {
    }

    /**
     * A table row's new state from the partitions that touched it, summed in partition order: its optimizer slots
     * (after the first {@code width} floats) are their mean; its values are their mean too, or, with
     * {@code addChanges}, the old values plus every partition's change. One contribution is taken as it is.
     */
    public static float[] row(float[] old, List<Contribution> contributions, int width, boolean addChanges) {
        if (contributions.size() == 1) {
            return contributions.get(0).state();
        }
        List<Contribution> sorted = new ArrayList<>(contributions);
        sorted.sort(Comparator.comparingInt(Contribution::partition));
        int n = old.length;
        double[] sum = new double[n];
        for (Contribution c : sorted) {
            float[] s = c.state();
            for (int k = 0; k < n; k++) {
                sum[k] += k < width && addChanges ? (double) s[k] - old[k] : s[k];
            }
        }
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = k < width && addChanges ? (float) (old[k] + sum[k]) : (float) (sum[k] / sorted.size());
        }
        return out;
    }

    /**
     * A running exact sum of the partitions' broadcast weights (as flat float arrays, one per weight and slot),
     * their sample-weighted logs, their step counts (the most any took) and their traffic: what
     * {@code treeAggregate} folds.
     */
    public static final class Sum implements Serializable {
        private static final long serialVersionUID = 1L;
        private BigDecimal[][] arrays;
        /** The sums of non-finite values (NaN, infinities), which BigDecimal cannot hold: IEEE's sum of them. */
        private double[][] nonFinite;
        private final Map<String, BigDecimal> logs = new LinkedHashMap<>();
        private final Map<String, Double> nonFiniteLogs = new LinkedHashMap<>();
        private long samples;
        private int partitions;
        private long maxSteps;
        private long rowsReceived;
        private long rowsReturned;
        private long bytesReceived;
        private long bytesReturned;

        /** Adds one partition's result. */
        public Sum add(LocalRound.Result r) {
            float[][] dense = r.dense();
            Map<String, Double> partitionLogs = r.logs();
            long rows = r.rows();
            if (dense != null) {
                if (arrays == null) {
                    arrays = new BigDecimal[dense.length][];
                    nonFinite = new double[dense.length][];
                    for (int a = 0; a < dense.length; a++) {
                        arrays[a] = new BigDecimal[dense[a].length];
                        nonFinite[a] = new double[dense[a].length];
                        java.util.Arrays.fill(arrays[a], BigDecimal.ZERO);
                    }
                }
                for (int a = 0; a < dense.length; a++) {
                    for (int k = 0; k < dense[a].length; k++) {
                        float v = dense[a][k];
                        if (Float.isFinite(v)) {
                            arrays[a][k] = arrays[a][k].add(new BigDecimal(v));
                        } else {
                            nonFinite[a][k] += v;
                        }
                    }
                }
                partitions++;
            }
            BigDecimal weight = BigDecimal.valueOf(rows);
            partitionLogs.forEach((key, v) -> {
                logs.merge(key, Double.isFinite(v) ? new BigDecimal(v).multiply(weight) : BigDecimal.ZERO,
                        BigDecimal::add);
                if (!Double.isFinite(v)) {
                    nonFiniteLogs.merge(key, v, Double::sum);
                }
            });
            samples += rows;
            maxSteps = Math.max(maxSteps, r.steps());
            rowsReceived += r.received();
            rowsReturned += r.keys().length;
            bytesReceived += r.receivedBytes();
            bytesReturned += r.returnedBytes();
            return this;
        }

        /** Both sums together. */
        public Sum merge(Sum other) {
            if (other.arrays != null) {
                if (arrays == null) {
                    arrays = other.arrays;
                    nonFinite = other.nonFinite;
                } else {
                    for (int a = 0; a < arrays.length; a++) {
                        for (int k = 0; k < arrays[a].length; k++) {
                            arrays[a][k] = arrays[a][k].add(other.arrays[a][k]);
                            nonFinite[a][k] += other.nonFinite[a][k];
                        }
                    }
                }
            }
            other.logs.forEach((key, v) -> logs.merge(key, v, BigDecimal::add));
            other.nonFiniteLogs.forEach((key, v) -> nonFiniteLogs.merge(key, v, Double::sum));
            samples += other.samples;
            partitions += other.partitions;
            maxSteps = Math.max(maxSteps, other.maxSteps);
            rowsReceived += other.rowsReceived;
            rowsReturned += other.rowsReturned;
            bytesReceived += other.bytesReceived;
            bytesReturned += other.bytesReturned;
            return this;
        }

        /** The mean of every broadcast array over the partitions that trained, or null when none did. */
        public float[][] denseMean() {
            if (arrays == null) {
                return null;
            }
            BigDecimal count = BigDecimal.valueOf(partitions);
            float[][] out = new float[arrays.length][];
            for (int a = 0; a < arrays.length; a++) {
                out[a] = new float[arrays[a].length];
                for (int k = 0; k < out[a].length; k++) {
                    out[a][k] = nonFinite[a][k] != 0 || Double.isNaN(nonFinite[a][k]) ? (float) nonFinite[a][k]
                            : (float) arrays[a][k].divide(count, MathContext.DECIMAL128).doubleValue();
                }
            }
            return out;
        }

        /** Each log's mean over the samples, weighted by the partitions' row counts. */
        public Map<String, Double> logs(String prefix) {
            Map<String, Double> out = new LinkedHashMap<>();
            BigDecimal n = BigDecimal.valueOf(Math.max(1, samples));
            logs.forEach((key, v) -> out.put(prefix + key, nonFiniteLogs.containsKey(key) ? nonFiniteLogs.get(key)
                    : v.divide(n, MathContext.DECIMAL128).doubleValue()));
            return out;
        }

        /** Rows of data summed. */
        public long samples() {
            return samples;
        }

        /** The most steps a partition took. */
        public long maxSteps() {
            return maxSteps;
        }

        /** Table rows shipped to the partitions. */
        public long rowsReceived() {
            return rowsReceived;
        }

        /** The bytes of the rows shipped (a key and the row's floats each). */
        public long bytesReceived() {
            return bytesReceived;
        }

        /** The bytes of the rows sent back. */
        public long bytesReturned() {
            return bytesReturned;
        }

        /** Table rows the partitions sent back. */
        public long rowsReturned() {
            return rowsReturned;
        }
    }
}
