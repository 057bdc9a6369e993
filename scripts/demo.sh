#!/usr/bin/env bash
# The main job: set up, build, show the initializer library, then the seed notebook's
# experiment done properly: zeros / small normal / Xavier / He / PyTorch default on an MLP,
# Fashion-MNIST, 2 seeds each, ranked with confidence intervals and significance tests, with
# the training monitor; the seed notebook's signal-propagation sweep; an HTML report of both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
set -x
./build/initlab list
./build/initlab sample he_normal --shape 256x784 --seed 0
./build/initlab sample keras_glorot_normal --shape 3x3x64x128 --layout keras --seed 0 --out build/demo_kernel.npy
./build/initlab sample kaiming_uniform:a=sqrt\(5\) --shape 128x784 --generator torch --seed 0 --bins 8
./build/initlab propagate --model mlp:100-100x10-100 --activation relu --init 'normal:std=logspace(1e-4,10,30)' --batch 500 --db build/initlab-results.db
./build/initlab compare --preset seed-mlp --data fashion-mnist --seeds 2 --monitor --db build/initlab-results.db
./build/initlab report build/initlab-results.db -o build/report.html
