#!/usr/bin/env bash
# A vit epoch on Fashion-MNIST: initlab (LibTorch from C++, `initlab train --model vit:...`) against
# the same model, batch, optimizer and thread count in PyTorch from Python (bench/torch_vit.py), in
# one run. Each repetition runs initlab then PyTorch (OpenBLAS single-threaded, its best setting
# here), EPOCHS epochs each (the median epoch: training on 60,000 images plus the test evaluation,
# as both do); the ratio is the median over repetitions of the two medians' ratio, so a machine
# that drifts in speed hits both sides. PyTorch with its default BLAS threads runs once, at the end.
# Usage: bench/run_vit_bench.sh [THREADS=nproc] [EPOCHS=2] [DIM-LAYERS-HEADS=64-4-4] [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
epochs=${2:-2}
shape=${3:-64-4-4}
reps=${4:-3}
IFS=- read -r dim layers heads <<< "$shape"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pairs=()
for rep in $(seq "$reps"); do
  rm -f "$work/b.db"
  ./build/initlab train --model "vit:$shape" --data fashion-mnist --val 0 --init torch_default --optimizer adam \
    --lr 0.001 --batch 64 --epochs "$epochs" --threads "$threads" --db "$work/b.db" --quiet > /dev/null
  ours=$(./build/initlab results "$work/b.db" --json)
  theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_vit.py "$threads" "$epochs" "$dim" "$layers" "$heads")
  pairs+=("$ours" "$theirs")
done
theirs_default=$(/usr/bin/python3 bench/torch_vit.py "$threads" 1 "$dim" "$layers" "$heads")
/usr/bin/python3 bench/epoch_ratio.py "$theirs_default" "${pairs[@]}"
