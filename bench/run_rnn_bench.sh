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
/usr/bin/python3 bench/epoch_ratio.py "$theirs_default" "${pairs[@]}"
