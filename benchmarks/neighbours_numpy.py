"""numpy's nearest rows, the baseline of NeighboursBenchmark: the 10 nearest rows by cosine (the query rows
excluded) of Q rows of a 100,000 x 64 float32 table, as numpy users write it: one product of the normalised
queries with the normalised table, np.argpartition for the top k + 1, then a sort of those. Prints
'numpy queries=Q ms=...' (the median of 15 timed runs after 3 warm-ups) for Q = 1000 and 1.

Usage: /usr/bin/python3 benchmarks/neighbours_numpy.py   (Debian's numpy; not part of the build)
"""
import time

import numpy as np


def nearest(unit, rows, k):
    scores = unit[rows] @ unit.T
    scores[np.arange(len(rows)), rows] = -np.inf          # exclude each query's own row
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def main():
    rng = np.random.default_rng(14)
    table = rng.normal(0, 1, (100_000, 64)).astype(np.float32)
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    for q in (1000, 1):
        rows = rng.integers(0, len(table), q)
        for _ in range(3):
            nearest(unit, rows, 10)
        times = []
        for _ in range(15):
            start = time.perf_counter()
            nearest(unit, rows, 10)
            times.append((time.perf_counter() - start) * 1e3)
        print("numpy queries=%d ms=%.3f" % (q, float(np.median(times))))


if __name__ == "__main__":
    main()
