# Shared by the CLI test scripts: a scratch folder (removed on exit) and pass/fail counting.
# Sourced after `bin` is set; the caller ends with `finish`.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]
}

# one_error NAME NEEDLE CMD...: CMD exits 2 with exactly one line on stderr, "initlab: error: ..."
# containing NEEDLE (a fixed string); else one failure is counted. Returns 0 on success (the caller
# counts it, often after more checks: one_error ... && [ ... ] && ok || bad ...).
one_error() {
  local name=$1 needle=$2
  shift 2
  "$@" > out.txt 2> err.txt
  local rc=$?
  if [ "$rc" != 2 ]; then bad "$name: exit $rc"; head -c 2000 err.txt; return 1; fi
  if [ "$(wc -l < err.txt)" != 1 ] || ! grep -q "^initlab: error: " err.txt || ! grep -qF -- "$needle" err.txt; then
    bad "$name: message"; head -c 2000 err.txt; return 1
  fi
  return 0
}
# expect_error NAME NEEDLE CMD...: one_error, counted as a pass when it holds.
expect_error() { one_error "$@" && ok; }
