#!/usr/bin/env bash
# tests/data/stats_scipy.json must be what tools/stats_oracle.py writes now: same inputs, same
# cases, every number within 1e-12 relative (a SciPy upgrade may move last digits, nothing more).
# Exits 77 (ctest: skipped) where /usr/bin/python3 lacks numpy, scipy or mpmath.
set -euo pipefail
src=$1
py=/usr/bin/python3
"$py" -c "import numpy, scipy, mpmath" 2> /dev/null || { echo "no numpy/scipy/mpmath: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" "$src/tools/stats_oracle.py" "$tmp/now.json"
"$py" - "$tmp/now.json" "$src/tests/data/stats_scipy.json" <<'PY'
import json, math, sys
now, committed = (json.load(open(p)) for p in sys.argv[1:3])

def same(a, b, where):
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{where}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            if k not in ("scipy", "numpy"):  # versions may differ; the numbers may not
                same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{where}: {len(a)} vs {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert not isinstance(a, bool) and not isinstance(b, bool), where
        assert abs(a - b) <= 1e-12 * max(abs(a), abs(b)), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"

try:
    same(now, committed, "stats_scipy")
except AssertionError as e:
    sys.exit(f"stale tests/data/stats_scipy.json ({e}); rerun: /usr/bin/python3 tools/stats_oracle.py tests/data/stats_scipy.json")
PY
echo "stats_scipy.json matches tools/stats_oracle.py"
