#!/usr/bin/env bash
# Wall time of a whole comparison, end to end (data loading included): initlab's
# `compare --preset seed-mlp --seeds 2` with --jobs 1 and --jobs 2, and the same 10 runs done the
# usual way in PyTorch from Python (bench/torch_compare.py: sequential, out-of-the-box threads, and
# with OpenBLAS single-threaded as initlab runs it); and a sweep under mpirun against --jobs 2.
# Each measured REPS times, interleaved; medians and ratios printed. Needs a quiet machine.
# Usage: bench/run_jobs_bench.sh [REPS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=$(realpath build/initlab)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/sweep.toml" <<'TOML'
model = "mlp:784-128-10"
data = "fashion-mnist"
limit = 10000
epochs = 2
lr = [0.01, 0.03, 0.1]
inits = ["xavier_uniform", "kaiming_uniform"]
seeds = 2
tune = ["lr"]
TOML
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
seconds() { local s=$EPOCHREALTIME; "$@" > /dev/null 2>&1; /usr/bin/python3 -c "print(round($EPOCHREALTIME - $s, 3))"; }
declare -A t
for r in $(seq 1 "$reps"); do
  t[j1]+="$(seconds "$bin" compare --preset seed-mlp --seeds 2 --jobs 1 --quiet --db "$work/j1-$r.db") "
  t[j2]+="$(seconds "$bin" compare --preset seed-mlp --seeds 2 --jobs 2 --quiet --db "$work/j2-$r.db") "
  t[py]+="$(seconds /usr/bin/python3 bench/torch_compare.py 2 10) "
  t[py1]+="$(OPENBLAS_NUM_THREADS=1 seconds /usr/bin/python3 bench/torch_compare.py 2 10) "
  t[sj2]+="$(seconds "$bin" sweep "$work/sweep.toml" --jobs 2 --quiet --db "$work/s-$r.db") "
  if command -v mpirun > /dev/null; then
    t[mpi3]+="$(seconds mpirun --oversubscribe --bind-to none -n 3 "$bin" sweep "$work/sweep.toml" --quiet --db "$work/m-$r.db") "
  fi
done
/usr/bin/python3 - "${t[j1]}" "${t[j2]}" "${t[py]}" "${t[py1]}" "${t[sj2]}" "${t[mpi3]:-}" <<'PY'
import statistics, sys
med = lambda s: statistics.median(float(x) for x in s.split()) if s.strip() else float('nan')
j1, j2, py, py1, sj2, mpi3 = (med(a) for a in sys.argv[1:7])
print(f"compare --preset seed-mlp --seeds 2 (10 runs x 10 epochs), median of {len(sys.argv[1].split())}:")
print(f"  initlab --jobs 1:                 {j1:7.1f} s")
print(f"  initlab --jobs 2:                 {j2:7.1f} s   {j2 / j1:.2f}x of --jobs 1")
print(f"  PyTorch (Python), sequential:     {py:7.1f} s   initlab --jobs 2 takes {j2 / py:.2f}x of it ({py / j2:.2f}x less wall time)")
print(f"  PyTorch, OPENBLAS_NUM_THREADS=1:  {py1:7.1f} s   initlab --jobs 2 takes {j2 / py1:.2f}x of it ({py1 / j2:.2f}x less wall time)")
print(f"sweep (3 lr x 2 inits x 2 seeds, 10,000 samples, 2 epochs):")
print(f"  initlab sweep --jobs 2:           {sj2:7.1f} s")
print(f"  mpirun -n 3 (2 training ranks):   {mpi3:7.1f} s   {mpi3 / sj2:.2f}x of --jobs 2")
PY
