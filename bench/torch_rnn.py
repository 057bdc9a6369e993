#!/usr/bin/python3
"""PyTorch side of bench/run_rnn_bench.sh: the seed-rnn setup (Fashion-MNIST read row by row: 28
steps of 28 pixels, standardized; LSTM of HIDDEN units, batch_first, a Linear head on the last
step; Adam lr 0.001, batch 64, shuffled each epoch), written as a typical PyTorch loop that tracks
loss and accuracy like initlab's, then evaluates the 10,000 test images as initlab's epoch does.
Usage: torch_rnn.py THREADS EPOCHS HIDDEN"""
import gzip
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

threads, epochs, hidden = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
root = "/usr/share/datasets/fashion-mnist/"


def images(name):
    return torch.tensor(np.frombuffer(gzip.open(root + name).read(), np.uint8, offset=16).reshape(-1, 28, 28), dtype=torch.float32)


def labels(name):
    return torch.tensor(np.frombuffer(gzip.open(root + name).read(), np.uint8, offset=8), dtype=torch.int64)


x, y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
xt, yt = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
mean, std = x.mean(), x.std()
x, xt = (x - mean) / std, (xt - mean) / std


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 10)

    def forward(self, v):
        out, _ = self.lstm(v)
        return self.fc(out[:, -1])


model = Net()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
times = []
for epoch in range(epochs):
    start = time.perf_counter()
    model.train()
    order = torch.randperm(len(x))
    total, correct = 0.0, 0
    for i in range(0, len(x), 64):
        idx = order[i:i + 64]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        out = model(xb)
        loss = nn.functional.cross_entropy(out, yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += (out.argmax(1) == yb).sum().item()
    model.eval()
    with torch.no_grad():
        test_correct = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, len(xt), 1000))
    times.append(time.perf_counter() - start)
times.sort()
s = times[len(times) // 2]
print(json.dumps({"impl": "torch", "samples_per_s": len(x) / s, "epoch_s": s, "test_acc": test_correct / len(xt)}))
