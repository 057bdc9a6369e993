#!/usr/bin/env bash
# The seed-mlp training loop: initlab (LibTorch from C++) against the same model, batch,
# optimizer and thread count in PyTorch from Python, in one run; median epoch of EPOCHS.
# Usage: bench/run_train_bench.sh [THREADS=nproc] [EPOCHS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
epochs=${2:-5}
ours=$(./build/bench/initlab_train_bench --threads "$threads" --epochs "$epochs")
ours_autograd=$(./build/bench/initlab_train_bench --threads "$threads" --epochs "$epochs" --autograd 1)
# Same BLAS threading as initlab uses (OpenBLAS single-threaded, see src/lab/train/runtime.cpp).
theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_train.py "$threads" "$epochs")
theirs_default=$(/usr/bin/python3 bench/torch_train.py "$threads" "$epochs")
/usr/bin/python3 - "$ours" "$theirs" "$theirs_default" "$ours_autograd" <<'PY'
import json, sys
o, t, d, a = (json.loads(a) for a in sys.argv[1:5])
print(f"initlab (fused MLP step):         {o['samples_per_s']:9.0f} samples/s ({o['epoch_s']:.2f} s/epoch)")
print(f"initlab (autograd + torch::optim):{a['samples_per_s']:9.0f} samples/s ({a['epoch_s']:.2f} s/epoch)  vs PyTorch below {a['samples_per_s'] / t['samples_per_s']:.2f}x")
print(f"PyTorch, OPENBLAS_NUM_THREADS=1:  {t['samples_per_s']:9.0f} samples/s ({t['epoch_s']:.2f} s/epoch)  ratio {o['samples_per_s'] / t['samples_per_s']:.2f}x")
print(f"PyTorch, default BLAS threads:    {d['samples_per_s']:9.0f} samples/s ({d['epoch_s']:.2f} s/epoch)  ratio {o['samples_per_s'] / d['samples_per_s']:.2f}x")
PY
