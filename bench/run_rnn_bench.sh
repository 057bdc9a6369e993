#!/usr/bin/env bash
# An LSTM epoch on Fashion-MNIST rows: initlab (LibTorch from C++, `initlab train`) against the
# same model, batch, optimizer and thread count in PyTorch from Python (bench/torch_rnn.py), in one
# run. Each repetition runs initlab then PyTorch (OpenBLAS single-threaded, its best setting here),
# EPOCHS epochs each (the median epoch: training on 60,000 images plus the test evaluation, as
# both do); the ratio is the median over repetitions of the two medians' ratio, so a machine
# that drifts in speed hits both sides. PyTorch with its default BLAS threads runs once, at the end.
# Usage: bench/run_rnn_bench.sh [THREADS=nproc] [EPOCHS=2] [HIDDEN=64] [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
epochs=${2:-2}
hidden=${3:-64}
reps=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pairs=()
for rep in $(seq "$reps"); do
  rm -f "$work/b.db"
  ./build/initlab train --model "rnn:lstm-$hidden" --data fashion-mnist,sequence=rows --val 0 --init torch_default --optimizer adam \
    --lr 0.001 --batch 64 --epochs "$epochs" --threads "$threads" --db "$work/b.db" --quiet > /dev/null
  ours=$(./build/initlab results "$work/b.db" --json)
  theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_rnn.py "$threads" "$epochs" "$hidden")
  pairs+=("$ours" "$theirs")
done
theirs_default=$(/usr/bin/python3 bench/torch_rnn.py "$threads" 1 "$hidden")
/usr/bin/python3 - "$theirs_default" "${pairs[@]}" <<'PY'
import json, statistics, sys
d = json.loads(sys.argv[1])
rows = sys.argv[2:]
n = 60000
ours, theirs, ratios = [], [], []
for i in range(0, len(rows), 2):
    epochs = [e["seconds"] for e in json.loads(rows[i])[0]["runs"][0]["epochs"]]
    o, t = statistics.median(epochs), json.loads(rows[i + 1])["epoch_s"]
    ours.append(o); theirs.append(t); ratios.append(t / o)
    print(f"repetition {i // 2 + 1}: initlab {o:.2f} s/epoch, PyTorch {t:.2f} s/epoch, PyTorch / initlab {t / o:.2f}")
o, t = statistics.median(ours), statistics.median(theirs)
print(f"initlab (LibTorch, C++):          {n / o:9.0f} samples/s ({o:.2f} s/epoch, median of {len(ours)} runs)")
print(f"PyTorch, OPENBLAS_NUM_THREADS=1:  {n / t:9.0f} samples/s ({t:.2f} s/epoch)  initlab faster by {statistics.median(ratios):.2f}x (median of per-repetition ratios; range {min(ratios):.2f}-{max(ratios):.2f})")
print(f"PyTorch, default BLAS threads:    {d['samples_per_s']:9.0f} samples/s ({d['epoch_s']:.2f} s/epoch, one epoch)  initlab faster by {d['epoch_s'] / o:.2f}x")
PY
