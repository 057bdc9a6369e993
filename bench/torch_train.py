#!/usr/bin/python3
"""PyTorch side of bench/run_train_bench.sh: the seed-mlp loop (784-128-10 ReLU, SGD lr 0.01,
batch 64, Fashion-MNIST standardized, shuffled each epoch) written as a typical PyTorch loop that
tracks loss and accuracy like initlab's. Usage: torch_train.py THREADS EPOCHS"""
import json
import sys
import time

import torch
import torch.nn as nn

from torch_loop import fashion_mnist, train_epoch

threads, epochs = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)
x, y = fashion_mnist("train")
x = ((x - x.mean()) / x.std()).unsqueeze(1)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
times = []
for epoch in range(epochs):
    start = time.perf_counter()
    train_epoch(model, opt, x, y)
    times.append(time.perf_counter() - start)
times.sort()
s = times[len(times) // 2]
print(json.dumps({"impl": "torch", "samples_per_s": len(x) / s, "epoch_s": s}))
