#!/usr/bin/python3
"""Where an LSTM training step spends its time on the CPU: the seed-rnn model (LSTM 28 -> 64, a
Linear head on the last of 28 steps, Adam, batch 64) profiled per ATen operator, and the step
split into forward, backward and optimizer. initlab's rnn:lstm-64 calls the same ATen operators
through LibTorch's torch::nn::LSTM (at::lstm), so the breakdown holds for both.
Usage: OPENBLAS_NUM_THREADS=1 bench/profile_lstm.py [THREADS=2] [STEPS=200]"""
import sys
import time

import torch
import torch.nn as nn
from torch.profiler import ProfilerActivity, profile

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
torch.set_num_threads(threads)
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 64, batch_first=True)
        self.fc = nn.Linear(64, 10)

    def forward(self, v):
        out, _ = self.lstm(v)
        return self.fc(out[:, -1])


model = Net()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
x, y = torch.randn(64, 28, 28), torch.randint(0, 10, (64,))
phases = {"forward": 0.0, "backward": 0.0, "optimizer": 0.0}


def step(timed):
    a = time.perf_counter()
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    b = time.perf_counter()
    loss.backward()
    c = time.perf_counter()
    opt.step()
    d = time.perf_counter()
    if timed:
        phases["forward"] += b - a
        phases["backward"] += c - b
        phases["optimizer"] += d - c


for _ in range(20):
    step(False)
for _ in range(steps):
    step(True)
total = sum(phases.values())
print(f"{1000 * total / steps:.2f} ms per step; " + ", ".join(f"{k} {v / total:.0%}" for k, v in phases.items()))
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(steps // 2):
        step(False)
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))
