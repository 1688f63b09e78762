"""Expected Discretization.adapt boundaries for DiscretizationTest, computed by Keras 3's own quantile code.

The four functions below are copied from keras/src/layers/preprocessing/discretization.py (Keras 3, Apache 2.0):
they use numpy alone, so this runs without Keras or TensorFlow (Debian's python3-numpy). Run it and paste its
output into DiscretizationTest; the build never runs Python.
"""
import numpy as np


def summarize(values, epsilon):
    values = np.reshape(values, [-1])
    values = np.sort(values)
    elements = np.size(values)
    num_buckets = 1.0 / epsilon
    increment = elements / num_buckets
    step = max(increment, 1)
    start = step - 1
    boundaries = values[int(start)::int(step)]
    weights = np.ones_like(boundaries)
    weights = weights * step
    return np.stack([boundaries, weights])


def merge_summaries(prev_summary, next_summary, epsilon):
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def get_bin_boundaries(summary, num_bins):
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]


def compress_summary(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    summary = np.stack((new_bins, new_weights))
    return summary.astype("float32")


def adapt(batches, num_bins, epsilon=0.01):
    summary = np.array([[], []], dtype="float32")
    for batch in batches:
        data = np.array(batch).astype("float32")
        summary = merge_summaries(summarize(data, epsilon), summary, epsilon)
    return get_bin_boundaries(summary, num_bins).tolist()


def data(seed, n):
    """The test's data: a seeded LCG, so that Java makes the same float32 values."""
    out = []
    state = seed
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(np.float32((state >> 40) / float(1 << 24) * 10.0 - 3.0))
    return np.array(out, dtype=np.float32)


def show(name, values):
    print(name, "=", "{" + ", ".join(repr(float(v)) for v in values) + "}")


show("docstring", adapt([[[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]]], 4))
show("lcg1000bins5", adapt([data(1, 1000)], 5))
show("lcg50bins4", adapt([data(2, 50)], 4))
show("lcg5000bins10eps001", adapt([data(3, 5000)], 10, 0.001))
show("ties", adapt([np.arange(300) % 7], 3))
show("twoBatches", adapt([data(4, 700), data(5, 900)], 6))
