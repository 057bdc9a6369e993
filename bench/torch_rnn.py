#!/usr/bin/python3
"""PyTorch side of bench/run_rnn_bench.sh: the seed-rnn setup (Fashion-MNIST read row by row: 28
steps of 28 pixels, standardized; LSTM of HIDDEN units, batch_first, a Linear head on the last
step; Adam lr 0.001, batch 64, shuffled each epoch), written as a typical PyTorch loop that tracks
loss and accuracy like initlab's, then evaluates the 10,000 test images as initlab's epoch does.
Usage: torch_rnn.py THREADS EPOCHS HIDDEN"""
import sys

import torch
import torch.nn as nn

from torch_loop import standardized_fashion_mnist, timed_epochs

threads, epochs, hidden = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
x, y, xt, yt = standardized_fashion_mnist()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 10)

    def forward(self, v):
        out, _ = self.lstm(v)
        return self.fc(out[:, -1])


print(timed_epochs(Net(), x, y, xt, yt, epochs))
