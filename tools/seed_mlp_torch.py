#!/usr/bin/python3
"""Seed notebook 002's MLP trained in PyTorch from Python: the oracle for initlab's `--preset seed-mlp`.

The notebook's setup: nn.Linear(784, 128), ReLU, nn.Linear(128, 10); inputs ToTensor() then
Normalize((0.5,), (0.5,)), i.e. (x / 255 - 0.5) / 0.5; weights by the named torch.nn.init function,
biases zeros; CrossEntropyLoss; SGD lr 0.01; batch 64, shuffled every epoch, the last short batch
kept (DataLoader's default). Trained on the whole training set, scored on the test set, here on
Fashion-MNIST (Debian's dataset-fashion-mnist; the notebook used MNIST, which is not offline).

Prints JSON: {"setup": ..., "runs": [{"init", "seed", "test_accuracy"}]}.

Usage: /usr/bin/python3 tools/seed_mlp_torch.py --inits xavier_uniform,kaiming_uniform --seeds 3 --epochs 2
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"
INITS = {
    "xavier_uniform": nn.init.xavier_uniform_,
    "xavier_normal": nn.init.xavier_normal_,
    "kaiming_uniform": nn.init.kaiming_uniform_,  # the notebook's call: a = 0, fan_in, leaky_relu gain sqrt(2)
    "kaiming_normal": nn.init.kaiming_normal_,
    "zeros": nn.init.zeros_,
}


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(prefix):
    x = torch.from_numpy(read_idx(prefix + "-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32))
    y = torch.from_numpy(read_idx(prefix + "-labels-idx1-ubyte.gz").astype(np.int64))
    return (x / 255.0 - 0.5) / 0.5, y


def run(init, seed, epochs, train, test, lr, batch):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            INITS[init](p)
        else:
            nn.init.zeros_(p)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    x, y = train
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=g)
        for i in range(0, x.shape[0], batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        return (model(test[0]).argmax(1) == test[1]).float().mean().item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inits", default="xavier_uniform,kaiming_uniform")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    inits = a.inits.split(",")
    for i in inits:
        if i not in INITS:
            sys.exit(f"--inits: unknown '{i}'; expected some of {', '.join(INITS)}")
    torch.set_num_threads(a.threads)
    train, test = load("train"), load("t10k")
    runs = [{"init": i, "seed": s, "test_accuracy": run(i, s, a.epochs, train, test, a.lr, a.batch)}
            for i in inits for s in range(1, a.seeds + 1)]
    setup = {"model": "784-128-10 ReLU", "optimizer": "sgd", "lr": a.lr, "batch": a.batch, "epochs": a.epochs,
             "normalize": "(x/255-0.5)/0.5", "data": "fashion-mnist (all 60000 training images, 10000 test)",
             "torch": torch.__version__}
    json.dump({"setup": setup, "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
