#!/usr/bin/env bash
# `initlab init` on models scripted by python3-torch: the result still loads and runs in Python,
# every weight follows its rule. Exits 77 (skipped) when Debian's python3 has no torch.
set -euo pipefail
bin=$(realpath "$1")
py=/usr/bin/python3
"$py" -c "import torch" 2> /dev/null || { echo "no python3-torch: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > make_models.py <<'PY'
import torch, torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.bn = nn.BatchNorm2d(16)
        self.lstm = nn.LSTM(8, 12)
        self.fc1 = nn.Linear(16 * 6 * 6, 64)
        self.fc3 = nn.Linear(64, 10)
    def forward(self, x):
        h = torch.relu(self.bn(self.conv(x))).flatten(1)
        return self.fc3(torch.relu(self.fc1(h)))
torch.jit.script(Net()).save("model.pt")
torch.jit.trace(nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2)), torch.randn(1, 5)).save("traced.pt")
torch.jit.script(nn.Sequential(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU()), nn.Flatten(), nn.Linear(8 * 6 * 6, 10))).save("convseq.pt")
torch.jit.script(nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))).save("mlp.pt")
g = torch.Generator().manual_seed(5)
x = torch.randn(400, 10, generator=g) * torch.arange(1, 11) + 3   # features of different scales
with open("d.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(10)) + ",y\n")
    for row in x:
        f.write(",".join(f"{v:.5f}" for v in row.tolist()) + f",{int(row[0] > 3)}\n")
PY
"$py" make_models.py
"$bin" init model.pt --init he_normal --bias 'constant:value=0.01' --override 'fc3.*=zeros' --seed 3 -o out.pt > report.txt
grep -q "lstm.weight_hh_l0 .* (per gate, 4 gates)" report.txt
"$bin" init traced.pt --init orthogonal -o traced_out.pt > /dev/null
"$py" - <<'PY'
import math, torch
m = torch.jit.load("out.pt")
p = dict(m.named_parameters())
w = p["fc1.weight"]; target = math.sqrt(2.0 / 576)
assert abs(w.std().item() - target) < 0.05 * target, (w.std().item(), target)
assert (p["fc1.bias"] == 0.01).all()
assert (p["fc3.weight"] == 0).all() and (p["fc3.bias"] == 0).all()
assert (p["bn.weight"] == 1).all() and (p["bn.bias"] == 0).all()
c = p["conv.weight"]; target = math.sqrt(2.0 / 27)
assert abs(c.std().item() - target) < 0.1 * target
out = m(torch.randn(2, 3, 8, 8))
assert out.shape == (2, 10) and (out == 0).all()   # fc3 zeroed
t = torch.jit.load("traced_out.pt")
w0 = dict(t.named_parameters())["0.weight"]          # (7, 5): orthonormal columns
assert torch.allclose(w0.t() @ w0, torch.eye(5), atol=1e-5)
print("torchscript init ok")
PY
# propagate on TorchScript models: every submodule call seen (nested Sequentials included).
"$bin" propagate --model file:traced.pt --input gaussian:5 --init orthogonal --batch 4000 --json > tr.json
"$bin" propagate --model file:convseq.pt --input gaussian:3x8x8 --init he_normal --batch 256 --seeds 8 --json > cs.json
"$bin" propagate --model file:model.pt --input gaussian:3x8x8 --init he_normal --batch 16 --json > whole.json
"$py" - <<'PY'
import json
tr = json.load(open("tr.json"))["results"][0]["seeds"][0]
assert [l["name"] for l in tr] == ["0", "2"], tr
# 7x5 orthogonal (orthonormal columns) keeps |x|^2: per-unit variance 5/7 of E[x^2] = 1
assert abs(tr[0]["pre_var"] - 5 / 7) < 0.05, tr[0]["pre_var"]
assert tr[0]["theory_var"] is None
cs = json.load(open("cs.json"))["results"][0]["seeds"]
assert [l["name"] for l in cs[0]] == ["0.0", "2"], cs[0]
# He-normal conv (fan_in 27) on N(0,1): Var(pre) = 2 (mean over 8 seeds; sd of the chi-square mean ~0.06)
mean = sum(s[0]["pre_var"] for s in cs) / len(cs)
assert abs(mean - 2) < 0.2, mean
assert all(0 <= s[0]["dead"] < 0.2 for s in cs)
# a forward that is not a chain of children (functional relu, flatten): seen through its module calls
whole = json.load(open("whole.json"))["results"][0]["seeds"][0]
assert [l["name"] for l in whole] == ["conv", "fc1", "fc3"], whole
assert all(l["grad_weight_std"] > 0 for l in whole), whole
print("torchscript propagate ok")
PY
# LSUV on a TorchScript MLP with data from a CSV: initlab reports every layer within tol = 0.1 of
# unit output variance on its batch; Python checks the saved model on the whole file
# (standardized here as the lab does, one mean and std for all features; a looser bound: LSUV saw
# the 90% training split, this is all 400 rows).
"$bin" init mlp.pt --init lsuv --data csv:d.csv,label=y --batch 1000 -o mlp_lsuv.pt > lsuv.txt
[ "$(grep -c '^lsuv ' lsuv.txt)" = 3 ] || { echo "lsuv: expected 3 layers"; cat lsuv.txt; exit 1; }
awk '/^lsuv / { if ($4 < 0.9 || $4 > 1.1) bad = 1 } END { exit bad }' lsuv.txt || { echo "lsuv: a layer outside tol"; cat lsuv.txt; exit 1; }
"$py" - <<'PY'
import torch
m = torch.jit.load("mlp_lsuv.pt").eval()
rows = [list(map(float, l.split(",")[:10])) for l in open("d.csv").read().splitlines()[1:]]
x = torch.tensor(rows)
x = (x - x.mean()) / x.std()
outs = []
h = x
for layer in m.children():
    h = layer(h)
    if isinstance(layer, torch.jit.RecursiveScriptModule) and layer.original_name == "Linear":
        outs.append(h.var(unbiased=False).item())
assert len(outs) == 3 and all(abs(v - 1) < 0.2 for v in outs), outs
print("torchscript lsuv ok", [round(v, 3) for v in outs])
PY
set +e
"$bin" init mlp.pt --init lsuv -o x.pt 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "looks at data: give --data SPEC" err.txt && [ ! -e x.pt ] || { echo "lsuv without data: rc=$rc"; cat err.txt; exit 1; }
"$bin" init mlp.pt --init fixup --data csv:d.csv,label=y -o x.pt 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "only lsuv, datadep and the recurrent recipes work" err.txt && [ ! -e x.pt ] || { echo "fixup on torchscript: rc=$rc"; cat err.txt; exit 1; }
# Bad input: exit 2, one line, no output file.
set +e
"$bin" init missing.pt --init he_normal -o x.pt 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "model file 'missing.pt' does not exist" err.txt && [ ! -e x.pt ] || { echo "missing model: rc=$rc"; cat err.txt; exit 1; }
echo "not a model" > junk.pt
"$bin" init junk.pt --init he_normal -o x.pt 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "is not a TorchScript model" err.txt && [ ! -e x.pt ] || { echo "junk model: rc=$rc"; cat err.txt; exit 1; }
"$bin" init model.pt --init he_normal --override 'fc3' -o x.pt 2> err.txt; rc=$?
[ "$rc" = 2 ] && grep -q "is not PATTERN=SPEC" err.txt && [ ! -e x.pt ] || { echo "bad override: rc=$rc"; cat err.txt; exit 1; }
"$bin" propagate --model file:model.pt --init he_normal 2> err.txt > /dev/null; rc=$?
[ "$rc" = 2 ] && grep -q "needs the input's shape: --input gaussian:SHAPE" err.txt || { echo "propagate without shape: rc=$rc"; cat err.txt; exit 1; }
"$bin" propagate --model file:junk.pt --input gaussian:3 --init he_normal 2> err.txt > /dev/null; rc=$?
[ "$rc" = 2 ] && grep -q "is not a TorchScript model" err.txt || { echo "propagate junk: rc=$rc"; cat err.txt; exit 1; }
echo "1 passed, 0 failed"
