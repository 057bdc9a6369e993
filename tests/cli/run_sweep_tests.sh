#!/usr/bin/env bash
# Sweeps and the scheduler end to end on small CSV data: --jobs N gives the same numbers as
# --jobs 1; a sweep file is planned (dry run: nothing written), trained, tuned per init and
# compared with paired statistics; re-running trains nothing; two processes on one database
# train each run once; a process killed with -9 leaves a claim that the next one takes over;
# sweep-file errors are one line with the file and line.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
py=/usr/bin/python3

awk 'BEGIN { srand(11); print "x0,x1,x2,y"; for (i = 0; i < 900; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1; c = rand() * 2 - 1; printf "%.4f,%.4f,%.4f,%d\n", a, b, c, (a * b + 0.3 * c > 0) } }' > data.csv
common=(--model mlp:3-32-32-2 --data csv:data.csv,label=y --inits zeros,xavier_normal,kaiming_normal --seeds 3 --epochs 3 --batch 16 --lr 0.05 --quiet)

# 1. --jobs 2 (worker processes) gives exactly the per-epoch metrics of --jobs 1 (in process)
"$bin" compare "${common[@]}" --jobs 1 --db j1.db > /dev/null 2> j1.err || { bad "compare --jobs 1"; cat j1.err; }
"$bin" compare "${common[@]}" --jobs 2 --db j2.db > /dev/null 2> j2.err || { bad "compare --jobs 2"; cat j2.err; }
metrics() { "$bin" results "$1" --csv | cut -d, -f3-13 | sort; }   # init .. test_acc (not run ids, seconds or order)
if [ "$(metrics j1.db | wc -l)" = 28 ] && [ "$(metrics j1.db)" = "$(metrics j2.db)" ]; then ok; else bad "--jobs 2 differs from --jobs 1"; diff <(metrics j1.db) <(metrics j2.db) | head; fi

# ... and on Fashion-MNIST (larger tensors, where thread counts could change summation order)
fm=/usr/share/datasets/fashion-mnist
if [ -e "$fm/train-images-idx3-ubyte.gz" ]; then
  fmargs=(--preset seed-mlp --seeds 1 --epochs 2 --limit 5000 --quiet)
  "$bin" compare "${fmargs[@]}" --jobs 1 --db f1.db > /dev/null 2> f1.err && "$bin" compare "${fmargs[@]}" --jobs 2 --db f2.db > /dev/null 2> f2.err \
    && [ "$(metrics f1.db | wc -l)" = 11 ] && [ "$(metrics f1.db)" = "$(metrics f2.db)" ] && ok \
    || { bad "fashion-mnist: --jobs 2 differs from --jobs 1"; cat f1.err f2.err; diff <(metrics f1.db) <(metrics f2.db) | head; }
fi

# 2. paired statistics in the summary: runs share seeds, so every pair is paired and Holm-corrected
"$bin" results j2.db --json > r.json
$py - <<'PY' && ok || bad "paired statistics in the summary"
import json
s = json.load(open('r.json'))[0]['summary']
assert len(s['pairs']) == 3, s['pairs']
for p in s['pairs']:
    assert p['test'] == 'paired' and p['n'] == 3, p
    assert p['p'] <= p['p_holm'] <= 1, p
    assert p['ci95_lo'] <= p['difference'] <= p['ci95_hi'], p
assert s['headline'].startswith(s['ranked'][0]['init'] + ' ranks first'), s['headline']
PY

# 3. A sweep file with lr tuned per init
cat > sweep.toml <<'TOML'
name = "tiny lr x init"
model = "mlp:3-32-32-2"
data = "csv:data.csv,label=y"
epochs = 2
batch = 16
lr = "logspace(0.003,0.3,3)"
inits = ["xavier_normal", "kaiming_normal"]
seeds = 2
tune = ["lr"]
TOML
"$bin" sweep sweep.toml --dry-run --db s.db > dry.txt 2> dry.err
[ $? = 0 ] && grep -q "^12 runs (3 grid points x 2 inits x 2 seeds)" dry.txt && [ "$(grep -c 'init=' dry.txt)" = 12 ] && [ ! -e s.db ] && ok \
  || { bad "sweep --dry-run"; cat dry.txt dry.err; }
"$bin" sweep sweep.toml --jobs 2 --db s.db --json --quiet > s.json 2> s.err || { bad "sweep"; cat s.err; }
$py - <<'PY' && ok || { bad "sweep summary"; cat s.json | head -50; }
import json, sqlite3
s = json.load(open('s.json'))
assert s['tuned'] == ['lr'] and len(s['slices']) == 1
sl = s['slices'][0]
assert [c['init'] for c in sl['choices']] == ['xavier_normal', 'kaiming_normal']
for c in sl['choices']:
    vals = [k['validation_mean'] for k in c['candidates']]
    assert len(vals) == 3 and all(k['finished'] == 2 for k in c['candidates'])
    best = max(c['candidates'], key=lambda k: k['validation_mean'])
    assert c['chosen_point'] == best['point'] and c['chosen']['lr'] == best['tuned']['lr'], c
summary = sl['summary']
assert summary['metric'] == 'test accuracy' and len(summary['ranked']) == 2
assert summary['pairs'][0]['test'] == 'paired' and summary['pairs'][0]['n'] == 2
db = sqlite3.connect('s.db')
assert db.execute("select count(*) from runs where status = 'done'").fetchone()[0] == 12
assert db.execute("select count(*) from sweep_points").fetchone()[0] == 3
PY
# re-running trains nothing
"$bin" sweep sweep.toml --db s.db > again.txt 2> again.err && [ "$(grep -c 'earlier, skipped' again.err)" = 12 ] && ok || { bad "sweep rerun"; cat again.err; }

# 4. Sweep-file errors: one line, file and line, exit 2, nothing written
printf 'model = "mlp:3-8-2"\ninits = ["he_normal"]\nlrr = 0.1\n' > bad1.toml
"$bin" sweep bad1.toml --db b.db > /dev/null 2> b1.err; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < b1.err)" = 1 ] && grep -q "bad1.toml:3: key 'lrr' is unknown" b1.err && [ ! -e b.db ] && ok || { bad "unknown key: rc=$rc"; cat b1.err; }
printf 'model = "mlp:3-8-2"\ndata = "csv:data.csv,label=y"\ninits = ["he_normall"]\n' > bad2.toml
"$bin" sweep bad2.toml --db b.db > /dev/null 2> b2.err; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < b2.err)" = 1 ] && grep -q "unknown initializer 'he_normall'" b2.err && [ ! -e b.db ] && ok || { bad "bad init: rc=$rc"; cat b2.err; }
printf 'model = "mlp:3-8-2"\ndata = "csv:data.csv,label=y"\ninits = ["he_normal"]\nlr = "logspace(0.001,0.1,100)"\nseeds = 100\n' > big.toml
"$bin" sweep big.toml --db b.db > /dev/null 2> b3.err; rc=$?
[ "$rc" = 2 ] && grep -q "10000 runs, more than --max-runs 5000" b3.err && [ ! -e b.db ] && ok || { bad "max runs: rc=$rc"; cat b3.err; }
# A database in a folder that does not exist: refused when the flag is read, before planning
# (which loads data and times a training step) and before any run.
"$bin" sweep sweep.toml --db missing-folder/s.db > /dev/null 2> b4.err; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < b4.err)" = 1 ] && grep -qF -- "--db: 'missing-folder/s.db': the folder 'missing-folder' does not exist" b4.err \
  && [ ! -e missing-folder ] && ok || { bad "missing db folder: rc=$rc"; cat b4.err; }
"$bin" sweep sweep.toml --db . > /dev/null 2> b5.err; rc=$?
[ "$rc" = 2 ] && grep -qF -- "--db: '.' is a folder; expected a file name" b5.err && ok || { bad "db is a folder: rc=$rc"; cat b5.err; }

# 5. Two processes on one database: every run trained exactly once
slow=(--model mlp:3-64-64-2 --data csv:data.csv,label=y --inits xavier_normal,kaiming_normal,orthogonal --seeds 2 --epochs 8 --batch 8 --jobs 1 --db two.db)
"$bin" compare "${slow[@]}" > a.out 2> a.err &
pa=$!
"$bin" compare "${slow[@]}" > b.out 2> b.err &
pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
started=$(cat a.err b.err | grep -cE '^\[[0-9]+/6\] [a-z_]+ seed [0-9]+$')
[ "$ra" = 0 ] && [ "$rb" = 0 ] && [ "$started" = 6 ] \
  && [ "$($py -c "import sqlite3; print(sqlite3.connect('two.db').execute(\"select count(*) from runs where status='done'\").fetchone()[0])")" = 6 ] && ok \
  || { bad "two processes: rc $ra $rb, $started runs started"; cat a.err b.err; }

# 6. kill -9 mid-run: the claim of a dead owner is taken over by the next process
"$bin" compare "${slow[@]/two.db/k.db}" > /dev/null 2> k.err &
pk=$!
for _ in $(seq 1 200); do
  [ -e k.db ] && $py -c "import sqlite3,sys; c=sqlite3.connect('k.db'); sys.exit(0 if c.execute(\"select count(*) from epochs\").fetchone()[0] > 0 else 1)" 2> /dev/null && break
  sleep 0.05
done
kill -9 "$pk"; wait "$pk" 2> /dev/null
"$bin" compare "${slow[@]/two.db/k.db}" > /dev/null 2> k2.err && \
  [ "$($py -c "import sqlite3; c=sqlite3.connect('k.db'); print(c.execute(\"select count(*) from runs where status='done'\").fetchone()[0], c.execute('pragma integrity_check').fetchone()[0])")" = "6 ok" ] \
  && ! grep -q "being trained by" k2.err && ok || { bad "kill -9 then re-run"; cat k2.err; }
finish
