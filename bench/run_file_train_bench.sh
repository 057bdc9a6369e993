#!/usr/bin/env bash
# A user's TorchScript model trained by initlab (`initlab train --model file:M.pt`: LibTorch from
# C++ through the script module) against the same file trained from Python (torch.jit.load, the
# same batch, optimizer and thread count; bench/torch_file_train.py), one epoch of Fashion-MNIST
# each. The model is tests/lab/make_real_models.py's small_cnn (Conv-BN-ReLU, a residual conv,
# pooling, dropout, Linear). Each repetition runs initlab then PyTorch (OpenBLAS single-threaded);
# the ratio is the median of the per-repetition ratios (bench/epoch_ratio.py). PyTorch with its
# default BLAS threads runs once, at the end.
# Usage: bench/run_file_train_bench.sh [THREADS=nproc] [EPOCHS=1] [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
epochs=${2:-1}
reps=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(pwd)
(cd "$work" && /usr/bin/python3 "$here/tests/lab/make_real_models.py" small_cnn)
pairs=()
for rep in $(seq "$reps"); do
  rm -f "$work/b.db"
  ./build/initlab train --model "file:$work/small_cnn.pt" --data fashion-mnist --val 0 --init torch_default --optimizer adam \
    --lr 0.001 --batch 64 --epochs "$epochs" --threads "$threads" --db "$work/b.db" --quiet > /dev/null
  ours=$(./build/initlab results "$work/b.db" --json)
  theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_file_train.py "$work/small_cnn.pt" "$threads" "$epochs")
  pairs+=("$ours" "$theirs")
done
theirs_default=$(/usr/bin/python3 bench/torch_file_train.py "$work/small_cnn.pt" "$threads" 1)
/usr/bin/python3 bench/epoch_ratio.py "$theirs_default" "${pairs[@]}"
