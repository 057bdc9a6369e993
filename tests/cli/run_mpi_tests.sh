#!/usr/bin/env bash
# Sweeps over MPI ranks (Debian's OpenMPI): rank 0 schedules and records, the others train.
# Every run present exactly once with the metrics of the --jobs 1 run of the same sweep; a rank
# killed mid-sweep ends the job, and the same command run again completes it.
# Exit 77 (skipped) when mpirun is missing or this initlab was built without MPI.
set -u
bin=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
py=/usr/bin/python3
command -v mpirun > /dev/null || { echo "skipped: no mpirun (apt-get install openmpi-bin)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # CI runs as root
export OMPI_MCA_btl_vader_single_copy_mechanism=none                # no ptrace-based copies in containers
# Under AddressSanitizer (the asan preset; ignored otherwise): Open MPI is built without frame
# pointers, so only full unwinding on malloc reaches the libmpi / libopen-rte frames that the
# leak suppressions in tools/sanitizers/lsan.supp name (what MPI_Finalize leaves allocated).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
mpi=(mpirun --oversubscribe --bind-to none)
"${mpi[@]}" -n 2 "$bin" list > /dev/null 2> probe.err
if grep -q "built without MPI" probe.err; then echo "skipped: initlab was built without MPI"; exit 77; fi

awk 'BEGIN { srand(11); print "x0,x1,x2,y"; for (i = 0; i < 900; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1; c = rand() * 2 - 1; printf "%.4f,%.4f,%.4f,%d\n", a, b, c, (a * b + 0.3 * c > 0) } }' > data.csv
cat > tiny.toml <<'TOML'
model = "mlp:3-32-32-2"
data = "csv:data.csv,label=y"
epochs = 2
batch = 16
lr = "logspace(0.003,0.3,3)"
inits = ["xavier_normal", "kaiming_normal"]
seeds = 2
tune = ["lr"]
TOML
metrics() { "$bin" results "$1" --csv | cut -d, -f3-13 | sort; }
"$bin" sweep tiny.toml --jobs 1 --db one.db --quiet > one.txt 2> one.err || { bad "sweep --jobs 1"; cat one.err; }
"${mpi[@]}" -n 3 "$bin" sweep tiny.toml --db mpi.db --quiet > mpi.txt 2> mpi.err; rc=$?
[ "$rc" = 0 ] && [ "$(metrics mpi.db | wc -l)" = 25 ] && [ "$(metrics mpi.db)" = "$(metrics one.db)" ] \
  && [ "$($py -c "import sqlite3; print(sqlite3.connect('mpi.db').execute('select count(*), count(distinct experiment_id || init || seed) from runs').fetchone())")" = "(12, 12)" ] \
  && ok || { bad "mpirun -n 3 sweep: rc=$rc"; cat mpi.err; diff <(metrics one.db) <(metrics mpi.db) | head; }
# the summary printed by rank 0 is the one --jobs 1 prints
diff <(grep -v "^sweep " one.txt) <(grep -v "^sweep " mpi.txt) > /dev/null && ok || { bad "summaries differ"; diff one.txt mpi.txt | head; }

# A worker rank killed mid-sweep: the job ends; the same command again completes every run once
cat > slow.toml <<'TOML'
model = "mlp:3-64-64-2"
data = "csv:data.csv,label=y"
epochs = 12
batch = 8
inits = ["xavier_normal", "kaiming_normal", "orthogonal"]
seeds = 3
TOML
"${mpi[@]}" -n 3 "$bin" sweep slow.toml --db kill.db --quiet > /dev/null 2> kill.err &
job=$!
victim=""
for _ in $(seq 1 400); do
  done_runs=$($py -c "import sqlite3; print(sqlite3.connect('kill.db').execute(\"select count(*) from runs where status='done'\").fetchone()[0])" 2> /dev/null || echo 0)
  if [ "${done_runs:-0}" -ge 1 ]; then
    for p in $(pgrep -f "initlab sweep slow.toml"); do
      if tr '\0' '\n' < /proc/$p/environ 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=2"; then victim=$p; fi
    done
    break
  fi
  sleep 0.05
done
if [ -n "$victim" ]; then
  kill -9 "$victim"
  wait "$job" 2> /dev/null
  for _ in $(seq 1 300); do pgrep -f "initlab sweep slow.toml" > /dev/null || break; sleep 0.1; done   # the job's ranks are gone
  before=$($py -c "import sqlite3; print(sqlite3.connect('kill.db').execute(\"select count(*) from runs where status='done'\").fetchone()[0])")
  "${mpi[@]}" -n 3 "$bin" sweep slow.toml --db kill.db --quiet > /dev/null 2> kill2.err; rc=$?
  after=$($py -c "import sqlite3; c = sqlite3.connect('kill.db'); print(c.execute(\"select count(*) from runs where status='done'\").fetchone()[0], c.execute('select count(*) from runs').fetchone()[0], c.execute('pragma integrity_check').fetchone()[0])")
  [ "$rc" = 0 ] && [ "$before" -lt 9 ] && [ "$after" = "9 9 ok" ] && ok || { bad "kill a rank, re-run: rc=$rc before=$before after=$after"; cat kill.err kill2.err; }
else
  wait "$job"
  bad "no worker rank found to kill"
fi
finish
