#!/usr/bin/env bash
# Issue 16: `train` / `compare --model file:M.pt` train a user's TorchScript model with the lab's
# inits, the training monitor seeing its layers through the submodule calls.
#  - parity: a file MLP (two of its layers tied) on CSV data, full batch, plain SGD: every epoch's training loss equals the same
#    model (weights from `initlab init` with the same spec and seed) trained by torch.optim.SGD in
#    PyTorch from Python, within 1e-4 relative;
#  - a CNN with BatchNorm, a residual add and dropout (make_real_models.py small_cnn) on Fashion-MNIST:
#    the monitor names its layers (conv1, conv2, fc) and its step-0 weight std is He's sqrt(2 / fan_in);
#    runs are identical in this process and in worker processes (--jobs 2), dropout included; LSUV
#    leaves every layer's output variance near 1;
#  - a model that takes vectors gets flattened images; a changed file is a new experiment;
#  - a wrong output size, a model that cannot take the data, options for lab models, a scheme that
#    needs the architecture: one line each, exit 2, nothing written.
# Exits 77 (skipped) without python3-torchvision.
source "$(dirname "$(realpath "$0")")/real_models_prelude.sh"
"$py" "$here/make_real_models.py" small_cnn small_cnn7 vector_mlp blobs rgb

# --- parity with PyTorch's SGD on a file MLP ------------------------------------------------------------
"$py" - <<'PY'
import torch
g = torch.Generator().manual_seed(11)
centers = torch.randn(3, 6, generator=g) * 2
with open("blobs.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(6)) + ",y\n")
    for k in range(300):
        c = k % 3
        x = centers[c] + torch.randn(6, generator=g)
        f.write(",".join(f"{v:.5f}" for v in x.tolist()) + f",{c}\n")
PY
"$bin" init blobs.pt --init he_normal --seed 3 -o blobs_init.pt > /dev/null
"$bin" train --model file:blobs.pt --data csv:blobs.csv,label=y --init he_normal --seed 3 --val 0 --normalize none \
  --batch 270 --epochs 6 --lr 0.5 --momentum 0 --db parity.db --quiet > parity.txt
"$py" - <<'PY'
import csv, sqlite3, torch, torch.nn.functional as F
rows = list(csv.reader(open("blobs.csv")))[1:]
X = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
Y = torch.tensor([int(r[-1]) for r in rows])
perm = torch.randperm(len(rows), generator=torch.Generator().manual_seed(3))  # initlab's split: the data seed's permutation
X, Y = X[perm][30:], Y[perm][30:]  # the first tenth is the test set (CSV data has none)
m = torch.jit.load("blobs_init.pt")
opt = torch.optim.SGD(m.parameters(), lr=0.5)
expected = []
for epoch in range(6):
    loss = F.cross_entropy(m(X), Y)
    expected.append(loss.item())
    opt.zero_grad(); loss.backward(); opt.step()
got = [r[0] for r in sqlite3.connect("parity.db").execute("select train_loss from epochs order by epoch")]
assert len(got) == 6, got
for e, (a, b) in enumerate(zip(got, expected)):
    assert abs(a - b) <= 1e-4 * abs(b), (e + 1, a, b)
assert expected[-1] < 0.5 * expected[0], expected  # it learned
print("parity ok", [round(v, 5) for v in got])
PY

# --- a CNN with BatchNorm, a residual add and dropout; the monitor; workers ------------------------------
common=(--model file:small_cnn.pt --data fashion-mnist --limit 1000 --epochs 1 --monitor --monitor-every 5 --quiet)
"$bin" compare "${common[@]}" --inits he_normal,xavier_uniform --seeds 2 --jobs 2 --db jobs.db > /dev/null
"$bin" compare "${common[@]}" --inits he_normal,xavier_uniform --seeds 2 --jobs 1 --db one.db > /dev/null
"$py" - <<'PY'
import json, math, sqlite3
def runs(db):
    c = sqlite3.connect(db)
    return {(r[0], r[1]): r[2:] for r in c.execute(
        "select r.init, r.seed, e.train_loss, e.test_loss from runs r join epochs e on e.run_id = r.id")}
a, b = runs("jobs.db"), runs("one.db")
assert len(a) == 4 and a == b, (a, b)  # dropout draws and shuffles follow the run's seed, in any process
c = sqlite3.connect("one.db")
cfg = json.loads(c.execute("select config from experiments").fetchone()[0])
assert len(cfg.get("model_digest", "")) == 16, cfg
rows = c.execute("select s.layer, s.weight_std from layer_stats s join runs r on r.id = s.run_id "
                 "where r.init = 'he_normal' and s.step = 0 order by s.rowid").fetchall()
layers = [r[0] for r in rows]
assert layers[:3] == ["conv1", "conv2", "fc"], layers
fan_in = {"conv1": 9, "conv2": 144, "fc": 256}
for name, std in rows:
    want = math.sqrt(2 / fan_in[name])  # He normal; 144 .. 2560 values: the std's sampling error is < 6%
    assert abs(std / want - 1) < 0.12, (name, std, want)
print("monitor ok", layers[:3])
PY
"$bin" train --model file:small_cnn.pt --data fashion-mnist --limit 1000 --epochs 1 --init lsuv --seed 2 > lsuv.txt 2>&1
[ "$(grep -c '^  lsuv ' lsuv.txt)" = 3 ] || { echo "lsuv: 3 layers expected"; cat lsuv.txt; exit 1; }
awk '/^  lsuv / { v = $NF; if (v < 0.9 || v > 1.1) { print "lsuv variance " v; exit 1 } }' lsuv.txt

# --- samples as vectors; a changed file is another experiment ----------------------------------------------
"$bin" train --model file:vector_mlp.pt --data fashion-mnist --limit 500 --epochs 1 --init xavier_uniform --db vec.db --quiet > /dev/null
"$py" -c "
import torch
m = torch.jit.load('vector_mlp.pt')
with torch.no_grad(): m.fc2.bias.fill_(0.5)
m.save('vector_mlp.pt')"
"$bin" train --model file:vector_mlp.pt --data fashion-mnist --limit 500 --epochs 1 --init xavier_uniform --db vec.db --quiet > /dev/null
[ "$("$py" -c "import sqlite3; print(sqlite3.connect('vec.db').execute('select count(*) from experiments').fetchone()[0])")" = 2 ] \
  || { echo "a changed model file reused the old experiment"; exit 1; }
# ... and in a sweep: the changed file is another sweep, whose point is the new experiment
cat > sweep.toml <<'TOML'
model = "file:vector_mlp.pt"
data = "fashion-mnist"
limit = 300
epochs = 1
lr = "logspace(0.01,0.1,2)"
inits = ["xavier_uniform"]
seeds = 1
TOML
"$bin" sweep sweep.toml --db sw.db --jobs 1 --quiet > /dev/null
"$py" -c "
import torch
m = torch.jit.load('vector_mlp.pt')
with torch.no_grad(): m.fc2.bias.fill_(-0.5)
m.save('vector_mlp.pt')"
"$bin" sweep sweep.toml --db sw.db --jobs 1 --quiet > /dev/null
"$py" - <<'PY'
import sqlite3
c = sqlite3.connect("sw.db")
sweeps = c.execute("select id from sweeps order by id").fetchall()
assert len(sweeps) == 2, sweeps  # the changed file: a new sweep
points = [set(r[0] for r in c.execute("select experiment_id from sweep_points where sweep_id = ?", s)) for s in sweeps]
assert len(points[0]) == 2 and len(points[1]) == 2 and not (points[0] & points[1]), points
print("sweep ok")
PY

# --- one line, exit 2, nothing written -------------------------------------------------------------------
refuse() {  # NAME EXPECTED-TEXT ARGS...
  local name=$1 text=$2; shift 2
  set +e
  "$bin" train "$@" --data fashion-mnist --limit 200 --epochs 1 --db refused.db > /dev/null 2> "$name.err"; local rc=$?
  set -e
  [ "$rc" = 2 ] && [ "$(wc -l < "$name.err")" = 1 ] && grep -qF -- "$text" "$name.err" && [ ! -e refused.db ] \
    || { echo "$name: rc=$rc"; cat "$name.err"; exit 1; }
}
refuse outputs "returns 2x7 for 2 samples of --data 'fashion-mnist'; expected 2x10 (10 classes)" --model file:small_cnn7.pt --init he_normal
refuse options "--activation, --batchnorm, --dropout and --param shape the lab's own models" --model file:small_cnn.pt --batchnorm --init he_normal
refuse scheme "on a TorchScript model only lsuv, datadep and the recurrent recipes work" --model file:small_cnn.pt --init fixup
refuse gpt2 "on a TorchScript model only lsuv, datadep and the recurrent recipes work" --model file:small_cnn.pt --init gpt2
refuse missing "--model file 'nothing.pt' does not exist" --model file:nothing.pt --init he_normal
printf 'not torchscript' > junk.pt
refuse junk "is not a TorchScript model" --model file:junk.pt --init he_normal
refuse shape "does not take --data 'fashion-mnist' samples of shape 1x28x28 (nor flattened to 784): " --model file:rgb.pt --init he_normal
echo "real models train ok"
