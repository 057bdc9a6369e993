#!/usr/bin/python3
"""The summary the epoch benchmarks share (run_rnn_bench.sh, run_vit_bench.sh): per repetition,
initlab's median epoch (from `initlab results --json`) against PyTorch's (the torch_*.py JSON
line); the ratio is the median of the per-repetition ratios. Then PyTorch with its default BLAS
threads, run once.
Usage: epoch_ratio.py PYTORCH_DEFAULT_JSON OURS_JSON THEIRS_JSON [OURS_JSON THEIRS_JSON ...]"""
import json
import statistics
import sys

d = json.loads(sys.argv[1])
rows = sys.argv[2:]
n = 60000
ours, theirs, ratios = [], [], []
for i in range(0, len(rows), 2):
    epochs = [e["seconds"] for e in json.loads(rows[i])[0]["runs"][0]["epochs"]]
    o, t = statistics.median(epochs), json.loads(rows[i + 1])["epoch_s"]
    ours.append(o)
    theirs.append(t)
    ratios.append(t / o)
    print(f"repetition {i // 2 + 1}: initlab {o:.2f} s/epoch, PyTorch {t:.2f} s/epoch, PyTorch / initlab {t / o:.2f}")
o, t = statistics.median(ours), statistics.median(theirs)
print(f"initlab (LibTorch, C++):          {n / o:9.0f} samples/s ({o:.2f} s/epoch, median of {len(ours)} runs)")
print(f"PyTorch, OPENBLAS_NUM_THREADS=1:  {n / t:9.0f} samples/s ({t:.2f} s/epoch)  initlab faster by {statistics.median(ratios):.2f}x "
      f"(median of per-repetition ratios; range {min(ratios):.2f}-{max(ratios):.2f})")
print(f"PyTorch, default BLAS threads:    {d['samples_per_s']:9.0f} samples/s ({d['epoch_s']:.2f} s/epoch, one epoch)  "
      f"initlab faster by {d['epoch_s'] / o:.2f}x")
