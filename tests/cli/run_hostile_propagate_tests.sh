#!/usr/bin/env bash
# Hostile inputs to propagate / advise / theory and the model grammar (issue 15): one grammar
# with train, honest verdicts on overflow and NaN, bounded parsing, bounded threads, resources
# stated before they are spent. Each refusal: exit 2, one 'initlab: error:' line naming the flag
# or value and what was expected, quickly.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

awk 'BEGIN { srand(7); print "x0,x1,y"; for (i = 0; i < 200; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1; printf "%.4f,%.4f,%d\n", a, b, (a + b > 0) } }' > data.csv

# One error line, exit 2, within 60 s, at most 400 characters (no echoed 50 KB value).
one_error() {
  local name=$1 needle=$2
  shift 2
  timeout 60 "$@" > out.txt 2> err.txt
  local rc=$?
  if [ "$rc" != 2 ]; then bad "$name: exit $rc"; head -c 600 err.txt; return 1; fi
  if [ "$(wc -l < err.txt)" != 1 ] || ! grep -qF -- "$needle" err.txt || ! grep -q "^initlab: error: " err.txt; then
    bad "$name: message"; head -c 600 err.txt; return 1
  fi
  if [ "$(wc -c < err.txt)" -gt 400 ]; then bad "$name: $(wc -c < err.txt) characters"; return 1; fi
  ok
}

# 1. One model grammar: the old lone NxK is refused by every command with what to write instead;
#    mlp:100-100x10 is input 100 then ten Linear layers of 100, every one reported.
one_error lone_nxk_propagate "'mlp:100x10' is ambiguous" "$bin" propagate --model mlp:100x10 --init he_normal
grep -qF "write mlp:100-100x10" err.txt && ok || bad "lone NxK: no suggestion"
one_error lone_nxk_advise "'mlp:2x3' is ambiguous" "$bin" advise --model mlp:2x3 --data csv:data.csv,label=y
one_error lone_nxk_train "'mlp:2x3' is ambiguous" "$bin" train --model mlp:2x3 --data csv:data.csv,label=y --init he_normal --db t.db
"$bin" propagate --model mlp:100-100x10 --init he_normal --batch 64 --json > g.json 2> g.err \
  && /usr/bin/python3 -c "
import json; r = json.load(open('g.json'))['results'][0]['seeds'][0]
assert [l['name'] for l in r] == ['fc%d' % i for i in range(1, 11)], [l['name'] for l in r]
out = r[-1]; assert abs(out['act_std'] ** 2 - out['pre_var']) <= 1e-6 * out['pre_var'], out   # the linear output layer
assert all(l['act_mean'] > 0 for l in r[:-1])                                                 # nine ReLU layers
" && ok || { bad "mlp:100-100x10 layers"; cat g.err; }
# The seed notebook's sweep in the new grammar: ten ReLU layers of 100 (fc1..fc10) and a linear readout.
"$bin" propagate --model mlp:100-100x10-100 --activation relu --init 'normal:std=logspace(1e-4,10,50)' --batch 500 --json > prop.json 2> prop.err \
  && /usr/bin/python3 -c "
import json; r = json.load(open('prop.json'))['results']
assert len(r) == 50 and len(r[0]['seeds'][0]) == 11 and r[0]['seeds'][0][9]['name'] == 'fc10'
v = {x['init']: x['verdict'] for x in r}
assert v['normal:std=0.0001'] == 'vanishing' and v['normal:std=10'] == 'exploding', v
stable = [float(k.split('=')[1]) for k, x in v.items() if x == 'stable']
assert stable and min(stable) <= 0.1414 <= max(stable), stable
" && ok || { bad "seed notebook sweep"; cat prop.err; }

# 2. Overflow is exploding (with the layer named), never vanishing
"$bin" propagate --model mlp:100-100x10 --init normal:std=1e6 --batch 32 > o.txt 2> o.err \
  && grep -q "^normal:std=1e6 .* exploding$" o.txt && grep -q "^note: normal:std=1e6: the forward pass overflows to inf at layer" o.txt \
  && ! grep -q " vanishing$" o.txt && ok || { bad "overflow verdict"; cat o.txt o.err; }
"$bin" propagate --model mlp:100-100x10 --init normal:std=1e6 --batch 32 --json > o.json 2> o.err \
  && /usr/bin/python3 -c "
import json; r = json.load(open('o.json'))['results'][0]
assert r['verdict'] == 'exploding' and r['nonfinite']['value'] == 'inf' and r['nonfinite']['pass'] == 'forward', r['nonfinite']
" && ok || { bad "overflow json"; cat o.err; }

# 3. A 50,000-character --init is an error naming the limit (no stack overflow), quoting 40 characters
long=$(head -c 50000 /dev/zero | tr '\0' '(')
one_error long_init "is 50025 characters long; at most 1000 are accepted" "$bin" propagate --model mlp:10-10x2 --init "normal:std=logspace(${long},1,3)"
one_error long_model "characters long; at most 1000 are accepted" "$bin" propagate --model "mlp:$(printf '1-%.0s' $(seq 1 600))1" --init he_normal
one_error deep_model "has more than 100000 layers" "$bin" propagate --model mlp:10-10x100001 --init he_normal
one_error logspace_fraction 'N must be a whole number 1..10000; got "5.5"' "$bin" propagate --model mlp:10-10x2 --init 'normal:std=logspace(1e-4,10,5.5)'
one_error two_sweeps "more than one sweep" "$bin" propagate --model mlp:10-10x2 --init 'normal:mean=linspace(0,1,2),std=logspace(1,2,2)'
one_error bias_inf "--bias-std inf is invalid; expected a finite number >= 0" "$bin" propagate --model mlp:10-10x2 --init he_normal --bias-std inf
one_error many_seeds "--seeds" "$bin" propagate --model mlp:10-10x2 --init he_normal --seeds 100000
one_error seed_negative "--seed" "$bin" propagate --model mlp:10-10x2 --init he_normal --seed -1
one_error seed_2_64 "--seed" "$bin" propagate --model mlp:10-10x2 --init he_normal --seed 18446744073709551616

# 4. theory: every numeric flag, non-finite or out of range, is one line naming the flag and the range
for v in nan inf; do
  one_error theory_param_$v "--param: '$v' is invalid; expected a finite number" "$bin" theory --activation leaky_relu --param $v
  one_error theory_sigma_w_$v "--sigma-w: '$v' is invalid; expected a finite number > 0" "$bin" theory --sigma-w $v
  one_error theory_sigma_b_$v "--sigma-b: '$v' is invalid; expected a finite number >= 0" "$bin" theory --sigma-b $v
  one_error theory_q0_$v "--q0: '$v' is invalid; expected a finite number > 0" "$bin" theory --q0 $v --depth 3
  one_error theory_sigma_b_max_$v "--sigma-b-max: '$v' is invalid; expected a finite number >= 0" "$bin" theory --critical-line --sigma-b-max $v
  one_error theory_depth_$v "--depth" "$bin" theory --depth $v
done
one_error theory_sigma_b_max_negative "--sigma-b-max: '-1' is invalid" "$bin" theory --critical-line --sigma-b-max -1
[ ! -s out.txt ] && ok || bad "theory printed a table before its error"
one_error theory_param_tanh "--param is the leaky_relu slope or the elu alpha; --activation tanh takes none" "$bin" theory --activation tanh --param 0.2

# 5. --threads: 0 (all cores) .. 1024
for cmd in propagate advise; do
  if [ $cmd = propagate ]; then args=(propagate --model mlp:10-10x2 --init he_normal); else args=(advise --model mlp:2-8-2 --data csv:data.csv,label=y); fi
  one_error ${cmd}_threads_negative "--threads: Value -1 not in range 0 to 1024" "$bin" "${args[@]}" --threads -1
  one_error ${cmd}_threads_huge "--threads: Value 100000 not in range 0 to 1024" "$bin" "${args[@]}" --threads 100000
done

# 6. Resources stated before they are spent: refused in seconds with the size, the limit and the flag
for m in mlp:100000-100000x100 mlp:10000-10000x100000; do
  one_error "memory_$m" "--model '$m' needs about" "$bin" propagate --model $m --init he_normal
  grep -qF "raise it with --max-memory SIZE" err.txt && grep -qF "the limit is" err.txt && ok || bad "memory $m: no limit or flag"
done
one_error memory_batch "--batch 100000000); the limit is" "$bin" propagate --model mlp:100-100x10 --init he_normal --batch 100000000
one_error memory_flag "the limit is 1 KiB (--max-memory)" "$bin" propagate --model mlp:100-100x10 --init he_normal --max-memory 1K
one_error memory_flag_nan "--max-memory: 'nan' is not a size; expected a number with a unit B, K, M, G or T" "$bin" propagate --model mlp:10-10x2 --init he_normal --max-memory nan
one_error memory_flag_zero "--max-memory: '0G' is not a size" "$bin" propagate --model mlp:10-10x2 --init he_normal --max-memory 0G
# One --max-memory syntax everywhere: a bare number (GB here once, bytes in sample) is refused, not guessed.
one_error memory_flag_bare "--max-memory: '8' is not a size" "$bin" propagate --model mlp:10-10x2 --init he_normal --max-memory 8
one_error advise_memory_flag "--max-memory: '0.5' is not a size" "$bin" advise --model mlp:2-8-2 --data csv:data.csv,label=y --max-memory 0.5
# train / compare / sweep estimate the model's training memory before building it (the brief's
# mlp:784-100000000-10 would need ~735 GiB); the limit is raised with the same flag.
one_error train_memory "--model 'mlp:784-100000000-10' needs about" "$bin" train --model mlp:784-100000000-10 --init he_normal --data csv:data.csv,label=y --db t.db
grep -qF "raise it with --max-memory SIZE" err.txt && [ ! -e t.db ] && ok || bad "train memory: no flag named, or a database was written"
one_error compare_memory_flag "the limit is 1 KiB (--max-memory)" "$bin" compare --model mlp:2-8-2 --inits he_normal,zeros --data csv:data.csv,label=y --max-memory 1K --db t.db
[ ! -e t.db ] && ok || bad "compare over --max-memory wrote a database"
"$bin" compare --model mlp:2-8-2 --inits he_normal --data csv:data.csv,label=y --epochs 1 --max-memory 64M --db t.db --quiet > /dev/null 2>&1 && ok || bad "compare within --max-memory"
one_error advise_memory "--model 'mlp:2-100000x1000-2' needs about" "$bin" advise --model mlp:2-100000x1000-2 --data csv:data.csv,label=y
one_error rescnn_memory "--model 'rescnn:100000x100' needs about" "$bin" propagate --model rescnn:100000x100 --input gaussian:3x32x32 --init he_normal

# Progress: on a terminal only. Redirected: nothing but the results.
"$bin" propagate --model mlp:10-10x2 --init 'normal:std=logspace(0.1,1,3)' --batch 16 > p.txt 2> p.err \
  && [ ! -s p.err ] && ok || { bad "progress on a redirected stderr"; cat -A p.err | head -3; }
if command -v script > /dev/null; then
  script -qec "'$bin' propagate --model mlp:10-10x2 --init 'normal:std=logspace(0.1,1,3)' --batch 16 > /dev/null" /dev/null > tty.txt 2>&1 \
    && grep -q "propagate: run 3/3" tty.txt && ok || { bad "progress on a terminal"; cat -A tty.txt | head -3; }
fi

finish
