#!/usr/bin/python3
"""The PyTorch side of benchmarks/pytorch-compare.sh: the workload of AnchorRun.java in PyTorch.

Two nn.Embedding(100000, 64, sparse=True) tables from U(-0.05, 0.05), dot product, MSE, SparseAdam (lr 1e-3),
ids cycling over 64 batches, targets over 65 sets. Prints one line:
    torch batch=B steps=S ms_per_step=... last_loss=...
Usage: pytorch_anchor.py BATCH WARMUP_STEPS MEASURED_STEPS
"""
import sys
import time

import numpy as np
import torch


def main():
    batch, warmup, measured = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(2)
    rows, dim = 100_000, 64
    rng = np.random.default_rng(42)
    ids = [(torch.from_numpy(rng.integers(0, rows, batch)), torch.from_numpy(rng.integers(0, rows, batch)))
           for _ in range(64)]
    targets = [torch.from_numpy(rng.uniform(-0.01, 0.01, batch).astype(np.float32)) for _ in range(65)]
    users = torch.nn.Embedding(rows, dim, sparse=True)
    items = torch.nn.Embedding(rows, dim, sparse=True)
    for e in (users, items):
        torch.nn.init.uniform_(e.weight, -0.05, 0.05)
    opt = torch.optim.SparseAdam(list(users.parameters()) + list(items.parameters()), lr=1e-3)
    loss = torch.tensor(0.0)
    start = 0.0
    for k in range(warmup + measured):
        if k == warmup:
            start = time.perf_counter()
        u, i = ids[k % 64]
        opt.zero_grad()
        pred = (users(u) * items(i)).sum(dim=1)
        loss = torch.nn.functional.mse_loss(pred, targets[k % 65])
        loss.backward()
        opt.step()
    ms = (time.perf_counter() - start) * 1e3 / measured
    print("torch batch=%d steps=%d ms_per_step=%.4f last_loss=%.3g" % (batch, measured, ms, loss.item()))


if __name__ == "__main__":
    main()
