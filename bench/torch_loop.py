"""What the PyTorch sides of the benchmarks share: Fashion-MNIST from Debian's package, and one
training epoch written as a typical PyTorch loop that tracks loss and accuracy like initlab's."""
import gzip

import numpy as np
import torch
import torch.nn as nn

ROOT = "/usr/share/datasets/fashion-mnist/"


def fashion_mnist(split):
    """(images as float32 (N, 28, 28), labels as int64) of split 'train' or 't10k', unscaled."""
    images = np.frombuffer(gzip.open(ROOT + split + "-images-idx3-ubyte.gz").read(), np.uint8, offset=16).reshape(-1, 28, 28)
    labels = np.frombuffer(gzip.open(ROOT + split + "-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
    return torch.tensor(images, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


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
