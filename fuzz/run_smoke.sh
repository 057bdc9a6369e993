#!/usr/bin/env bash
# ctest fuzz.smoke.<name> (INITLAB_FUZZ=ON): runs one libFuzzer harness for a few seconds on a
# copy of its seed corpus and regressions (the source tree is never written), in a temporary
# folder that is removed afterwards unless the harness found something.
#   run_smoke.sh HARNESS CORPUS_DIR REGRESSIONS_DIR SECONDS MAX_LEN
set -u
harness=$1 corpus=$2 regressions=$3 seconds=$4 max_len=$5
work=$(mktemp -d "${TMPDIR:-/tmp}/initlab-fuzz-smoke.XXXXXX")
mkdir -p "$work/corpus" "$work/tmp"
cp -R "$corpus/." "$work/corpus/" 2>/dev/null || true
[ -d "$regressions" ] && cp -R "$regressions/." "$work/corpus/" 2>/dev/null
TMPDIR="$work/tmp" "$harness" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus"
rc=$?
if [ $rc -ne 0 ]; then
  echo "fuzz smoke: $harness failed (exit $rc); the input is in $work/ (crash-*, timeout-*, oom-*, leak-*)" >&2
  exit $rc
fi
rm -rf "$work"
