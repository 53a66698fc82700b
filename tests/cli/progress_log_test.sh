#!/usr/bin/env bash
# `run`'s progress in a log (stderr not a terminal): a fast sweep of every
# scenario writes one UTC-stamped line per scenario (plus a heartbeat only
# when one runs ten seconds), never a carriage-return redraw, and the last
# line counts the whole sweep. Bytes, not time: lines <= scenarios + 2.
# Usage: progress_log_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run --seeds 40 --jobs 2 >"$tmp/out" 2>"$tmp/err"
code=$?
scenarios=$(grep -c ' runs=40 failures=' "$tmp/out")
lines=$(wc -l <"$tmp/err")
fails=0
[ "$code" = 0 ] || { echo "FAIL: the default sweep exits $code"; fails=$((fails + 1)); }
[ "$scenarios" -gt 5 ] || { echo "FAIL: only $scenarios scenarios ran"; fails=$((fails + 1)); }
[ "$lines" -ge "$scenarios" ] && [ "$lines" -le $((scenarios + 2)) ] \
  || { echo "FAIL: $lines progress lines for $scenarios scenarios (want $scenarios..$((scenarios + 2)))"; fails=$((fails + 1)); }
bad=$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z scenario [0-9]+/[0-9]+ ' "$tmp/err")
[ "$bad" = 0 ] || { echo "FAIL: $bad lines without a timestamp and scenario k/N"; fails=$((fails + 1)); }
grep -q $'\r' "$tmp/err" && { echo "FAIL: a redraw (\\r) in a log"; fails=$((fails + 1)); }
total=$((scenarios * 40))
tail -1 "$tmp/err" | grep -qE "scenario $scenarios/$scenarios [a-z_]+ done: $total/$total runs, 0 failing seeds" \
  || { echo "FAIL: the last line does not count the whole sweep: $(tail -1 "$tmp/err")"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "PASS: $lines lines for $scenarios scenarios ($(wc -c <"$tmp/err") bytes)"
[ "$fails" = 0 ]
