#!/usr/bin/env bash
# An LSTM epoch on Fashion-MNIST rows: initlab (LibTorch from C++, `initlab train`) against the
# same model, batch, optimizer and thread count in PyTorch from Python (bench/torch_rnn.py), in one
# run; the median epoch of EPOCHS (training on 60,000 images plus the test evaluation, as both do).
# Usage: bench/run_rnn_bench.sh [THREADS=nproc] [EPOCHS=3] [HIDDEN=64]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
epochs=${2:-3}
hidden=${3:-64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./build/initlab train --model "rnn:lstm-$hidden" --data fashion-mnist,sequence=rows --val 0 --init torch_default --optimizer adam \
  --lr 0.001 --batch 64 --epochs "$epochs" --threads "$threads" --db "$work/b.db" --quiet > /dev/null
ours=$(./build/initlab results "$work/b.db" --json)
theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_rnn.py "$threads" "$epochs" "$hidden")
theirs_default=$(/usr/bin/python3 bench/torch_rnn.py "$threads" "$epochs" "$hidden")
/usr/bin/python3 - "$ours" "$theirs" "$theirs_default" <<'PY'
import json, sys
runs = json.loads(sys.argv[1])[0]["runs"]
epochs = sorted(e["seconds"] for e in runs[0]["epochs"])
ours = epochs[len(epochs) // 2]
t, d = json.loads(sys.argv[2]), json.loads(sys.argv[3])
n = 60000
print(f"initlab (LibTorch LSTM, C++):     {n / ours:9.0f} samples/s ({ours:.2f} s/epoch)")
print(f"PyTorch, OPENBLAS_NUM_THREADS=1:  {t['samples_per_s']:9.0f} samples/s ({t['epoch_s']:.2f} s/epoch)  initlab / PyTorch {t['epoch_s'] / ours:.2f}x")
print(f"PyTorch, default BLAS threads:    {d['samples_per_s']:9.0f} samples/s ({d['epoch_s']:.2f} s/epoch)  initlab / PyTorch {d['epoch_s'] / ours:.2f}x")
PY
