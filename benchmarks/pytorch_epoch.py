#!/usr/bin/python3
"""PyTorch's side of TrainingBenchmark.epoch: one epoch of the MovieLens example's dot model.

The model: Embedding(944, 64) and Embedding(1683, 64), a dot product, MAE and Adam (lr 1e-3). One epoch is
72,000 ratings, shuffled, in 1,125 steps of 64, as Keras's fit and tensorkit's fit run it. The ids and ratings are
random in the example's ranges (users 1-943, items 1-1682, ratings 1-5); the timing does not depend on their
values. Two forms are run: sparse=True with SparseAdam (as pytorch_anchor.py), and dense embeddings with Adam
(what a PyTorch user writes for tables this small). Prints one line per form:
    torch form=F epoch_ms=...
It reports the median of 5 timed epochs, after 2 epochs of warm-up.

Usage: /usr/bin/python3 benchmarks/pytorch_epoch.py   (Debian's python3-torch; not part of the build)
"""
import time

import numpy as np
import torch

ROWS, BATCH, DIM = 72_000, 64, 64


def epoch(users, items, opt, u_ids, i_ids, ratings, generator):
    order = torch.randperm(ROWS, generator=generator)
    for start in range(0, ROWS, BATCH):
        idx = order[start:start + BATCH]
        opt.zero_grad()
        pred = (users(u_ids[idx]) * items(i_ids[idx])).sum(dim=1)
        loss = torch.nn.functional.l1_loss(pred, ratings[idx])
        loss.backward()
        opt.step()


def main():
    torch.set_num_threads(2)
    rng = np.random.default_rng(42)
    u_ids = torch.from_numpy(rng.integers(1, 944, ROWS))
    i_ids = torch.from_numpy(rng.integers(1, 1683, ROWS))
    ratings = torch.from_numpy(rng.integers(1, 6, ROWS).astype(np.float32))
    for form in ("sparse", "dense"):
        sparse = form == "sparse"
        users = torch.nn.Embedding(944, DIM, sparse=sparse)
        items = torch.nn.Embedding(1683, DIM, sparse=sparse)
        for e in (users, items):
            torch.nn.init.uniform_(e.weight, -0.05, 0.05)
        params = list(users.parameters()) + list(items.parameters())
        opt = torch.optim.SparseAdam(params, lr=1e-3) if sparse else torch.optim.Adam(params, lr=1e-3)
        generator = torch.Generator().manual_seed(42)
        for _ in range(2):
            epoch(users, items, opt, u_ids, i_ids, ratings, generator)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            epoch(users, items, opt, u_ids, i_ids, ratings, generator)
            times.append((time.perf_counter() - start) * 1e3)
        print("torch form=%s epoch_ms=%.1f" % (form, float(np.median(times))), flush=True)


if __name__ == "__main__":
    main()
