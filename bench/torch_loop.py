"""What the PyTorch sides of the benchmarks share: Fashion-MNIST from Debian's package, and one
training epoch written as a typical PyTorch loop that tracks loss and accuracy like initlab's."""
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn

ROOT = "/usr/share/datasets/fashion-mnist/"


def fashion_mnist(split):
    """(images as float32 (N, 28, 28), labels as int64) of split 'train' or 't10k', unscaled."""
    images = np.frombuffer(gzip.open(ROOT + split + "-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 28, 28)
    labels = np.frombuffer(gzip.open(ROOT + split + "-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
    return torch.tensor(images, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def standardized_fashion_mnist():
    """(x, y, xt, yt): the training and test images standardized by the training set's mean and std,
    initlab's default --normalize standard, as (N, 28, 28) float32."""
    x, y = fashion_mnist("train")
    xt, yt = fashion_mnist("t10k")
    mean, std = x.mean(), x.std()
    return (x - mean) / std, y, (xt - mean) / std, yt


def train_epoch(model, opt, x, y, batch=64):
    """One shuffled pass over (x, y) with cross-entropy; returns (mean loss, accuracy)."""
    order = torch.randperm(len(x))
    total, correct = 0.0, 0
    for i in range(0, len(x), batch):
        idx = order[i:i + batch]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        out = model(xb)
        loss = nn.functional.cross_entropy(out, yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += (out.argmax(1) == yb).sum().item()
    return total / len(x), correct / len(x)


def timed_epochs(model, x, y, xt, yt, epochs, lr=0.001):
    """Adam at lr, `epochs` epochs, each a training pass plus the test set's evaluation (1,000 at
    a time), as initlab's epoch does; returns the JSON line the benchmark scripts read: the
    median epoch's seconds and samples per second, and the last test accuracy."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        train_epoch(model, opt, x, y)
        model.eval()
        with torch.no_grad():
            test_correct = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, len(xt), 1000))
        times.append(time.perf_counter() - start)
    times.sort()
    s = times[len(times) // 2]
    return json.dumps({"impl": "torch", "samples_per_s": len(x) / s, "epoch_s": s, "test_acc": test_correct / len(xt)})
