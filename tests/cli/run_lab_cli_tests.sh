#!/usr/bin/env bash
# End-to-end runs of train / compare / results on small data the test writes itself (CSV and
# IDX), and the error cases: exit 2, one line naming the file or flag, no database written.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

# A CSV classification problem: label = (x0 + x1 > 0)
awk 'BEGIN { srand(7); print "x0,x1,y"; for (i = 0; i < 600; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1; printf "%.4f,%.4f,%d\n", a, b, (a + b > 0) } }' > data.csv
if "$bin" compare --model mlp:2-16-2 --data csv:data.csv,label=y --inits zeros,he_normal --seeds 2 --epochs 5 --lr 0.1 --batch 16 --db r.db --quiet --json > out.json 2> err.txt; then
  if /usr/bin/python3 -c "
import json; s = json.load(open('out.json'))
r = {x['init']: x for x in s['ranked']}
assert s['ranked'][0]['init'] == 'he_normal' and r['he_normal']['mean'] > 0.9, s
assert r['zeros']['mean'] < 0.75, s
assert len(s['pairs']) == 1 and 'p' in s['pairs'][0]
"; then ok; else bad "compare csv: unexpected summary"; cat out.json; fi
else bad "compare csv failed"; cat err.txt; fi
# Re-running skips finished runs
"$bin" compare --model mlp:2-16-2 --data csv:data.csv,label=y --inits zeros,he_normal --seeds 2 --epochs 5 --lr 0.1 --batch 16 --db r.db > again.txt 2> again.err
if [ "$(grep -c 'skipped' again.err)" = 4 ]; then ok; else bad "rerun did not skip 4 finished runs"; cat again.err; fi
# results: csv has one row per run x epoch (+ header)
"$bin" results r.db --csv > r.csv && [ "$(wc -l < r.csv)" = 21 ] && ok || { bad "results --csv rows"; cat r.csv | head; }
"$bin" results r.db | grep -q "he_normal" && ok || bad "results text"
# train with a regression CSV and the toy model
awk 'BEGIN { srand(3); print "a,b,c,d,e,t"; for (i = 0; i < 300; i++) { s = 0; line = ""; for (k = 0; k < 5; k++) { v = rand(); s += v * (k + 1); line = line sprintf("%.4f,", v) } printf "%s%.4f\n", line, s } }' > reg.csv
"$bin" train --model toy --data csv:reg.csv,target=t --init orthogonal --optimizer adam --lr 0.01 --epochs 60 --db r2.db --quiet --json > reg.json 2> reg.err \
  && /usr/bin/python3 -c "import json; s = json.load(open('reg.json')); assert s['metric'] == 'test loss' and s['ranked'][0]['mean'] < 0.25 * 55 / 12, s  # a quarter of Var(target)" && ok || { bad "train regression"; cat reg.err reg.json; }

# A small valid IDX data set (gzip), written here: the CNN trains on it end to end
/usr/bin/python3 - <<'PY'
import gzip, struct, random
random.seed(1)
def write(prefix, n):
    labels = [random.randrange(2) for _ in range(n)]
    pixels = bytearray()
    for y in labels:  # class 1: bright left half, class 0: bright right half
        for r in range(12):
            for c in range(12):
                bright = (c < 6) == (y == 1)
                pixels.append(min(255, (200 if bright else 20) + random.randrange(40)))
    gzip.open(f"idx/{prefix}-images-idx3-ubyte.gz", "wb").write(struct.pack(">IIII", 0x803, n, 12, 12) + bytes(pixels))
    gzip.open(f"idx/{prefix}-labels-idx1-ubyte.gz", "wb").write(struct.pack(">II", 0x801, n) + bytes(labels))
import os; os.makedirs("idx", exist_ok=True)
write("train", 400); write("t10k", 100)
PY
"$bin" train --model cnn --data idx:idx --init he_normal --optimizer adam --lr 0.003 --epochs 3 --batch 32 --db i.db --quiet --json > idx.json 2> idx.err \
  && /usr/bin/python3 -c "import json; s = json.load(open('idx.json')); assert s['ranked'][0]['mean'] > 0.9, s" && ok || { bad "cnn on idx"; cat idx.err idx.json; }
# The training monitor on the CNN: a per-layer table at the end, rows in the database, and a
# dead-units warning naming the layer for an all-zero init
"$bin" compare --model cnn --data idx:idx --inits zeros,he_normal --epochs 1 --batch 32 --monitor-every 4 --db m.db --quiet > mon.txt 2> mon.err \
  && grep -q "^monitor: he_normal (seed 0), 3 snapshots" mon.txt && grep -q "^conv2 " mon.txt \
  && grep -q "warning: conv1: 100% of the units are zero for the whole batch" mon.err \
  && /usr/bin/python3 -c "
import sqlite3; c = sqlite3.connect('m.db')
assert c.execute('select value from meta where key=\"schema_version\"').fetchone()[0] == '5'
assert c.execute('select count(*) from layer_stats').fetchone()[0] == 2 * 3 * 4   # 2 runs x 3 snapshots (12 steps of 32 from 360 rows) x 4 layers
assert c.execute('select count(*) from histograms').fetchone()[0] == 2 * 2 * 4     # init and end
kinds = {r for r in c.execute('select layer, kind from warnings')}
assert ('conv1', 'dead_units') in kinds, kinds
" && ok || { bad "monitor"; cat mon.txt mon.err; }

# advise: a 26-layer plain ReLU MLP gets LSUV (He as runner-up), checked by propagate, and a
# quick comparison of both; bad input is one line with exit 2
"$bin" advise --model mlp:2-16x25-2 --data csv:data.csv,label=y --quick-compare --seeds 2 --epochs 1 --db adv.db > adv.txt 2> adv.err \
  && grep -q "^recommended: lsuv" adv.txt && grep -q "^runner-up:   kaiming_normal" adv.txt \
  && grep -q "^lsuv .* stable" adv.txt && grep -q "^quick compare: 2 seeds x 1 epochs" adv.txt && grep -q "lsuv vs kaiming_normal\|kaiming_normal vs lsuv" adv.txt \
  && ok || { bad "advise"; cat adv.txt adv.err; }
"$bin" advise --model mlp:2-16-2 --activation swish --data csv:data.csv,label=y > /dev/null 2> adv2.err; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < adv2.err)" = 1 ] && grep -q "unknown --activation 'swish'" adv2.err && ok || { bad "advise bad activation: rc=$rc"; cat adv2.err; }

# Ctrl-C: exit 130, the database consistent, the current run marked interrupted
"$bin" compare --model mlp:2-16-2 --data csv:data.csv,label=y --inits he_normal --epochs 100000 --db int.db --quiet > /dev/null 2> int.err &
pid=$!
for _ in $(seq 1 100); do
  [ -e int.db ] && /usr/bin/python3 -c "import sqlite3,sys; c=sqlite3.connect('int.db'); sys.exit(0 if c.execute('select count(*) from epochs').fetchone()[0] > 0 else 1)" 2> /dev/null && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
status=$(/usr/bin/python3 -c "import sqlite3; c=sqlite3.connect('int.db'); print(c.execute('pragma integrity_check').fetchone()[0], c.execute('select status from runs').fetchone()[0])")
if [ "$rc" = 130 ] && [ "$status" = "ok interrupted" ]; then ok; else bad "interrupt: rc=$rc status='$status'"; cat int.err; fi

# The seed notebook's signal-propagation sweep: final-layer std of a 10-layer ReLU net vs the init std
"$bin" propagate --model mlp:100-100x10-100 --activation relu --init 'normal:std=logspace(1e-4,10,50)' --batch 500 --json > prop.json 2> prop.err \
  && /usr/bin/python3 -c "
import json; r = json.load(open('prop.json'))['results']
assert len(r) == 50
v = {x['init']: x['verdict'] for x in r}
assert v['normal:std=0.0001'] == 'vanishing' and v['normal:std=10'] == 'exploding', v
stable = [float(k.split('=')[1]) for k, x in v.items() if x == 'stable']
assert stable and min(stable) <= 0.1414 <= max(stable), stable   # He's std sqrt(2/100) is in the stable band
" && ok || { bad "propagate sweep"; cat prop.err; }
"$bin" propagate --model mlp:64-64x8 --activation tanh --init orthogonal --init xavier_normal --batch 64 --jacobian --jacobian-samples 2 --json > jac.json 2> jac.err \
  && /usr/bin/python3 -c "
import json; r = json.load(open('jac.json'))['results']
assert all(0 < x['jacobian']['min'] <= x['jacobian']['max'] for x in r), r
" && ok || { bad "propagate --jacobian"; cat jac.err; }
"$bin" propagate --init he_normal --model mlp:10-10x3 --input data:csv:data.csv,label=y > /dev/null 2> perr.txt; [ $? = 2 ] && grep -q "has 2 features but --model 'mlp:10-10x3' takes 10" perr.txt && ok || { bad "propagate data width"; cat perr.txt; }

# Errors: exit 2, a single 'initlab: error:' line, and no database left behind
rejects() {
  local name=$1 needle=$2
  shift 2
  "$bin" "$@" --db e.db > out.txt 2> err.txt
  local rc=$?
  if [ "$rc" != 2 ]; then bad "$name: exit $rc"; cat err.txt; return; fi
  if [ "$(wc -l < err.txt)" != 1 ] || ! grep -q "^initlab: error: .*$needle" err.txt; then bad "$name: message"; cat err.txt; return; fi
  if [ -e e.db ]; then bad "$name: left e.db"; rm -f e.db*; return; fi
  ok
}
printf '\x00\x00\x08\x03\x00\x00\x00\x05\x00\x00\x00\x02\x00\x00\x00\x02abc' > train-images-idx3-ubyte
printf '\x00\x00\x08\x01\x00\x00\x00\x05abcde' > train-labels-idx1-ubyte
cp train-images-idx3-ubyte t10k-images-idx3-ubyte; cp train-labels-idx1-ubyte t10k-labels-idx1-ubyte
rejects idx_truncated "declares 5 images of 2x2 (36 bytes) but has 19 bytes" train --model mlp:4-2 --data idx:. --init he_normal
rejects unknown_init "unknown initializer 'he_normall'" train --model mlp:2-16-2 --data csv:data.csv,label=y --init he_normall
rejects bad_model "takes 3 inputs but --data" train --model mlp:3-16-2 --data csv:data.csv,label=y --init he_normal
rejects bad_lr "--lr -1 is invalid" train --model mlp:2-16-2 --data csv:data.csv,label=y --init he_normal --lr -1
rejects bad_preset "unknown --preset 'seed-gan'" compare --preset seed-gan
rejects missing_csv "CSV file 'nope.csv' does not exist" train --model mlp:2-16-2 --data csv:nope.csv,label=y --init he_normal
rejects bad_activation "unknown --activation 'swish'" train --model mlp:2-16-2 --data csv:data.csv,label=y --init he_normal --activation swish
rejects fixup_on_plain "fixup needs a residual model" train --model mlp:2-16-2 --data csv:data.csv,label=y --init fixup
rejects lsuv_bad_tol "lsuv:tol=-1.: tol=-1 is invalid" train --model mlp:2-16-2 --data csv:data.csv,label=y --init lsuv:tol=-1
rejects pretrain_cnn "pretrain:ae needs an MLP" train --model cnn --data idx:idx --init pretrain:ae
"$bin" results missing.db > /dev/null 2> err.txt; [ $? = 2 ] && grep -q "results database 'missing.db' does not exist" err.txt && [ ! -e missing.db ] && ok || bad "results on a missing file"
finish
