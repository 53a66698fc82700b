# Sourced by the shell tests of the CLI: `expect NAME WANT_CODE PATTERN -- CMD...`
# runs CMD, checks its exit code and (if PATTERN is not empty) that its
# output matches the extended regex PATTERN; counts into $passes / $fails.
# `ok` and `bad WHAT` count a check the test judged itself.
# `expect_summary LABEL` prints the counts and returns non-zero on any failure.
fails=0
passes=0

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out code
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" != "$want" ]; then
    echo "FAIL $name: exit $code, want $want"; echo "$out" | tail -8 | sed 's/^/    /'
    fails=$((fails + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | tail -8 | sed 's/^/    /'
    fails=$((fails + 1)); return
  fi
  passes=$((passes + 1))
}

expect_summary() {
  echo "$1$passes passed, $fails failed"
  [ "$fails" = 0 ]
}
