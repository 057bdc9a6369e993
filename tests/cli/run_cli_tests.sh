#!/usr/bin/env bash
# End-to-end tests of the initlab CLI: golden output for normal runs; exit code 2, a one-line
# error and no file written for bad input; files checked with numpy where python3-numpy exists.
# Usage: run_cli_tests.sh PATH/TO/initlab TESTS/CLI/DIR     (UPDATE_GOLDEN=1 rewrites goldens)
set -u
bin=$(realpath "$1")
dir=$(realpath "$2")
golden=$dir/golden
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

# golden NAME EXPECTED_RC ARGS...: stdout+stderr must equal golden/NAME.txt
golden() {
  local name=$1 want=$2
  shift 2
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then printf '%s\n' "$out" > "$golden/$name.txt"; fi
  if [ "$rc" != "$want" ]; then bad "$name: exit code $rc, expected $want"; return; fi
  if [ "$out" != "$(cat "$golden/$name.txt")" ]; then
    bad "$name: output differs from golden/$name.txt"
    diff <(printf '%s\n' "$out") "$golden/$name.txt" | head -20
    return
  fi
  ok
}

# rejects NAME ARGS...: exit 2, exactly one line on stderr starting 'initlab: error:', nothing on stdout, no files left
rejects() {
  local name=$1
  shift
  local before after rc
  before=$(ls -A | sort)
  "$bin" "$@" > out.txt 2> err.txt
  rc=$?
  rm -f out.stdout
  after=$(ls -A | sort)
  if [ "$rc" != 2 ]; then bad "$name: exit code $rc, expected 2"; cat err.txt; return; fi
  if [ "$(wc -l < err.txt)" != 1 ] || ! grep -q '^initlab: error: ' err.txt; then bad "$name: stderr is not one error line:"; cat err.txt; return; fi
  if [ -s out.txt ]; then bad "$name: printed to stdout"; return; fi
  if [ "$before" != "$after" ]; then bad "$name: left files: $after"; return; fi
  if [ -n "${prefix:-}" ]; then  # the message must start with $prefix (it varies with the build)
    case "$(cat err.txt)" in "$prefix"*) ok ;; *) bad "$name: message does not start with '$prefix':"; cat err.txt ;; esac
    return
  fi
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp err.txt "$golden/$name.txt"; fi
  if ! cmp -s err.txt "$golden/$name.txt"; then bad "$name: message differs:"; diff err.txt "$golden/$name.txt"; return; fi
  ok
}
touch out.txt err.txt

golden list 0 list
golden sample_he_normal 0 sample he_normal --shape 256x784 --seed 0
golden sample_keras_conv 0 sample keras_he_normal --shape 3x3x32x64 --layout keras --seed 7 --bins 8
golden sample_torch_json 0 sample xavier_uniform --shape 8x4 --generator torch --seed 0 --json
golden sample_zero_init 0 sample zero_init --shape 6x3 --bins 4
golden theory_tanh 0 theory --activation tanh --sigma-w 1.5 --sigma-b 0.05
golden theory_relu_depth 0 theory --activation relu --sigma-w 1.4142135623730951 --depth 3
golden theory_critical_line 0 theory --activation tanh --critical-line --sigma-b-max 0.3 --points 3

rejects err_unknown_init sample kaiming_normall --shape 3x3
rejects err_unknown_param sample normal:sd=1 --shape 3x3
rejects err_negative_std sample normal:std=-1 --shape 3x3
rejects err_bad_shape sample he_normal --shape 3xfoo
rejects err_rank1_fan sample he_normal --shape 10 --out w.npy
rejects err_bad_extension sample he_normal --shape 3x3 --out w.txt
rejects err_missing_folder sample he_normal --shape 3x3 --out nowhere/w.npy
rejects err_bad_layout sample he_normal --shape 3x3 --layout tf
rejects err_missing_shape sample he_normal
rejects err_dirac_groups sample dirac:groups=3 --shape 8x4x3x3 --out w.npy
rejects err_sparsity sample sparse:sparsity=2 --shape 8x4
rejects err_theory_activation theory --activation swish
rejects err_theory_sigma theory --sigma-w -1
rejects err_theory_param_nan theory --activation leaky_relu --param nan
prefix="initlab: error: a command is required; expected one of: list, sample" rejects err_no_command

# Files: .npy, .safetensors and .csv hold the same tensor, written atomically.
"$bin" sample orthogonal:gain=2 --shape 6x10 --seed 3 --out w.npy > /dev/null || bad "write npy"
"$bin" sample orthogonal:gain=2 --shape 6x10 --seed 3 --out w.safetensors > /dev/null || bad "write safetensors"
"$bin" sample orthogonal:gain=2 --shape 6x10 --seed 3 --out w.csv > /dev/null || bad "write csv"
if ls -A | grep -q '\.tmp-'; then bad "temporary file left behind"; else ok; fi
py=""
for cand in /usr/bin/python3 python3; do
  if "$cand" -c "import numpy" 2> /dev/null; then py=$cand; break; fi
done
if [ -n "$py" ]; then
  if "$py" - <<'PY'
import json, struct, numpy as np
a = np.load("w.npy")
assert a.dtype == np.float32 and a.shape == (6, 10), (a.dtype, a.shape)
assert np.allclose(a @ a.T, 4 * np.eye(6), atol=1e-5), "rows of orthogonal:gain=2 are not orthogonal with norm 2"
raw = open("w.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
head = json.loads(raw[8:8 + n])
t = head["weight"]
assert t["dtype"] == "F32" and t["shape"] == [6, 10]
b = np.frombuffer(raw[8 + n + t["data_offsets"][0]:8 + n + t["data_offsets"][1]], dtype="<f4").reshape(6, 10)
assert (a == b).all()
c = np.loadtxt("w.csv", delimiter=",", dtype=np.float32)
assert (a == c).all()
PY
  then ok; else bad "npy/safetensors/csv contents"; fi
else
  echo "note: no python3 with numpy; file contents checked by the C++ tests only"
fi

finish
