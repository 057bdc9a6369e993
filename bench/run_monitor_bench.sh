#!/usr/bin/env bash
# Overhead of the training monitor: the seed-mlp loop (bench/train_bench.cpp) with and without
# `--monitor-every K`, on the fused step and on autograd; runs alternate, REPS of each; the
# ratio of the median epoch times. Usage: bench/run_monitor_bench.sh [K=50] [REPS=3] [EPOCHS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
every=${1:-50}
reps=${2:-3}
epochs=${3:-3}
bench=./build/bench/initlab_train_bench
results=()
for _ in $(seq 1 "$reps"); do
  for autograd in 0 1; do
    results+=("$($bench --threads 2 --epochs "$epochs" --autograd $autograd)")
    results+=("$($bench --threads 2 --epochs "$epochs" --autograd $autograd --monitor-every "$every")")
  done
done
/usr/bin/python3 - "$every" "${results[@]}" <<'PY'
import json, statistics, sys
every = int(sys.argv[1])
runs = [json.loads(a) for a in sys.argv[2:]]
for impl in ("initlab", "initlab-autograd"):
    off = [r["epoch_s"] for r in runs if r["impl"] == impl and r["monitor_every"] == 0]
    on = [r["epoch_s"] for r in runs if r["impl"] == impl and r["monitor_every"] == every]
    a, b = statistics.median(off), statistics.median(on)
    print(f"{impl:17s} epoch {a:.3f} s unmonitored, {b:.3f} s with --monitor-every {every}: overhead {100 * (b / a - 1):+.1f}%")
PY
