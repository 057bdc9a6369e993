#!/usr/bin/env bash
# Issue 16: `init`, LSUV and `audit` on the models people train (torchvision 0.14, weights=None, and
# purpose-built ones from make_real_models.py). init reaches every parameter or names it: q, k, v
# drawn per projection, position embeddings and class tokens by rule, a parameter no rule reaches
# listed on stderr (and refused under --strict); LSUV on resnet18 fed by gaussian: inputs leaves
# every Conv / Linear output at variance 1 (checked in PyTorch on the same batch); audit flags a
# depthwise fan, a packed QKV, a whole-stack LSTM init and PyTorch's a=sqrt(5) default, and gives
# propagate's verdict on the weights as they are. Exits 77 (skipped) without python3-torchvision.
source "$(dirname "$(realpath "$0")")/real_models_prelude.sh"
"$py" "$here/make_real_models.py" resnet18 resnet18_zero mobilenet_v2 vit scaled depthwise attention whole_lstm

# --- init: every parameter reached, q/k/v per projection, the rule printed --------------------------
# every value 0.123 first, so a parameter init leaves alone is seen (zeros and ones rules included)
"$py" -c "
import torch
m = torch.jit.load('vit.pt')
with torch.no_grad():
    for p in m.parameters(): p.fill_(0.123)
m.save('vit_filled.pt')"
"$bin" init vit_filled.pt --init xavier_uniform --override 'heads.*=zeros' --seed 1 -o vit_x.pt > vit.txt 2> vit.err
"$bin" init vit.pt --init xavier_uniform --packed-qkv --seed 1 -o vit_packed.pt > /dev/null 2>&1
[ ! -s vit.err ] || { echo "vit: a parameter kept"; cat vit.err; exit 1; }
grep -q "encoder.layers.encoder_layer_0.self_attention.in_proj_weight .*attention .*xavier_uniform (per projection: q, k, v) *--init" vit.txt \
  || { echo "vit: in_proj row"; cat vit.txt; exit 1; }
grep -q "^heads.head.weight .*zeros *--override 'heads.\*=zeros'" vit.txt || { echo "vit: override rule"; cat vit.txt; exit 1; }
grep -q "^encoder.pos_embedding .*normal:std=0.02 *default '\*pos_embedding=normal:std=0.02'" vit.txt || { echo "vit: pos rule"; cat vit.txt; exit 1; }
"$py" - <<'PY'
import torch, math
orig = dict(torch.jit.load("vit_filled.pt").named_parameters())
x = dict(torch.jit.load("vit_x.pt").named_parameters())
p = dict(torch.jit.load("vit_packed.pt").named_parameters())
unchanged = [n for n in orig if torch.equal(orig[n], x[n])]
assert not unchanged, unchanged  # and vit.err, empty, names none
d = 32
for name in [n for n in x if n.endswith("in_proj_weight")]:
    for k, (blk, pk) in enumerate(zip(x[name].chunk(3), p[name].chunk(3))):
        # U(+-sqrt(6/(d+d))): std sqrt(1/d) = 0.177 per [d, d] block (1024 values: sd of the std ~1.4%); packed: sqrt(2/(4d)) = 0.125
        assert abs(blk.std().item() / math.sqrt(1 / d) - 1) < 0.06, (name, k, blk.std().item())
        assert abs(pk.std().item() / math.sqrt(2 / (4 * d)) - 1) < 0.06, (name, k, pk.std().item())
        assert blk.abs().max().item() <= math.sqrt(6 / (2 * d)) + 1e-6
pe = x["encoder.pos_embedding"]
assert abs(pe.std().item() / 0.02 - 1) < 0.1, pe.std().item()
assert torch.count_nonzero(x["class_token"]) == 0
print("vit init ok")
PY
"$bin" init scaled.pt --init he_normal -o scaled_he.pt > scaled.txt 2> scaled.err
grep -q "^kept 'gamma' 16 as it was: no rule for a parameter named 'gamma' of .* (5.56% of the values); give it a rule with --override 'gamma=SPEC'" scaled.err \
  || { echo "scaled: kept line"; cat scaled.err; exit 1; }
set +e
"$bin" init scaled.pt --init he_normal --strict -o strict.pt > /dev/null 2> strict.err; rc=$?
set -e
[ "$rc" = 2 ] && [ ! -e strict.pt ] && [ "$(wc -l < strict.err)" = 1 ] && grep -qF -- "error: --strict: 1 parameter (5.56% of the values) would be left as it was, first 'gamma'" strict.err \
  || { echo "strict: rc=$rc"; cat strict.err; exit 1; }
"$bin" init scaled.pt --init he_normal --strict --override 'gamma=ones' -o strict.pt > /dev/null

# --- LSUV on resnet18 from gaussian inputs ------------------------------------------------------------
"$bin" init resnet18.pt --init lsuv --input gaussian:3x32x32 --batch 32 --seed 5 -o resnet_lsuv.pt > lsuv.txt
[ "$(grep -c '^lsuv ' lsuv.txt)" = 21 ] || { echo "lsuv: expected 21 layers"; cat lsuv.txt; exit 1; }
"$py" - <<'PY'
import torch
m = torch.jit.load("resnet_lsuv.pt").eval()
torch.manual_seed(5)
x = torch.randn(32, 3, 32, 32)  # the batch init drew: torch's CPU generator, seed 5
fresh = torch.randn(32, 3, 32, 32)
import torchvision  # TorchScript modules take no hooks: the eager twin, with the same weights
eager = torchvision.models.resnet18(weights=None).eval()
eager.load_state_dict({k: v for k, v in m.state_dict().items()})
def measure(inp):
    seen = {}
    hs = [mod.register_forward_hook(lambda mod, i, o, n=n: seen.__setitem__(n, o.var().item()))
          for n, mod in eager.named_modules() if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        eager(inp)
    for h in hs: h.remove()
    return seen
same, other = measure(x), measure(fresh)
assert len(same) == 21, same
bad = {n: v for n, v in same.items() if abs(v - 1) > 0.1}  # LSUV's tolerance (Mishkin & Matas: Tol_var 0.1)
assert not bad, bad
bad = {n: v for n, v in other.items() if abs(v - 1) > 0.25}  # a fresh batch of 32: fc's 320 values, sd of a variance ~8%
assert not bad, bad
print("resnet18 lsuv ok:", min(same.values()), max(same.values()))
PY
# the batch is cut to what --max-memory holds (the footprint measured on one sample: 11.7M parameters and their
# gradients, 93.5 MiB; 2.17 MiB a 32-px sample), and refused when two samples do not fit
"$bin" init resnet18.pt --init lsuv --input gaussian:3x32x32 --batch 256 --max-memory 150M -o cut.pt > cut.txt 2> cut.err
grep -q "^initlab: lsuv on 256 samples needs about .*; the limit is 150 MiB (--max-memory): using the first 2[0-9]$" cut.err \
  || { echo "lsuv batch cut"; cat cut.err; exit 1; }
set +e
"$bin" init resnet18.pt --init lsuv --input gaussian:3x32x32 --max-memory 20M -o none.pt > /dev/null 2> none.err; rc=$?
set -e
[ "$rc" = 2 ] && [ ! -e none.pt ] && [ "$(wc -l < none.err)" = 1 ] && grep -q "lsuv needs about .* the limit is 20 MiB (--max-memory)" none.err \
  || { echo "lsuv refused: rc=$rc"; cat none.err; exit 1; }

# --- audit ------------------------------------------------------------------------------------------
"$bin" audit depthwise.pt > dw.txt
grep -q "^warning: \[grouped_fan\] 'dw.weight' (Conv2d, groups=64): std .* matches he (fan_in or fan_out), groups ignored (fan_in 576, fan_out 576)" dw.txt || { echo "audit depthwise"; cat dw.txt; exit 1; }
! grep -q "'pw.weight'.*grouped_fan" dw.txt || { echo "audit: pw flagged"; cat dw.txt; exit 1; }
"$bin" audit mobilenet_v2.pt --json > mb.json
"$bin" audit attention.pt > attn.txt
grep -q "^warning: \[packed_qkv\] 'attn.in_proj_weight'" attn.txt || { echo "audit packed"; cat attn.txt; exit 1; }
grep -q "^warning: \[torch_default\] 'attn.out_proj.weight'" attn.txt || { echo "audit out_proj default"; cat attn.txt; exit 1; }
"$bin" init attention.pt --init xavier_uniform -o attention_x.pt > /dev/null
"$bin" audit attention_x.pt --json > attn_x.json
"$bin" audit whole_lstm.pt > lstm.txt
grep -q "^warning: \[gated_whole_tensor\] 'lstm.weight_hh_l0' (LSTM): orthogonal over the whole \[128, 32\] stack" lstm.txt || { echo "audit lstm hh"; cat lstm.txt; exit 1; }
grep -q "^warning: \[gated_whole_tensor\] 'lstm.weight_ih_l0' (LSTM): std .* is xavier over the whole \[4h, n\] stack" lstm.txt || { echo "audit lstm ih"; cat lstm.txt; exit 1; }
"$bin" init whole_lstm.pt --init rnn_orthogonal -o lstm_o.pt > /dev/null
"$bin" audit lstm_o.pt > lstm_o.txt
! grep -q "gated_whole_tensor" lstm_o.txt || { echo "audit: per-gate init flagged"; cat lstm_o.txt; exit 1; }
"$bin" audit resnet18.pt --input gaussian:3x32x32 --batch 8 --json > rn.json
"$bin" audit resnet18_zero.pt --json > rn_zero.json
"$bin" init resnet18.pt --init he_normal --override 'layer*.conv2.weight=zeros' -o resnet_conv2.pt > /dev/null
"$bin" audit resnet_conv2.pt --json > rn_conv2.json  # each branch's last conv zeroed (a downsample conv is registered after it)
"$py" "$here/make_real_models.py" encoder
"$bin" audit encoder.pt --json > enc.json  # post-LN: norm1(x + f(x)) renormalizes the trunk
"$bin" init resnet18.pt --init normal:std=0.01 -o resnet_small.pt > /dev/null
"$bin" audit resnet_small.pt --input gaussian:3x32x32 --batch 8 > rn_small.txt
grep -q "^propagate --init as_is --input gaussian:3x32x32 --batch 8: vanishing" rn_small.txt || { echo "audit proof"; cat rn_small.txt; exit 1; }
"$py" - <<'PY'
import json
mb = json.load(open("mb.json"))
flagged = {f["parameter"] for f in mb["findings"] if f["pitfall"] == "grouped_fan"}
dw = {p["name"] for p in mb["parameters"] if p["groups"] > 1}
assert len(dw) == 17 and flagged == dw, (len(dw), sorted(flagged ^ dw))  # every depthwise conv, nothing else
ax = json.load(open("attn_x.json"))
assert not [f for f in ax["findings"] if f["pitfall"] == "packed_qkv"], ax["findings"]
ip = [p for p in ax["parameters"] if p["name"] == "attn.in_proj_weight"][0]
assert ip["blocks"] == 3 and ip["match"]["scheme"] == "xavier" and abs(ip["match"]["ratio"] - 1) < 0.05, ip
rn = json.load(open("rn.json"))
assert rn["propagate"]["verdict"] == "stable" and len(rn["propagate"]["layers"]) == 21, rn["propagate"]["verdict"]
convs = [p for p in rn["parameters"] if p["module"] == "Conv2d"]
# torchvision's ResNet: kaiming_normal_(mode="fan_out", nonlinearity="relu") on every conv
def he_fan_out(p):  # a square conv's fans are equal: "he (fan_in = fan_out)"
    return p.get("match") and p["match"]["scheme"] in ("he fan_out", "he (fan_in = fan_out)") and abs(p["match"]["ratio"] - 1) < 0.06
assert all(he_fan_out(p) for p in convs), [(p["name"], p.get("match")) for p in convs if not he_fan_out(p)]
assert all(p["distribution"] == "normal" for p in convs if p["std"] > 0 and len(p["shape"]) == 4 and p["shape"][0] * p["shape"][1] * p["shape"][2] * p["shape"][3] >= 1000)
# residual branches at full scale: torchvision's default (bn2.weight = 1 in each of the 8 BasicBlocks) is a note; with
# zero_init_residual=True (bn2.weight = 0) nothing
res = [f for f in rn["findings"] if f["pitfall"] == "residual_unscaled"]
assert len(res) == 1 and res[0]["severity"] == "note" and res[0]["text"].startswith("8 of 8 residual blocks (layer1.0 ... layer4.1)"), res
for name in ("rn_zero.json", "rn_conv2.json", "enc.json"):
    found = json.load(open(name))["findings"]
    assert not [f for f in found if f["pitfall"] == "residual_unscaled"], (name, found)
print("audit ok")
PY

# --- advise on file models: the architecture from the graph ------------------------------------------
"$py" "$here/make_real_models.py" tagger
"$bin" advise --model file:resnet18.pt --input gaussian:3x32x32 --batch 8 > adv_rn.txt
grep -q "^model: *file:resnet18.pt (21 weighted layers, 8 residual blocks, BatchNorm2d, convolutional, activation relu)" adv_rn.txt \
  && grep -q "^recommended: kaiming_normal" adv_rn.txt && grep -q "^kaiming_normal .* stable$" adv_rn.txt || { echo "advise resnet"; cat adv_rn.txt; exit 1; }
# MobileNetV2: 17 inverted residual blocks, 10 of which add their input (use_res_connect, read per instance); ReLU6
"$bin" advise --model file:mobilenet_v2.pt --input gaussian:3x32x32 --batch 8 > adv_mb.txt
grep -q "^model: *file:mobilenet_v2.pt (53 weighted layers, 10 residual blocks, BatchNorm2d, convolutional, activation relu)" adv_mb.txt \
  || { echo "advise mobilenet"; cat adv_mb.txt; exit 1; }
"$bin" advise --model file:vit.pt --input gaussian:3x32x32 --batch 8 > adv_vit.txt
grep -q "LayerNorm, convolutional, attention, activation gelu)" adv_vit.txt && grep -q "^recommended: xavier_uniform" adv_vit.txt \
  || { echo "advise vit"; cat adv_vit.txt; exit 1; }
"$bin" advise --model file:tagger.pt --input tokens:1000x12 --batch 8 > adv_tag.txt
grep -q "(3 weighted layers, plain, recurrent, activation linear)" adv_tag.txt && grep -q "^recommended: orthogonal" adv_tag.txt \
  || { echo "advise tagger"; cat adv_tag.txt; exit 1; }

# --- PyTorch's own rules where init reproduces them, and what no rule reaches ------------------------
"$py" "$here/make_real_models.py" odd encoder
"$bin" init odd.pt --init torch_default -o odd_default.pt > odd.txt 2> odd.err
"$bin" init odd.pt --init xavier_uniform --bias torch_default -o odd_x.pt > /dev/null 2>&1
grep -q "^kept 'pos_embed' 1x4x64 as it was: .*(frozen: requires_grad is false)" odd.err || { echo "frozen pos_embed"; cat odd.err; exit 1; }
"$py" - <<'PY'
import torch, math
m = dict(torch.jit.load("odd_default.pt").named_parameters())
assert torch.count_nonzero(m["attn.out_proj.bias"]) == 0  # MultiheadAttention._reset_parameters: constant_(out_proj.bias, 0)
assert torch.count_nonzero(m["attn.in_proj_bias"]) == 0
for b in ("attn.bias_k", "attn.bias_v"):  # xavier_normal_ on [1, 1, 64]: std sqrt(2 / 128); 64 values, sd of the std ~9%
    assert abs(m[b].std().item() / math.sqrt(2 / 128) - 1) < 0.3, (b, m[b].std().item())
assert torch.count_nonzero(m["pos_embed"]) == 0  # frozen: no named default
hr = m["lstm.weight_hr_l0"]  # PyTorch's RNN rule U(+-1/sqrt(hidden = 20)) on the projection too, not per gate
assert hr.abs().max().item() <= 1 / math.sqrt(20) + 1e-6 and hr.abs().max().item() > 0.8 / math.sqrt(20), hr.abs().max().item()
x = dict(torch.jit.load("odd_x.pt").named_parameters())
ib = x["attn.in_proj_bias"]  # --bias torch_default on the packed bias: U(+-1/sqrt(fan_in = 64))
assert ib.abs().max().item() <= 1 / 8 + 1e-6 and ib.std().item() > 0.05, ib.std().item()
print("odd init ok")
PY
# a TransformerEncoder in eval mode: its layers are seen (run with gradients on, off the fused fast path)
"$bin" advise --model file:encoder.pt --input gaussian:8x32 --batch 8 > adv_enc.txt
grep -q "(7 weighted layers, 2 residual blocks, LayerNorm, attention" adv_enc.txt || { echo "advise encoder"; cat adv_enc.txt; exit 1; }
"$bin" init encoder.pt --init lsuv --input gaussian:8x32 --batch 64 -o enc_lsuv.pt > enc.txt
[ "$(grep -c '^lsuv .*linear[12] ' enc.txt)" = 4 ] && [ "$(grep -c 'skipped' enc.txt)" = 2 ] || { echo "lsuv encoder"; cat enc.txt; exit 1; }
# an MLP given images: the one line names the module and suggests --flatten; a NaN weight is flagged by audit
"$py" -c "
import torch, torch.nn as nn
torch.jit.script(nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))).save('mlp.pt')
m = torch.jit.script(nn.Sequential(nn.Linear(16, 16)))
with torch.no_grad(): m[0].weight[0, 0] = float('nan')
m.save('nan.pt')"
set +e
"$bin" init mlp.pt --init lsuv --input gaussian:1x28x28 --batch 8 -o m.pt 2> flat.err > /dev/null; rc=$?
set -e
[ "$rc" = 2 ] && [ ! -e m.pt ] && [ "$(wc -l < flat.err)" = 1 ] && grep -q "'0' (Linear) fails on an input of shape \[1, 1, 28, 28\].* (try --flatten)$" flat.err \
  || { echo "flatten hint: rc=$rc"; cat flat.err; exit 1; }
"$bin" audit nan.pt > nan.txt && grep -q "^warning: \[nonfinite\] '0.weight' (Linear): holds NaN or inf values" nan.txt || { echo "audit nan"; cat nan.txt; exit 1; }
echo "1 passed, 0 failed"
