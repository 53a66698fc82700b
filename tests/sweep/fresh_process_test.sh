#!/usr/bin/env bash
# Determinism across processes: the replays of determinism_test.cpp run in one
# process, where the heap hands a replay the same addresses, so an order that
# depends on pointer values repeats by luck. Here every shipped scenario runs
# (plain and --swarm) in fresh processes: one plain, others on a heap
# disturbed by BRIDGESIM_HEAP_DISTURB=N (cli/main.cpp), with environments of
# different sizes and with --jobs 2; every per-scenario trace_digest of
# `run --json` must equal the plain run's. Usage: fresh_process_test.sh BRIDGESIM
set -u
bin=$1
seeds=${FRESH_SEEDS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0

digests() {  # digests JSON: "scenario digest" per line, then "TOTAL digest"
  grep -oE '"scenario":"[^"]*"|"trace_digest":"[^"]*"' "$1" | cut -d'"' -f4 | paste -sd' ' \
    | awk '{ print "TOTAL", $1; for (i = 2; i < NF; i += 2) print $i, $(i + 1) }'
}

pad=$(head -c 20000 /dev/zero | tr '\0' x)
for mode in plain swarm; do
  flags=(run --seeds "$seeds")
  [ "$mode" = swarm ] && flags+=(--swarm)
  env -i PATH="$PATH" "$bin" "${flags[@]}" --jobs 1 --json "$tmp/$mode-base.json" >/dev/null
  digests "$tmp/$mode-base.json" >"$tmp/$mode-base.txt"
  if [ "$(wc -l <"$tmp/$mode-base.txt")" -lt 10 ]; then
    echo "FAIL $mode: the plain run gave no per-scenario digests"; fails=$((fails + 1)); continue
  fi
  for variant in "heap 1" "heap 2 env" "heap 3 jobs" "heap 4 env jobs" "noheap env"; do
    set -- $variant
    envs=(PATH="$PATH")
    [ "$1" = heap ] && envs+=(BRIDGESIM_HEAP_DISTURB="$2")
    [[ " $variant " == *" env "* ]] && envs+=(BRIDGESIM_PAD="$pad" HOME=/nonexistent LANG=C.UTF-8)
    jobs=1
    [[ " $variant " == *" jobs"* ]] && jobs=2
    out="$tmp/$mode-${variant// /_}"
    env -i "${envs[@]}" "$bin" "${flags[@]}" --jobs "$jobs" --json "$out.json" >/dev/null
    [ -f "$out.json" ] && digests "$out.json" >"$out.txt" || echo "<no summary written>" >"$out.txt"
    if diff "$tmp/$mode-base.txt" "$out.txt" >"$out.diff"; then
      passes=$((passes + 1))
    else
      echo "FAIL $mode seeds 1..$seeds, fresh process with '$variant': trace digests differ from the plain run"
      echo "  (scenario digest: < plain, > this run; replay a seed of it with run --check-determinism)"
      sed 's/^/    /' "$out.diff"
      fails=$((fails + 1))
    fi
  done
done
echo "fresh processes: $passes passed, $fails failed"
[ "$fails" = 0 ]
