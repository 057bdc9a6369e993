# Sourced by the real-model tests (lab.real_models, lab.real_models_init) with the initlab binary as
# $1: strict mode, $bin, $here (tests/lab), $py, a skip (exit 77) without python3-torchvision, and a
# scratch folder as the working directory, removed on exit.
set -euo pipefail
bin=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
py=/usr/bin/python3
"$py" -c "import torchvision" 2> /dev/null || { echo "no python3-torchvision: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
