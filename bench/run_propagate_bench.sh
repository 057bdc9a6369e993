#!/usr/bin/env bash
# `initlab propagate` on torchvision's resnet18 (scripted, 224 px, batch B) against the same work
# in PyTorch from Python with hooks (bench/torch_propagate.py: He init, forward with a hook on every
# weighted / norm / activation module, backward from a random cotangent, per-layer statistics).
# initlab's time per run is the slope of two process timings, (T(--seeds S) - T(--seeds 1)) / (S - 1),
# so loading the model and the memory estimate, done once per process, count for neither side;
# PyTorch's is the median of S in-process runs after a warm-up. Each repetition runs both; the
# ratio is the median of the per-repetition ratios.
# Usage: bench/run_propagate_bench.sh [THREADS=nproc] [BATCH=16] [SIZE=224] [SEEDS=4] [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
batch=${2:-16}
size=${3:-224}
seeds=${4:-4}
reps=${5:-3}
bin=$(realpath build/initlab)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && /usr/bin/python3 "$OLDPWD/tests/lab/make_real_models.py" resnet18)
seconds() {  # one propagate process, wall seconds
  local start end
  start=$(date +%s.%N)
  "$bin" propagate --model "file:$work/resnet18.pt" --input "gaussian:3x${size}x${size}" --init he_normal --batch "$batch" \
    --seeds "$1" --threads "$threads" --json > /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
ratios=()
for rep in $(seq "$reps"); do
  one=$(seconds 1)
  many=$(seconds "$seeds")
  ours=$(echo "($many - $one) / ($seeds - 1)" | bc -l)
  theirs=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_propagate.py "$threads" "$batch" "$size" "$seeds" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['run_s'])")
  ratio=$(echo "$ours / $theirs" | bc -l)
  printf 'repetition %d: initlab %.3f s/run (process: %.2f s for 1 seed, %.2f s for %d), PyTorch %.3f s/run, initlab / PyTorch %.2f\n' \
    "$rep" "$ours" "$one" "$many" "$seeds" "$theirs" "$ratio"
  ratios+=("$ratio")
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{ r[NR] = $1 } END { printf "initlab / PyTorch, median of %d repetitions: %.2fx (range %.2f-%.2f)\n", NR, r[int((NR + 1) / 2)], r[1], r[NR] }'
