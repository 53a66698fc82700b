#!/usr/bin/env bash
# Mutation score of system/: how much of the system the default sweep would
# notice breaking. A benchmark (docs/regressions.md), not part of .ci/run.
# No Debian package does mutation testing for C++, so scripts/mutate.py (the
# standard library only) generates the mutants; see its docstring for the
# operators.
#
# Each mutant is applied in a scratch copy of the repository ($TMPDIR/bridgesim-mutation/src,
# never the checked-out sources), rebuilt incrementally there
# ($TMPDIR/bridgesim-mutation/src/build, Ninja + ccache, only the bridgesim binary), swept with
# `bridgesim run --seeds N --jobs J`, then the file is restored byte for byte.
#   killed      the sweep failed: a violation (exit 1), a crash, a timeout
#   survived    the sweep passed (exit 0, verdict=PASS)
#   equivalent  survived, and listed by hand in scripts/mutation-equivalent.txt
#   stillborn   did not compile: not counted
# score = killed / (killed + survived). Writes $TMPDIR/bridgesim-mutation/results.tsv,
# summary.json and summary.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
mutate="$top/scripts/mutate.py"

usage() {
  cat <<'EOF'
Usage: scripts/mutation-score.sh [options]
  --list          print the mutants (id, mutated line) and exit; runs nothing
  --sample N      a deterministic sample of N mutants, run in draw order (default: all)
  --seed S        the sample's seed (default 1)
  --net           also mutate system/net/ (default: system/*.cpp only)
  --only ID       run only this mutant (repeatable)
  --seeds N       seeds per scenario in each sweep (default 300, the default sweep)
  --jobs J        sweep jobs and ninja jobs (default: nproc)
  --timeout SEC   per-mutant sweep timeout (default: 10 x the unmutated sweep, at least 60)
  --out DIR       work and report directory (default ${TMPDIR:-/tmp}/bridgesim-mutation, outside the checkout)
  -h, --help      this text
A mutant id is FILE:LINE:COL:OPERATOR. Example, on a busy machine:
  nice -n 19 scripts/mutation-score.sh --sample 40 --seed 1 --seeds 300 --jobs 2
EOF
}

list=0 sample=() net=() only=() seeds=300 jobs=$(nproc) timeout_s="" out="${TMPDIR:-/tmp}/bridgesim-mutation"
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list=1 ;;
    --sample) sample=(--sample "$2"); shift ;;
    --seed) sample+=(--seed "$2"); shift ;;
    --net) net=(--net) ;;
    --only) only+=("$2"); shift ;;
    --seeds) seeds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --timeout) timeout_s=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutation-score: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$list" = 1 ]; then
  exec "$py" "$mutate" list "$top" "${net[@]}" "${sample[@]}"
fi

# The build directory sits inside the scratch source, as build/ does in a
# checkout, and ccache's base_dir is the scratch source: every compile line
# is then the one a checkout's build/ uses (-I.., ../system/x.cpp), so the
# first build of a fresh scratch copy hits the developer's ccache instead of
# compiling all of it again (a base_dir of /work would leave /tmp paths absolute).
src="$out/src" build="$out/src/build"
mkdir -p "$src" "$build"
backup="$out/original"
restore() {  # put the mutated file back, byte for byte (a new write: ninja rebuilds it, from ccache)
  "$py" "$mutate" restore "$src" --backup "$backup" || { echo "mutation-score: could not restore ($backup)" >&2; exit 3; }
}
restore  # a run interrupted before its trap ran
trap restore EXIT
trap 'exit 130' INT TERM
"$py" "$mutate" sync "$top" "$src"
# Mutants are judged by the sweep, not by -Werror: an unused parameter left by
# a deleted call must not make a mutant stillborn. The launcher appends
# -Wno-error when it compiles the mutated file ($MUTANT_SOURCE) and nothing
# else, so every other object keeps the project's flags (and its ccache
# entries). It goes in as CCACHE_PROGRAM, which the top CMakeLists.txt makes
# the compiler launcher.
printf '%s\n' '#!/bin/sh' 'case " $* " in *" $MUTANT_SOURCE "*) [ -n "$MUTANT_SOURCE" ] && set -- "$@" -Wno-error ;; esac' \
  "export CCACHE_BASEDIR='$src'" 'if command -v ccache >/dev/null 2>&1; then exec ccache "$@"; fi' 'exec "$@"' >"$out/cxx-launcher"
chmod +x "$out/cxx-launcher"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBRIDGESIM_TESTS=OFF \
  -DCCACHE_PROGRAM="$out/cxx-launcher" >/dev/null
bin="$build/cli/bridgesim"
sweep() {  # sweep LOG [--fail-fast]: the default sweep of the scratch build; its exit code
  timeout --kill-after=10 "${timeout_s:-3600}" "$bin" run --seeds "$seeds" --jobs "$jobs" \
    --scenario-dir "$src/scenarios" "${@:2}" >"$1" 2>&1
}

echo "mutation-score: building the unmutated copy in $build"
ninja -C "$build" -j "$jobs" bridgesim >"$out/build.log" 2>&1 || { tail -20 "$out/build.log"; exit 2; }
t0=$(date +%s.%N)
if ! sweep "$out/baseline.log" || ! grep -q "verdict=PASS" "$out/baseline.log"; then
  echo "mutation-score: the unmutated sweep does not pass; fix that first ($out/baseline.log)" >&2
  exit 2
fi
baseline=$(echo "$(date +%s.%N) - $t0" | bc)
[ -n "$timeout_s" ] || timeout_s=$(echo "t = $baseline * 10; if (t < 60) t = 60; scale=0; t / 1" | bc)
echo "mutation-score: unmutated sweep passes in ${baseline}s (${seeds} seeds); timeout per mutant ${timeout_s}s"

if [ ${#only[@]} -gt 0 ]; then
  ids=("${only[@]}")
else
  mapfile -t ids < <("$py" "$mutate" list "$src" --ids "${net[@]}" "${sample[@]}")
fi

results="$out/results.tsv"
: >"$results"
n=0
for id in "${ids[@]}"; do
  n=$((n + 1))
  start=$(date +%s.%N)
  line=$("$py" "$mutate" apply "$src" "$id" --backup "$backup") || { echo "mutation-score: cannot apply $id" >&2; exit 2; }
  if ! MUTANT_SOURCE="$src/${id%%:*}" ninja -C "$build" -j "$jobs" bridgesim >"$out/mutant-build.log" 2>&1; then
    verdict=stillborn detail="does not compile"
  else
    set +e
    # --fail-fast: a mutant is killed by its first failing seed, so the rest
    # of the sweep would only cost time (a survivor still runs all of it).
    sweep "$out/mutant-sweep.log" --fail-fast
    rc=$?
    set -e
    if [ "$rc" = 0 ] && grep -q "verdict=PASS" "$out/mutant-sweep.log"; then
      verdict=survived detail="sweep passed"
    elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
      verdict=killed detail="timeout after ${timeout_s}s"
    elif [ "$rc" -gt 128 ]; then
      verdict=killed detail="crashed (signal $((rc - 128)))"
    else
      failing=$(grep -E 'failures=[1-9]' "$out/mutant-sweep.log" | awk '$1 != "TOTAL" {print $1}' | paste -sd, - || true)
      verdict=killed detail="exit $rc${failing:+: $failing}"
    fi
  fi
  restore
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%s\t%s\t%.1f\t%s\t%s\n' "$id" "$verdict" "$seconds" "$detail" "${line//$'\t'/ }" >>"$results"
  printf '%d/%d %s %s %.1fs\n' "$n" "${#ids[@]}" "$id" "$verdict" "$seconds"
done
trap - EXIT INT TERM

"$py" "$mutate" report "$results" "$top/scripts/mutation-equivalent.txt" "$out"
