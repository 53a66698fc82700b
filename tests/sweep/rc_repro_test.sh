#!/usr/bin/env bash
# A failing RapidCheck property prints the exact command that reproduces it,
# and that command, run as printed, fails again after the same number of
# cases on the same counterexample. Run with a random seed (no RC_PARAMS), as a developer would, and
# with the fixed one ctest uses. Usage: rc_repro_test.sh RC_REPRO_DEMO
set -u
demo=$1
fails=0
check() {  # check LABEL RC_PARAMS-or-empty
  local out cmd again
  if [ -n "$2" ]; then out=$(RC_PARAMS="$2" "$demo" 2>&1); else out=$(env -u RC_PARAMS "$demo" 2>&1); fi
  cmd=$(grep -m1 '^reproduce: ' <<<"$out" | sed 's/^reproduce: //')
  if ! grep -qE '^RC_PARAMS="[^"]*seed=[0-9]+[^"]*" /[^ ]+ --gtest_filter=RcReproDemo\.FailsOnSomeNumbers$' <<<"$cmd"; then
    echo "FAIL $1: no reproduce command with the seed, the binary and the filter"; echo "$out" | tail -5 | sed 's/^/    /'
    fails=$((fails + 1)); return
  fi
  again=$(eval "env -u RC_PARAMS $cmd" 2>&1)
  local first second
  # The case count and the counterexample, both runs.
  first=$(grep -A3 -m1 'Falsifiable after' <<<"$out" | tr '\n' ' ')
  second=$(grep -A3 -m1 'Falsifiable after' <<<"$again" | tr '\n' ' ')
  if [ -z "$first" ] || [ "$first" != "$second" ]; then
    echo "FAIL $1: '$cmd' did not replay the failure ('$first' then '${second:-no failure}')"; fails=$((fails + 1)); return
  fi
  echo "ok $1: $cmd -> $second"
}
check "a drawn seed" ""
check "the ctest seed" "seed=20261201"
[ "$fails" = 0 ]
