package org.tensorkit.layers.preprocessing;

import java.util.Arrays;

/**
 * Keras 3's quantile summaries for {@code Discretization.adapt} ({@code discretization.py}'s {@code summarize},
 * {@code merge_summaries}, {@code compress_summary} and {@code get_bin_boundaries}), ported with numpy's types:
 * values and weights float32, interpolation ({@code np.interp}, ported with its edge rules) in float64.
 */
final class Quantiles {
    private Quantiles() {
    }

    /** A summary: sorted values and their weights, both float32. */
    record Summary(float[] values, float[] weights) {
        static final Summary EMPTY = new Summary(new float[0], new float[0]);

        int size() {
            return values.length;
        }
    }

    /** {@code summarize(values, epsilon)}: every {@code step}-th sorted value, each weighing {@code step}. */
    static Summary summarize(float[] data, double epsilon) {
        float[] values = data.clone();
        Arrays.sort(values); // NaNs last, as np.sort
        int elements = values.length;
        double numBuckets = 1.0 / epsilon;
        double increment = elements / numBuckets;
        double step = Math.max(increment, 1);
        double start = step - 1;
        int from = (int) start;
        int stride = (int) step;
        int count = from >= elements ? 0 : (elements - from + stride - 1) / stride;
        float[] picked = new float[count];
        float[] weights = new float[count];
        for (int i = 0; i < count; i++) {
            picked[i] = values[from + i * stride];
            weights[i] = (float) step;
        }
        return new Summary(picked, weights);
    }

    /** {@code merge_summaries(next, previous, epsilon)}: both concatenated (next first), sorted, compressed. */
    static Summary merge(Summary next, Summary previous, double epsilon) {
        int n = next.size() + previous.size();
        float[] values = new float[n];
        float[] weights = new float[n];
        System.arraycopy(next.values(), 0, values, 0, next.size());
        System.arraycopy(previous.values(), 0, values, next.size(), previous.size());
        System.arraycopy(next.weights(), 0, weights, 0, next.size());
        System.arraycopy(previous.weights(), 0, weights, next.size(), previous.size());
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
        float[] v = new float[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = values[order[i]];
            w[i] = weights[order[i]];
        }
        return compress(new Summary(v, w), epsilon);
    }

    /** {@code compress_summary(summary, epsilon)}: re-binned at the cumulative weights' {@code epsilon} steps. */
    static Summary compress(Summary summary, double epsilon) {
        if (summary.size() * epsilon < 1) {
            return summary;
        }
        double[] percents = arange(epsilon);
        for (int i = 0; i < percents.length; i++) {
            percents[i] += epsilon;
        }
        int m = summary.size();
        float[] cumWeights = new float[m];
        float sum = 0;
        for (int i = 0; i < m; i++) {
            sum += summary.weights()[i];
            cumWeights[i] = sum;
        }
        double[] cumPercents = new double[m];
        double[] values = new double[m];
        double[] cum = new double[m];
        for (int i = 0; i < m; i++) {
            cumPercents[i] = cumWeights[i] / cumWeights[m - 1]; // float32 division, as numpy's
            values[i] = summary.values()[i];
            cum[i] = cumWeights[i];
        }
        double[] newBins = interp(percents, cumPercents, values);
        double[] newCum = interp(percents, cumPercents, cum);
        float[] v = new float[percents.length];
        float[] w = new float[percents.length];
        for (int i = 0; i < percents.length; i++) {
            v[i] = (float) newBins[i];
            w[i] = (float) (newCum[i] - (i == 0 ? 0 : newCum[i - 1]));
        }
        return new Summary(v, w);
    }

    /** {@code get_bin_boundaries(summary, num_bins)}: the compressed values but the last. */
    static double[] binBoundaries(Summary summary, int numBins) {
        float[] values = compress(summary, 1.0 / numBins).values();
        double[] out = new double[Math.max(0, values.length - 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** {@code np.arange(0.0, 1.0, step)}: {@code ceil(1 / step)} values {@code i * step}. */
    static double[] arange(double step) {
        int n = (int) Math.ceil((1.0 - 0.0) / step);
        double[] out = new double[Math.max(n, 0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = 0.0 + i * step;
        }
        return out;
    }

    /**
     * {@code np.interp(x, xp, fp)} as numpy 1.x computes it: the constant ends, the last of equal {@code xp} at a
     * hit, and its retry from the right end of an interval when the left one gives NaN.
     */
    static double[] interp(double[] x, double[] xp, double[] fp) {
        int n = xp.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            if (Double.isNaN(v)) {
                out[i] = v;
                continue;
            }
            if (n == 1) {
                out[i] = fp[0];
                continue;
            }
            int j = search(v, xp);
            if (j == -1) {
                out[i] = fp[0];
            } else if (j == n) {
                out[i] = fp[n - 1];
            } else if (j == n - 1 || xp[j] == v) {
                out[i] = fp[j];
            } else {
                double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
                double r = slope * (v - xp[j]) + fp[j];
                if (Double.isNaN(r)) {
                    r = slope * (v - xp[j + 1]) + fp[j + 1];
                    if (Double.isNaN(r) && fp[j] == fp[j + 1]) {
                        r = fp[j];
                    }
                }
                out[i] = r;
            }
        }
        return out;
    }

    /** numpy's {@code binary_search_with_guess}: -1 below, {@code n} above, else the last j with xp[j] <= v. */
    private static int search(double v, double[] xp) {
        int n = xp.length;
        if (v > xp[n - 1]) {
            return n;
        }
        if (v < xp[0]) {
            return -1;
        }
        int lo = 0;
        int hi = n; // xp[lo] <= v, and v < xp[hi] (hi = n: past the end)
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (xp[mid] <= v) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
