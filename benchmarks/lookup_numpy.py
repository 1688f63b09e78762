"""numpy's embedding lookup, the baseline of EmbeddingBenchmark's predict cases: np.take(table, ids, axis=0) on
EmbeddingBenchmark's four workloads (float32 table V x D, int32 ids B x L), a fresh output per call as numpy
users write it, and with out= into one reused array. Prints one line per workload and form:
'numpy workload=W form=F us=...', the median over timed rounds of the mean time per call.

Usage: /usr/bin/python3 benchmarks/lookup_numpy.py   (Debian's numpy; not part of the build)
"""
import time

import numpy as np

WORKLOADS = {  # as Workload.java: V, D, B, L
    "tiny": (10, 4, 4, 1),
    "medium": (100_000, 64, 4096, 1),
    "sequence": (50_000, 128, 256, 50),
    "large": (2_000_000, 64, 65536, 1),
}


def per_call_us(fn, seconds):
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / calls * 1e6


def main():
    for name, (v, d, b, l) in WORKLOADS.items():
        rng = np.random.default_rng(42)
        table = rng.uniform(-1, 1, (v, d)).astype(np.float32)
        ids = rng.integers(0, v, (b, l)).astype(np.int32)
        out = np.empty((b, l, d), dtype=np.float32)
        forms = {
            "take": lambda: np.take(table, ids, axis=0),
            "take_out": lambda: np.take(table, ids, axis=0, out=out),
        }
        for form, fn in forms.items():
            per_call_us(fn, 1.0)  # warm-up
            rounds = [per_call_us(fn, 1.0) for _ in range(5)]
            print("numpy workload=%s form=%s us=%.3f" % (name, form, float(np.median(rounds))), flush=True)


if __name__ == "__main__":
    main()
