#!/usr/bin/python3
"""PyTorch side of bench/run_jobs_bench.sh: the seed notebook's comparison done the usual way in
Python, one run after another: 784-128-10 ReLU MLP, SGD lr 0.01, batch 64, 10 epochs, the inits
zeros, N(0, 0.01^2), Xavier-uniform, Kaiming-uniform and PyTorch's default, 2 seeds each, on
Fashion-MNIST standardized with a 10% validation split; validation and test loss and accuracy
after every epoch, as initlab records them. Prints the wall time of all runs (data loading
included) as JSON. Usage: torch_compare.py SEEDS EPOCHS"""
import gzip
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

start_all = time.perf_counter()
seeds, epochs = int(sys.argv[1]), int(sys.argv[2])
root = "/usr/share/datasets/fashion-mnist/"


def load(prefix):
    x = np.frombuffer(gzip.open(root + prefix + "-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 784)
    y = np.frombuffer(gzip.open(root + prefix + "-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)


x, y = load("train")
xt, yt = load("t10k")
mean, std = x.mean(), x.std()
x, xt = (x - mean) / std, (xt - mean) / std
inits = {
    "zeros": lambda w: nn.init.zeros_(w),
    "normal:std=0.01": lambda w: nn.init.normal_(w, 0, 0.01),
    "xavier_uniform": lambda w: nn.init.xavier_uniform_(w),
    "kaiming_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "torch_default": None,
}


def evaluate(model, xs, ys):
    with torch.no_grad():
        out = model(xs)
        return nn.functional.cross_entropy(out, ys).item(), (out.argmax(1) == ys).float().mean().item()


results = []
for seed in range(seeds):
    for name, init in inits.items():
        torch.manual_seed(seed)
        order0 = torch.randperm(len(x))
        val_idx, train_idx = order0[: len(x) // 10], order0[len(x) // 10:]
        xtr, ytr, xv, yv = x[train_idx], y[train_idx], x[val_idx], y[val_idx]
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        if init:
            for m in model:
                if isinstance(m, nn.Linear):
                    init(m.weight)
                    nn.init.zeros_(m.bias)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        for epoch in range(epochs):
            order = torch.randperm(len(xtr))
            for i in range(0, len(xtr), 64):
                idx = order[i:i + 64]
                opt.zero_grad()
                loss = nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
                loss.backward()
                opt.step()
            val = evaluate(model, xv, yv)
            test = evaluate(model, xt, yt)
        results.append({"init": name, "seed": seed, "test_acc": test[1]})
print(json.dumps({"impl": "torch", "runs": len(results), "wall_s": time.perf_counter() - start_all,
                  "threads": torch.get_num_threads(), "results": results}))
