#!/usr/bin/env bash
# Hostile inputs to data, training and sample that used to give a silent wrong answer or a crash:
# seeds that wrap around, a negative --limit, unknown data-spec options, an --override that sets
# nothing, bce on targets outside [0, 1], an infinite weight decay, a last batch of one sample
# under BatchNorm, a tensor larger than memory, a gzip bomb in an IDX file. Each error case:
# exit 2 and one 'initlab: error:' line naming the flag or file.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
py=/usr/bin/python3

awk 'BEGIN { srand(7); print "x0,x1,y"; for (i = 0; i < 200; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1; printf "%.4f,%.4f,%d\n", a, b, (a + b > 0) } }' > data.csv
quick=(--model mlp:2-8-2 --data csv:data.csv,label=y --epochs 1 --quiet)


# 1. Seeds and counts that used to wrap around or mean something else
not_seed="is not a seed; expected an integer from 0 to 18446744073709551615"
expect_error train_seed_negative "--seed: '-1' $not_seed" "$bin" train "${quick[@]}" --init he_normal --seed -1 --db s.db
expect_error train_seed_2_64 "--seed: '18446744073709551616' $not_seed" "$bin" train "${quick[@]}" --init he_normal --seed 18446744073709551616 --db s.db
expect_error compare_seed_negative "--seed: '-1' $not_seed" "$bin" compare "${quick[@]}" --inits zeros,he_normal --seed -1 --db s.db
expect_error sample_seed_negative "--seed: '-1' $not_seed" "$bin" sample normal --shape 4x4 --seed -1
expect_error sample_seed_2_64 "--seed: '18446744073709551616' $not_seed" "$bin" sample normal --shape 4x4 --seed 18446744073709551616
expect_error sample_seed_hex "--seed: '0x10' $not_seed" "$bin" sample normal --shape 4x4 --seed 0x10
expect_error init_seed_negative "--seed: '-1' $not_seed" "$bin" init model.pt --init he_normal -o out.pt --seed -1
[ ! -e s.db ] && ok || bad "a refused seed left a database"
"$bin" sample normal --shape 4x4 --seed 010 > ten.txt 2>&1 && grep -q "seed 10$" ten.txt && ok || { bad "--seed 010 is not read as decimal 10"; cat ten.txt; }
"$bin" sample normal --shape 4x4 --seed 18446744073709551615 > max.txt 2>&1 && grep -q "seed 18446744073709551615" max.txt && ok \
  || { bad "the largest seed"; cat max.txt; }
expect_error limit_negative "--limit: '-5' is negative; expected a number of training samples >= 0 (0: all)" "$bin" train "${quick[@]}" --init he_normal --limit -5 --db l.db
expect_error seeds_zero "--seeds: Value 0 not in range 1 to 100000" "$bin" compare "${quick[@]}" --inits zeros --seeds 0 --db l.db
"$bin" train "${quick[@]}" --init he_normal --limit 0 --db l.db > /dev/null 2> l.err && ok || { bad "--limit 0 (all)"; cat l.err; }

# 2. Data-spec options: unknown keys are errors listing the valid ones
expect_error synthetic_unknown "--data 'synthetic:blobs,nn=5': unknown option 'nn'; expected one of: n" \
  "$bin" train --model mlp:2-8-3 --data synthetic:blobs,nn=5 --init he_normal --db d.db
expect_error synthetic_n_range "n='0' is invalid; expected an integer from 1 to 10000000" "$bin" train --model mlp:2-8-3 --data synthetic:blobs,n=0 --init he_normal --db d.db
expect_error csv_unknown "unknown option 'lable'; expected one of: label, target" "$bin" train --model mlp:2-8-2 --data csv:data.csv,lable=y --init he_normal --db d.db
mkdir -p imdb/pos imdb/neg && echo "good film" > imdb/pos/0.txt && echo "bad film" > imdb/neg/0.txt
expect_error text_unknown "unknown option 'length'; expected one of: vocab, len" "$bin" train --model rnn:lstm-8-8 --data text:imdb,length=5 --init he_normal --db d.db
expect_error idx_options "unknown option 'n'; expected one of: sequence" "$bin" train --model mlp:4-8-3 --data idx:imdb,n=3 --init he_normal --db d.db
[ ! -e d.db ] && ok || bad "a bad data spec left a database"

# 3. An --override that sets no parameter is an error listing parameter names; the first match wins
expect_error override_no_match "--override 'fc9.*=zeros' matches no parameter of the model; its parameters are: " \
  "$bin" train "${quick[@]}" --init he_normal --override 'fc9.*=zeros' --db o.db
grep -qF "weight" err.txt && ok || bad "override: no parameter names listed"
expect_error override_shadowed "matches only parameters that an earlier --override already sets (the first matching --override wins)" \
  "$bin" train "${quick[@]}" --init he_normal --override '*=zeros' --override '*.weight=ones' --db o2.db
"$bin" init --help | tr -s ' \n' ' ' | grep -qF "the first matching --override wins" && ok || bad "init --help: the first-match rule"

# 4. Losses and weight decays that train into nonsense
expect_error bce_regression "--loss bce needs regression targets in [0, 1]; this data's targets range from " \
  "$bin" train --model toy --data synthetic:regression --init he_normal --loss bce --epochs 1 --quiet --db b.db
grep -qF "(use --loss mse)" err.txt && ok || bad "bce: no advice"
for wd in inf nan -1; do
  expect_error "weight_decay_$wd" "--weight-decay $wd is invalid; expected a finite number >= 0" "$bin" train "${quick[@]}" --init he_normal --weight-decay "$wd" --db w.db
done

# 5. BatchNorm and a last batch of one sample: the sample joins the batch before; the run trains
# 180 training samples after the test split; --limit 129 = 2 x 64 + 1
"$bin" train --model mlp:2-8-2 --data csv:data.csv,label=y --batchnorm --init he_normal --limit 129 --val 0 --batch 64 --epochs 2 --db bn.db --json > bn.json 2> bn.err \
  && $py -c "import json; s = json.load(open('bn.json')); assert s['failed_runs'] == 0 if 'failed_runs' in s else True" \
  && ! grep -q "Expected more than 1 value" bn.err bn.json && ok || { bad "BatchNorm with a lone last sample"; cat bn.err; head -c 1500 bn.json; }
"$bin" results bn.db --json > bnr.json 2> /dev/null && $py -c "
import json; r = json.load(open('bnr.json'))[0]['runs']
assert len(r) == 1 and r[0]['status'] == 'done', r" && ok || { bad "BatchNorm run not done"; head -c 1500 bnr.json; }
if [ -d /usr/share/datasets/fashion-mnist ]; then  # the case of the issue, one epoch
  "$bin" train --model mlp:784-32-10 --batchnorm --data fashion-mnist --limit 897 --val 0 --batch 64 --init he_normal --epochs 1 --quiet --db fm.db \
    > fm.txt 2> fm.err && ! grep -q "Expected more than 1 value" fm.txt fm.err && ok || { bad "fashion-mnist --limit 897 --batchnorm"; cat fm.err; }
fi
expect_error batchnorm_batch_1 "--batch 1 is too small for BatchNorm; expected --batch >= 2" "$bin" train "${quick[@]}" --batchnorm --init he_normal --batch 1 --db bn1.db

# 6. Memory: a tensor larger than the machine, and a gzip bomb in an IDX file
expect_error sample_too_big "--shape 1000000x1000000 needs 3.64 TiB of memory, more than the " "$bin" sample normal --shape 1000000x1000000
grep -qF -- "--max-memory SIZE" err.txt && ok || bad "sample: the flag that raises the limit is not named"
expect_error sample_max_memory "--shape 1000x1000 needs 3.81 MiB of memory, more than --max-memory 1 MiB" "$bin" sample normal --shape 1000x1000 --max-memory 1M
expect_error sample_structured "needs 19.1 MiB of memory" "$bin" sample orthogonal --shape 1000x1000 --max-memory 8M
expect_error sample_bad_size "--max-memory: 'lots' is not a size" "$bin" sample normal --shape 4x4 --max-memory lots
"$bin" sample normal --shape 1000x1000 --max-memory 8M > /dev/null 2>&1 && ok || bad "sample within --max-memory"
mkdir bomb
$py - <<'PY'
import gzip, struct, zlib
def header(magic, *dims): return struct.pack(">I" + "I" * len(dims), magic, *dims)
# train images: a header for 5 images of 2x2, then 1 GiB of zeros (about 1 MB compressed)
c = zlib.compressobj(9, zlib.DEFLATED, 31)
with open("bomb/train-images-idx3-ubyte.gz", "wb") as f:
    f.write(c.compress(header(0x803, 5, 2, 2) + bytes(20)))
    block = bytes(1 << 24)
    for _ in range(64):
        f.write(c.compress(block))
    f.write(c.flush())
for name, data in [("train-labels-idx1-ubyte.gz", header(0x801, 5) + bytes(5)), ("t10k-images-idx3-ubyte.gz", header(0x803, 2, 2, 2) + bytes(8)),
                   ("t10k-labels-idx1-ubyte.gz", header(0x801, 2) + bytes(2))]:
    with gzip.open("bomb/" + name, "wb") as f:
        f.write(data)
PY
/usr/bin/time -f %M -o bomb.rss "$bin" train --model mlp:4-8-2 --data idx:bomb --init he_normal --db bomb.db > out.txt 2> err.txt
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l < err.txt)" = 1 ] \
  && grep -qF "train-images-idx3-ubyte.gz' declares 5 images of 2x2 (36 bytes) but has more (inflating stopped there)" err.txt && ok \
  || { bad "gzip bomb: exit $rc"; cat err.txt; }
rss=$(tail -n 1 bomb.rss)
[ "$rss" -lt 800000 ] && ok || bad "gzip bomb: the process grew to $rss KiB"
$py -c "
import struct
open('bomb/t10k-images-idx3-ubyte', 'wb').write(struct.pack('>IIII', 0x803, 4000000000, 60000, 60000) + bytes(64))"
mv bomb/t10k-images-idx3-ubyte.gz bomb/t10k.gz.away
cp bomb/t10k-labels-idx1-ubyte.gz bomb/train-labels-idx1-ubyte.gz
$py -c "
import gzip, struct
gzip.open('bomb/train-images-idx3-ubyte.gz', 'wb').write(struct.pack('>IIII', 0x803, 2, 2, 2) + bytes(8))"
expect_error idx_huge_header "t10k-images-idx3-ubyte' declares 4000000000 images of 60000x60000, more than 4 GiB of data; not read" \
  "$bin" train --model mlp:4-8-2 --data idx:bomb --init he_normal --db bomb.db
[ ! -e bomb.db ] && ok || bad "a bad IDX file left a database"
finish
