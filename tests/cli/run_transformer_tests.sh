#!/usr/bin/env bash
# Transformers and width end to end: bad vit specs, --param and coordcheck input (one line, exit 2,
# nothing written); a coordinate check stored and drawn; a sweep over param and width; propagate's
# attention statistics on a vit.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
py=/usr/bin/python3
fm="--data fashion-mnist --limit 300"

expect_error vit_heads "4 heads do not divide the dimension 30" "$bin" train --model vit:30-2-4 $fm --init gpt2 --db a.db
expect_error vit_patch "patch=5 does not divide --data 'fashion-mnist' images of 28x28" "$bin" train --model vit:32-2-4,patch=5 $fm --init gpt2 --db a.db
expect_error vit_norm "norm=mid is unknown" "$bin" train --model vit:32-2-4,norm=mid $fm --init gpt2 --db a.db
expect_error param_unknown "--param 'mu' is unknown" "$bin" train --model mlp:784-64-10 $fm --init he_normal --param mu --db a.db
expect_error param_base "base_width" "$bin" train --model mlp:784-64-10 $fm --init he_normal --param mup:base_width=0 --db a.db
expect_error param_readout "readout=one is unknown" "$bin" compare --model mlp:784-64-10 $fm --inits he_normal --param mup:readout=one --db a.db
expect_error param_cnn "--param mup is defined here for mlp: and vit: models; --model 'cnn' is neither" "$bin" train --model cnn $fm --init he_normal --param mup --db a.db
expect_error param_rnn "is neither" "$bin" compare --model rnn:lstm-16 --data fashion-mnist,sequence=rows --limit 300 --inits chrono --param mup --db a.db
expect_error param_no_hidden "has no hidden layer" "$bin" train --model mlp:784-10 $fm --init he_normal --param mup --db a.db
expect_error coord_no_w "has no W to vary" "$bin" coordcheck --model mlp:784-64-10 --limit 300 --db a.db
expect_error coord_widths "must increase; 64 follows 128" "$bin" coordcheck --widths 128,64 --limit 300 --db a.db
expect_error coord_one_width "at least two widths" "$bin" coordcheck --widths 128 --limit 300 --db a.db
expect_error coord_bad_width "'x' is not a width" "$bin" coordcheck --widths 64,x --limit 300 --db a.db
expect_error coord_heads "at width 30: --model 'vit:30-2-4': 4 heads do not divide the dimension 30" "$bin" coordcheck --model vit --widths 30,60 --limit 300 --db a.db
expect_error coord_cnn_mup "is neither" "$bin" coordcheck --model 'rescnn:Wx2' --widths 8,16 --limit 300 --param mup --db a.db
expect_error coord_steps "--steps 0 is out of range" "$bin" coordcheck --steps 0 --limit 300 --db a.db
expect_error coord_data "and a probe batch need 384" "$bin" coordcheck --limit 300 --steps 5 --batch 64 --db a.db
expect_error coord_lr "--lr -1 is invalid" "$bin" coordcheck --limit 300 --lr -1 --db a.db
expect_error coord_memory "at width 65536: --model 'mlp:784-65536x3-10' needs about" "$bin" coordcheck --widths 64,65536 --limit 1000 --db a.db
expect_error coord_seed_overflow "runs past the largest seed" "$bin" coordcheck --seed 18446744073709551615 --seeds 3 --limit 1000 --db a.db
expect_error coord_batch_huge "and a probe batch need more" "$bin" coordcheck --batch 9223372036854775807 --limit 1000 --db a.db
expect_error coord_batch_overflow "'99999999999999999999' is out of range" "$bin" coordcheck --batch 99999999999999999999 --limit 1000 --db a.db
expect_error coord_limit_negative "'-1' is negative; expected a number of training samples" "$bin" coordcheck --limit -1 --db a.db
[ ! -e a.db ] && ok || bad "a refused run left a.db"

# A coordinate check stored as a study and drawn: the slopes in the database are the printed ones,
# and the report carries the study (the acceptance of the slopes is in ctest CoordCheck.*).
"$bin" coordcheck --model mlp --widths 32,64,128 --steps 3 --seeds 1 --limit 1000 --param mup:base_width=32 --db c.db --report c.html \
  > coord.txt 2> coord.err || bad "coordcheck: exit $?"
grep -q "^verdict: " coord.txt && ok || { bad "coordcheck verdict"; cat coord.txt; }
$py - <<'PY' && ok || bad "coordcheck study in the database"
import json, sqlite3
c = sqlite3.connect("c.db")
config, results = c.execute("select config, results from propagations").fetchone()
config, results = json.loads(config), json.loads(results)
assert config["kind"] == "coordcheck" and config["param"] == "mup:base_width=32", config
assert results["widths"] == [32, 64, 128] and [l["name"] for l in results["layers"]] == ["fc1", "fc2", "fc3", "fc4"]
assert results["layers"][-1]["role"] == "output" and results["verdict"]["stable"] in (True, False)
printed = {line.split()[0]: line.split()[2:6] for line in open("coord.txt") if line.startswith("fc")}
for l in results["layers"]:
    assert [f"{s:+.2f}" for s in l["slope"]] == printed[l["name"]], (l["slope"], printed[l["name"]])
PY
grep -q '"kind":"coordcheck"' c.html && grep -q 'function coordCheck' c.html && ok || bad "report lacks the coordinate check"

# A sweep over width x param x lr: the param key reaches the runs (μP and standard differ at width
# 64 with base 32 and are identical at the base width), and the summary names both.
cat > s.toml <<'TOML'
name = "t"
model = ["mlp:784-32-10", "mlp:784-64-10"]
param = ["standard", "mup:base_width=32"]
data = "fashion-mnist"
optimizer = "adam"
lr = [0.001, 0.01]
epochs = 1
limit = 600
inits = ["torch_default"]
seeds = 1
tune = ["lr"]
TOML
"$bin" sweep s.toml --db s.db --json --quiet > sweep.json 2> sweep.err || bad "sweep: exit $?"
$py - <<'PY' && ok || bad "sweep over param"
import json, sqlite3
c = sqlite3.connect("s.db")
rows = c.execute("select e.config, e.id from experiments e").fetchall()
loss = {}
for config, eid in rows:
    cfg = json.loads(config)
    for (l,) in c.execute("select ep.train_loss from epochs ep join runs r on ep.run_id = r.id where r.experiment_id = ?", (eid,)):
        loss[(cfg["model"], cfg.get("param", "standard"), cfg["lr"])] = l
assert len(loss) == 8, loss
for lr in (0.001, 0.01):
    assert loss[("mlp:784-32-10", "standard", lr)] == loss[("mlp:784-32-10", "mup:base_width=32", lr)]
    assert loss[("mlp:784-64-10", "standard", lr)] != loss[("mlp:784-64-10", "mup:base_width=32", lr)]
j = json.load(open("sweep.json"))
assert len(j["slices"]) == 4
assert all(k["train_loss_mean"] is not None for s in j["slices"] for ch in s["choices"] for k in ch["candidates"])
PY

# propagate on a vit: a row per block and the attention's logit std and entropy per block, printed
# and in the report's data.
"$bin" propagate --model vit:32-3-4 --input data:fashion-mnist --init gpt2 --batch 64 --db p.db --report p.html > prop.txt 2> prop.err || bad "propagate vit: exit $?"
grep -q '"attention":\[{"entropy":' p.html && ok || bad "the propagate report lacks the attention rows"
grep -q "attention at init, gpt2 (seed 0): logit std / entropy over log(tokens), per block:  blocks.0 " prop.txt && grep -q "blocks.2 " prop.txt \
  && ok || { bad "propagate vit attention line"; cat prop.txt prop.err; }
finish
