#!/usr/bin/env bash
# Installs everything initlab needs on Debian 12 (run as root). Skips apt when all is present.
set -euo pipefail
packages=(
  build-essential cmake g++ git pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  librandom123-dev libeigen3-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  python3 python3-numpy python3-torch   # the PyTorch oracle for parity baselines and benchmarks
  python3-torchvision                   # real models (resnet18, mobilenet_v2, ViT) scripted for the tests
  libtorch-dev libsqlite3-dev zlib1g-dev libboost-dev   # the lab: LibTorch, results store, gzip, Student t
  libtomlplusplus-dev                   # sweep files
  libopenmpi-dev openmpi-bin            # sweeps over many machines (mpirun); optional at build time
  python3-scipy python3-mpmath          # the statistics oracle for tests (paired t, Welch, Holm, power)
  libopenblas0-pthread                  # a fast BLAS behind LibTorch (and python3-torch) instead of the reference one
  dataset-fashion-mnist                 # the bundled default data: /usr/share/datasets/fashion-mnist
  chromium fonts-dejavu-core            # the HTML report's browser test (headless)
  clang libfuzzer-14-dev                # fuzz/ harnesses (libFuzzer) and the asan preset
)
# Node.js and npm for the report's front-end libraries (any node >= 18 already present is kept).
command -v node > /dev/null 2>&1 || packages+=(nodejs)
command -v npm > /dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
# npm packages (web/package-lock.json): vega, vega-lite, vega-embed (inlined into reports at build
# time) and playwright-core (drives Chromium in the browser test). Re-installed only when the lock changes.
web="$(dirname "$0")/../web"
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.initlab-lock" 2> /dev/null; then
  echo "setup: installing the report's npm packages"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
  cp "$web/package-lock.json" "$web/node_modules/.initlab-lock"
fi
echo "setup: all dependencies present"
