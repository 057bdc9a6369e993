#!/usr/bin/python3
"""PyTorch side of bench/run_file_train_bench.sh: the same TorchScript file initlab trains
(`train --model file:M.pt`), loaded with torch.jit.load and trained from Python with Adam lr 0.001,
batch 64, shuffled each epoch, then the 10,000 test images evaluated, as initlab's epoch does.
Inputs standardized by the training set's mean and std (initlab's default --normalize standard).
Usage: torch_file_train.py MODEL.pt THREADS EPOCHS"""
import sys

import torch

from torch_loop import standardized_fashion_mnist, timed_epochs

path, threads, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
x, y, xt, yt = standardized_fashion_mnist()
x, xt = x.unsqueeze(1), xt.unsqueeze(1)
print(timed_epochs(torch.jit.load(path), x, y, xt, yt, epochs))
