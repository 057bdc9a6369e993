#!/usr/bin/env bash
# Fuzzes one harness until it has used a given amount of CPU time (not wall time: on a shared machine
# a -max_total_time hour can be a few CPU minutes). docs/fuzzing.md records the campaigns run with it.
#
#   fuzz/run_for_cpu.sh BINARY CORPUS_DIR MAX_LEN CPU_SECONDS LOG
#
# Runs BINARY (a libFuzzer harness) at nice 19 (its autogroup too) on CORPUS_DIR (new units are added there), with
# -rss_limit_mb=2048 -timeout=60, crash / timeout / OOM inputs written next to LOG (LOG-crash-...);
# samples the process's utime + stime from /proc every 30 s into LOG.cpu ("<wall s> <cpu s>"), and
# stops it with SIGINT (libFuzzer then prints its final stats into LOG) once CPU_SECONDS are used.
# Exit status: 0 when stopped at the target (libFuzzer's own exit on SIGINT is 72), else the
# fuzzer's (a finding: 1 for a crash, 70 a timeout, 71 out of memory, ...).
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: $0 BINARY CORPUS_DIR MAX_LEN CPU_SECONDS LOG" >&2
  exit 2
fi
binary=$1 corpus=$2 max_len=$3 target=$4 log=$5
[ -x "$binary" ] || { echo "$0: '$binary' is not an executable" >&2; exit 2; }
[ -d "$corpus" ] || { echo "$0: corpus folder '$corpus' does not exist" >&2; exit 2; }
[[ "$max_len" =~ ^[0-9]+$ && "$target" =~ ^[0-9]+$ ]] || { echo "$0: MAX_LEN and CPU_SECONDS are whole numbers" >&2; exit 2; }

# In a session of its own (setsid), whose scheduler autogroup is then given nice 19 too: with
# autogroups (kernel.sched_autogroup_enabled=1), a process's nice value only ranks it inside its
# session, and a niced fuzzer in another session still took half the CPU from a build or test run.
TMPDIR=${TMPDIR:-/dev/shm} setsid nice -n 19 "$binary" -max_total_time=1000000 -rss_limit_mb=2048 -timeout=60 \
  -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$log-" "$corpus" > "$log" 2>&1 < /dev/null &
pid=$!
# only once setsid has made it a session leader (field 6 of /proc/PID/stat, the session, is its
# pid): before that, the autogroup is this script's
for _ in 1 2 3 4 5 6 7 8 9 10; do
  read -r -a stat < "/proc/$pid/stat" 2> /dev/null || break
  if [ "${stat[5]}" = "$pid" ]; then
    echo 19 > "/proc/$pid/autogroup" 2> /dev/null || true
    break
  fi
  sleep 0.2
done
trap 'kill -INT "$pid" 2> /dev/null || true' INT TERM
ticks=$(getconf CLK_TCK)
start=$(date +%s)
: > "$log.cpu"
while kill -0 "$pid" 2> /dev/null; do
  # fields 14 and 15 of /proc/PID/stat: utime and stime in clock ticks (the command name, field 2,
  # is in parentheses and has no spaces for these binaries)
  read -r -a stat < "/proc/$pid/stat" 2> /dev/null || break
  cpu=$(( (stat[13] + stat[14]) / ticks ))
  echo "$(( $(date +%s) - start )) $cpu" >> "$log.cpu"
  if [ "$cpu" -ge "$target" ]; then
    kill -INT "$pid" 2> /dev/null || true
    stopped=1
    break
  fi
  sleep 30
done
rc=0
wait "$pid" || rc=$?
if [ "${stopped:-0}" = 1 ] && [ "$rc" = 72 ]; then exit 0; fi
exit "$rc"
