#!/usr/bin/env bash
# Issue 16: initlab on the models people train, scripted from torchvision 0.14 (weights=None) and
# a small Embedding + LSTM model: propagate sees every layer of residual, branching, attention and
# recurrent models through their module calls; pre-activation statistics survive in-place ReLUs;
# an input the model does not take is one line naming the module. Exits 77 (skipped) without
# python3-torchvision.
source "$(dirname "$(realpath "$0")")/real_models_prelude.sh"
"$py" "$here/make_real_models.py" resnet18 mobilenet_v2 vit tagger
"$bin" propagate --model file:resnet18.pt --input gaussian:3x64x64 --init he_normal --init normal:std=0.01 --batch 8 --json > resnet.json
"$bin" propagate --model file:resnet18.pt --input gaussian:3x64x64 --init he_normal --batch 4 > resnet.txt
"$bin" propagate --model file:mobilenet_v2.pt --input gaussian:3x32x32 --init normal:std=0.01 --batch 8 --json > mobilenet.json
"$bin" propagate --model file:vit.pt --input gaussian:3x32x32 --init xavier_uniform --batch 16 --json > vit.json
"$bin" propagate --model file:tagger.pt --input tokens:1000x12 --init xavier_uniform --batch 16 --json > tagger.json
"$py" - <<'PY'
import json, math
r = json.load(open("resnet.json"))["results"]
he, small = r[0], r[1]
names = [l["name"] for l in he["seeds"][0]]
# conv1, 16 convs in 8 blocks, 3 downsample convs, fc: every weighted module, in execution order
assert len(names) == 21 and names[0] == "conv1" and names[-1] == "fc", names
assert "layer3.1.conv2" in names and "layer2.0.downsample.0" in names, names
assert he["verdict"] == "stable" and small["verdict"] == "vanishing", (he["verdict"], small["verdict"], small["forward_ratio"])
first = he["seeds"][0][0]
# He normal, fan_in 3*7*7, N(0,1) input, BatchNorm at its initial running statistics (eval): Var(pre) = 2, read before the
# in-place ReLU changes the tensor (sampling sd of the mean over 64 filters ~0.03)
assert abs(first["pre_var"] - 2) < 0.2, first
assert abs(first["act_mean"] - math.sqrt(2) / math.sqrt(2 * math.pi)) < 0.06, first  # E relu(z), z ~ N(0, 2): 0.564
assert all(math.isfinite(l["grad_pre_std"]) and l["grad_pre_std"] > 0 for l in he["seeds"][0]), he["seeds"][0]
# per-module statistics for every module call, in the order PyTorch's own forward hooks fire on the eager model
import torch, torchvision
eager = torchvision.models.resnet18(weights=None).eval()
fired = []
for n, mod in eager.named_modules():
    if n:
        mod.register_forward_hook(lambda mod, i, o, n=n: fired.append(n))
eager(torch.randn(2, 3, 64, 64))
mods = he["modules"]
assert [x["name"] for x in mods] == fired and len(fired) == 75, (len(mods), len(fired))
relu = [x for x in mods if x["name"] == "relu"][0]
assert relu["finite"] and relu["shape"] == [8, 64, 32, 32] and abs(relu["mean"] - first["act_mean"]) < 1e-6, relu
m = json.load(open("mobilenet.json"))["results"][0]
assert len(m["seeds"][0]) == 53 and m["verdict"] == "vanishing", (len(m["seeds"][0]), m["verdict"])
v = json.load(open("vit.json"))["results"][0]["seeds"][0]
vn = [l["name"] for l in v]
assert vn[0] == "conv_proj" and vn[-1] == "heads.head", vn
assert sum("self_attention" in n for n in vn) == 2 and sum(n.endswith("mlp.0") for n in vn) == 2, vn
assert all(math.isfinite(l["act_std"]) and l["act_std"] > 0 for l in v), v
t = json.load(open("tagger.json"))["results"][0]["seeds"][0]
assert [l["name"] for l in t] == ["embed", "lstm", "head"], t
print("real models propagate ok")
PY
grep -q "^ *layer3.1$" resnet.txt || { echo "resnet table: no block line"; cat resnet.txt; exit 1; }
set +e
"$bin" propagate --model file:resnet18.pt --input gaussian:1x28x28 --init he_normal --batch 4 2> err.txt > /dev/null; rc=$?
set -e
[ "$rc" = 2 ] && [ "$(wc -l < err.txt)" = 1 ] && grep -q "'conv1' (Conv2d) fails on an input of shape \[1, 1, 28, 28\]" err.txt \
  && grep -q "to have 3 channels, but got 1 channels" err.txt || { echo "wrong channels: rc=$rc"; cat err.txt; exit 1; }
echo "1 passed, 0 failed"
