#!/usr/bin/env bash
# Simulated-world throughput of this tree against BASE_REF, built from git in
# the same run, as a ratio (absolute figures on a shared machine drift; a
# ratio of interleaved runs does much less).
#
# Usage: bench-compare.sh [BASE_REF]        (default a8a385f, the release before issue 15)
#   env: REPS (5) interleaved repetitions; GOLDEN_SEEDS (3000); SWARM_SEEDS (500);
#        NEW_BIN (build/cli/bridgesim, built if missing); BASE_DIR (kept: BASE_DIR/src is
#        BASE_REF's worktree, src/build its build; default a temporary one, removed on exit); JOBS for ninja.
#
# Per repetition, for each scenario, the base binary then the new one:
#   bridgesim run --scenario S --seeds N --jobs 1
# timed as CPU seconds (user + sys) of that process: judged runs per
# core-second. Then `bridgesim bench` once per binary (its "sim golden path,
# judged runs/s" row, real-mode phases kept short). Medians are printed with
# the ratio new / base.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
base_ref=${1:-a8a385f}
reps=${REPS:-5}
golden_seeds=${GOLDEN_SEEDS:-3000}
swarm_seeds=${SWARM_SEEDS:-500}
new_bin=${NEW_BIN:-$top/build/cli/bridgesim}

git -C "$top" rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null ||
  { echo "bench-compare: unknown git ref '$base_ref'" >&2; exit 2; }

if [ ! -x "$new_bin" ]; then
  echo "bench-compare: building this tree (build/)" >&2
  bash "$top/scripts/build.sh" build >/dev/null
fi

# The base tree is a git worktree with its build/ inside it, laid out like
# any checkout under /work, so ccache (base_dir=/work) hits what building
# that commit anywhere else already compiled. Under build-compare.*/ (ignored).
cleanup() { :; }
if [ -z "${BASE_DIR:-}" ]; then
  tmp=$(mktemp -d "$top/build-compare.XXXXXX")
  base_src=$tmp/src
  cleanup() { git -C "$top" worktree remove --force "$base_src" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
  trap cleanup EXIT
else
  base_src=$BASE_DIR/src
fi
base_build=$base_src/build
if [ ! -d "$base_src" ]; then
  mkdir -p "$(dirname "$base_src")"
  git -C "$top" worktree add --detach "$base_src" "$base_ref" >/dev/null 2>&1 ||
    { echo "bench-compare: cannot check out $base_ref in $base_src" >&2; exit 2; }
fi
echo "bench-compare: building $base_ref ($(git -C "$top" rev-parse --short "$base_ref")) in $base_build" >&2
# Only the CLI: Release, Ninja and ccache as scripts/build.sh configures them.
cmake -S "$base_src" -B "$base_build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$base_build" -j "${JOBS:-$(nproc)}" bridgesim >/dev/null
ninja -C "$base_build" -j "${JOBS:-$(nproc)}" bench_bridgesim >/dev/null 2>&1 || true
base_bin=$base_build/cli/bridgesim

# CPU seconds (user + sys) of one judged sweep on one core.
cpu_of() {
  local bin=$1 scenario=$2 seeds=$3 t scenario_dir=$top/scenarios
  [ "$bin" = "$base_bin" ] && scenario_dir=$base_src/scenarios
  TIMEFORMAT='%U %S'
  t=$({ time "$bin" run --scenario-dir "$scenario_dir" --scenario "$scenario" --seeds "$seeds" --jobs 1 \
        >/dev/null 2>&1; } 2>&1) || { echo "bench-compare: $bin run --scenario $scenario failed" >&2; exit 1; }
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f\n", a[1] + a[2] }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

results=$(mktemp /tmp/bench-compare-results.XXXXXX)
for rep in $(seq 1 "$reps"); do
  for scenario in golden_path swarm; do
    seeds=$golden_seeds
    [ "$scenario" = swarm ] && seeds=$swarm_seeds
    for which in base new; do
      bin=$base_bin
      [ "$which" = new ] && bin=$new_bin
      cpu=$(cpu_of "$bin" "$scenario" "$seeds")
      echo "$scenario $which $(awk -v n="$seeds" -v c="$cpu" 'BEGIN { printf "%.0f", n / c }')" >>"$results"
      echo "rep $rep $scenario $which: $seeds runs in $cpu CPU-s" >&2
    done
  done
done

bench_row() {
  "$1" bench --sim-seeds "$golden_seeds" --connections 10 --users 10 --duration-s 0.2 --golden-reps 1 2>/dev/null |
    sed -n 's/^sim golden path, judged runs\/s (1 core) *\([0-9]*\) .*/\1/p'
}
bench_base=$(bench_row "$base_bin")
bench_new=$(bench_row "$new_bin")
# Google Benchmark's BM_GoldenPathRun (CPU time per judged run), when both trees built it.
gbench_row() {
  [ -x "$1" ] || return 0
  "$1" --benchmark_filter='^BM_GoldenPathRun$' --benchmark_min_time=1 --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>/dev/null |
    awk '$1 == "BM_GoldenPathRun_median" { printf "%.0f", 1e6 / $4 }'
}
gbench_base=$(gbench_row "$base_build/bench/bench_bridgesim")
gbench_new=$(gbench_row "$(dirname "$(dirname "$new_bin")")/bench/bench_bridgesim")

echo
echo "base $base_ref: $base_bin"
echo "new:  $new_bin ($(git -C "$top" rev-parse --short HEAD)$(git -C "$top" diff --quiet HEAD || echo '+dirty'))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %10s %7s\n' "figure (median of $reps, interleaved)" base new ratio
for scenario in golden_path swarm; do
  b=$(awk -v s="$scenario" '$1 == s && $2 == "base" { print $3 }' "$results" | median)
  n=$(awk -v s="$scenario" '$1 == s && $2 == "new" { print $3 }' "$results" | median)
  printf '%-44s %10s %10s %7s\n' "$scenario judged runs per core-second" "$b" "$n" \
    "$(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.2fx", n / b }')"
done
printf '%-44s %10s %10s %7s\n' "bench: sim golden path judged runs/s" "${bench_base:-?}" "${bench_new:-?}" \
  "$(awk -v b="${bench_base:-0}" -v n="${bench_new:-0}" 'BEGIN { if (b > 0) printf "%.2fx", n / b; else print "?" }')"
printf '%-44s %10s %10s %7s\n' "gbench: BM_GoldenPathRun runs per CPU-s" "${gbench_base:-?}" "${gbench_new:-?}" \
  "$(awk -v b="${gbench_base:-0}" -v n="${gbench_new:-0}" 'BEGIN { if (b > 0) printf "%.2fx", n / b; else print "?" }')"
rm -f "$results"
