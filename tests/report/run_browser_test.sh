#!/usr/bin/env bash
# The HTML report end to end: two small real experiments (with the training monitor; one an LSTM), three tiny
# sweeps (a 2-lr x 2-init tune, a 2-lr x 2-width μP tune, and a 2-point grid without tune), two
# propagation studies, one through time (an RNN) and a coordinate check into
# one database, `initlab report`, then headless Chromium checks the page
# (tests/report/browser_test.cjs) and saves a screenshot under the build folder. Also the
# report command's errors: exit 2, one line, no file written.
# Usage: run_browser_test.sh INITLAB_BINARY BUILD_DIR
set -u
bin=$(realpath "$1")
build=$(realpath "$2")
here=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
source "$here/../cli/lib.sh"
for need in /usr/bin/chromium "$here/../../web/node_modules/playwright-core/package.json"; do
  [ -e "$need" ] || { echo "FAIL: $need is missing: run scripts/setup.sh (installs chromium and the npm packages)"; exit 1; }
done
command -v node > /dev/null || { echo "FAIL: node is missing: run scripts/setup.sh"; exit 1; }

"$bin" compare --model mlp:2-16-16-3 --data synthetic:blobs,n=900 --inits 'zeros,he_normal,normal:std=0.01' --seeds 2 --epochs 4 \
  --lr 0.1 --batch 32 --monitor-every 5 --db r.db --quiet > /dev/null 2> c.err && ok || { bad "compare"; cat c.err; }
cat > tune.toml <<'TOML'
name = "tiny-lr-by-init"
model = "mlp:2-16-16-3"
data = "synthetic:blobs,n=900"
lr = [0.03, 0.3]
batch = 32
epochs = 3
val = 0.2
inits = ["zeros", "he_normal"]
seeds = 2
tune = ["lr"]
TOML
cat > grid.toml <<'TOML'
name = "tiny-activation-grid"
model = "mlp:2-16-16-3"
data = "synthetic:blobs,n=900"
activation = ["relu", "tanh"]
lr = 0.1
batch = 32
epochs = 2
inits = ["he_normal", "xavier_normal"]
seeds = 2
TOML
cat > widths.toml <<'TOML'
name = "tiny-lr-by-width"
model = ["mlp:2-16-3", "mlp:2-64-3"]
param = "mup:base_width=16"
data = "synthetic:blobs,n=900"
optimizer = "adam"
lr = [0.003, 0.03]
batch = 32
epochs = 2
val = 0.2
inits = ["he_normal"]
seeds = 1
tune = ["lr"]
TOML
"$bin" sweep tune.toml --db r.db --jobs 2 --quiet > /dev/null 2> s1.err && ok || { bad "sweep with tune"; cat s1.err; }
"$bin" sweep widths.toml --db r.db --jobs 2 --quiet > /dev/null 2> s3.err && ok || { bad "sweep over widths"; cat s3.err; }
"$bin" coordcheck --model mlp --data synthetic:blobs,n=900 --widths 16,32,64 --steps 2 --seeds 1 --batch 32 --db r.db > /dev/null 2> cc.err \
  && ok || { bad "coordcheck --db"; cat cc.err; }
"$bin" reproduce glorot2010 --seeds 2 --db r.db > /dev/null 2> rp.err && ok || { bad "reproduce --db"; cat rp.err; }
"$bin" sweep grid.toml --db r.db --jobs 2 --quiet > /dev/null 2> s2.err && ok || { bad "sweep without tune"; cat s2.err; }
"$bin" propagate --model mlp:64-64x6 --activation relu --init 'normal:std=logspace(1e-3,1,6)' --batch 128 --db r.db > /dev/null 2> p.err && ok || { bad "propagate sweep"; cat p.err; }
"$bin" propagate --model mlp:64-64x6 --activation tanh --init xavier_normal --init orthogonal --batch 128 --bias-std 0.05 --report prop.html --db r.db > /dev/null 2> q.err \
  && [ -s prop.html ] && ok || { bad "propagate --report"; cat q.err; }
"$bin" compare --model rnn:lstm-8 --data synthetic:adding,T=12,n=400 --inits chrono,rnn_orthogonal --seeds 1 --epochs 2 --batch 32 \
  --monitor-every 4 --db r.db --quiet > /dev/null 2> rc.err && ok || { bad "compare an LSTM with the monitor"; cat rc.err; }
"$bin" propagate --model rnn:relu-16 --input gaussian:20x2 --init irnn --init normal:std=0.001 --seeds 2 --batch 32 --db r.db > /dev/null 2> t.err \
  && ok || { bad "propagate through time --db"; cat t.err; }
"$bin" report r.db -o report.html 2> rep.err && [ -s report.html ] && ok || { bad "report"; cat rep.err; }
if node "$here/browser_test.cjs" report.html "$build/report-screenshot.png" > browser.txt 2>&1; then ok; else bad "browser"; fi
cat browser.txt
node "$here/browser_test.cjs" prop.html "$build/report-propagation-screenshot.png" > browser2.txt 2>&1 || true
# prop.html holds one study (no sweep, no experiment): it must render with no errors, though
# the full-report checks (every chart kind) do not apply to it.
grep -q "0 network requests, 0 console problems" browser2.txt && ! grep -q "chart error\|did not render\|network request:" browser2.txt && ok \
  || { bad "propagation-only report"; cat browser2.txt; }

# Errors: exit 2, one line, no file
"$bin" report missing.db -o x.html 2> e1.txt; rc=$?
[ "$rc" = 2 ] && grep -q "results database 'missing.db' does not exist" e1.txt && [ ! -e x.html ] && ok || { bad "report missing db: rc=$rc"; cat e1.txt; }
"$bin" report r.db --experiment 99 -o x.html 2> e2.txt; rc=$?
[ "$rc" = 2 ] && grep -q "has no experiment 99" e2.txt && [ ! -e x.html ] && [ "$(wc -l < e2.txt)" = 1 ] && ok || { bad "report bad id: rc=$rc"; cat e2.txt; }
"$bin" report r.db -o /nonexistent/x.html 2> e3.txt; rc=$?
[ "$rc" = 2 ] && grep -q "/nonexistent/x.html" e3.txt && ok || { bad "report bad output: rc=$rc"; cat e3.txt; }
finish
