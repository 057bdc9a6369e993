#!/usr/bin/env bash
# `--preset seed-mlp` against seed notebook 002's own setup trained in PyTorch from Python
# (tools/seed_mlp_torch.py): the same model, preprocessing ((x/255-0.5)/0.5), optimizer, batch,
# epochs and training set; each init's mean test accuracy over 3 seeds must agree within the
# seeds' spread (Welch's t-test p > 0.01) and within 0.6 points. Standardized inputs (the preset's
# old preprocessing) put initlab about a point above PyTorch: this test would catch it.
set -euo pipefail
bin=$(realpath "$1")
tool=$(realpath "$2")
[ -d /usr/share/datasets/fashion-mnist ] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
epochs=3
seeds=3
"$bin" compare --preset seed-mlp --inits xavier_uniform,kaiming_uniform --epochs $epochs --val 0 --seeds $seeds --seed 1 \
  --db "$work/r.db" --quiet --json > "$work/initlab.json"
/usr/bin/python3 "$tool" --inits xavier_uniform,kaiming_uniform --epochs $epochs --seeds $seeds > "$work/torch.json"
/usr/bin/python3 - "$work/initlab.json" "$work/torch.json" <<'PY'
import json, sys
from scipy import stats
ours = {x["init"]: x["final"] for x in json.load(open(sys.argv[1]))["ranked"]}
torch = {}
for r in json.load(open(sys.argv[2]))["runs"]:
    torch.setdefault(r["init"], []).append(r["test_accuracy"])
failed = 0
for init in ["xavier_uniform", "kaiming_uniform"]:
    a, b = ours[init], torch[init]
    diff = sum(a) / len(a) - sum(b) / len(b)
    p = stats.ttest_ind(a, b, equal_var=False).pvalue
    ok = len(a) == len(b) == 3 and abs(diff) < 0.006 and p > 0.01
    failed += not ok
    print(f"{init}: initlab {[round(x, 4) for x in a]} torch {[round(x, 4) for x in b]} difference {100 * diff:+.2f} points, Welch p {p:.2g}: {'ok' if ok else 'FAILED'}")
print(f"{2 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
