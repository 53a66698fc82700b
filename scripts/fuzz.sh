#!/usr/bin/env bash
# Fuzzes every parser of untrusted input (fuzz/, docs/design.md "Fuzzing").
# Configures BUILD_DIR with clang and -DBRIDGESIM_FUZZ=ON, builds the fuzz
# targets only, then
#   1. regressions: runs each target once over every input in
#      fuzz/regressions/<target>/ (inputs that once crashed);
#   2. fuzzing: runs each target for FUZZ_SECONDS on a copy of its seed
#      corpus fuzz/corpus/<target>/ (the repository is never written), with
#      its dictionary fuzz/dict/<target>.dict, -timeout=5, -rss_limit_mb=2048.
# Any crash, leak, timeout or out-of-memory exits 1 naming the target and
# the input; the input is kept under FUZZ_ARTIFACTS. Targets run one at a
# time (one core each).
# Usage: fuzz.sh [BUILD_DIR]   (default: build-fuzz)
# Knobs: FUZZ_SECONDS (default 10 per target; e.g. 600 for a long run),
#        FUZZ_TARGETS (default: all, e.g. "jwt scenario"),
#        FUZZ_ARTIFACTS (default: BUILD_DIR/fuzz-artifacts), JOBS (build).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-fuzz}
case "$dir" in /*) ;; *) dir="$top/$dir" ;; esac
seconds=${FUZZ_SECONDS:-10}
artifacts=${FUZZ_ARTIFACTS:-$dir/fuzz-artifacts}
all_targets="jwt message_loop http_execute http_request scenario report"
targets=${FUZZ_TARGETS:-$all_targets}

# The longest input each target is given: about what its parser reads in
# practice (a token, a few frames, one request, a scenario file, a summary).
max_len() {
  case "$1" in
    jwt) echo 2048 ;;
    message_loop | http_execute) echo 4096 ;;
    http_request | scenario) echo 8192 ;;
    report) echo 16384 ;;
    *) echo "fuzz: unknown target '$1' (known: $all_targets)" >&2; exit 2 ;;
  esac
}
for t in $targets; do max_len "$t" >/dev/null; done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: FUZZ_SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/setup.sh installs clang)" >&2; exit 2; }

# A build dir already configured with the option on (the test command's
# clang Debug ASan build, which also runs the suite) is reused as it is.
if grep -qs '^BRIDGESIM_FUZZ:BOOL=ON$' "$dir/CMakeCache.txt"; then
  echo "== build (fuzz targets) in the configured $dir"
else
  echo "== build (clang, -DBRIDGESIM_FUZZ=ON) in $dir"
  CXX=clang++ cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
    -DBRIDGESIM_FUZZ=ON -DBRIDGESIM_TESTS=OFF >/dev/null
fi
ninja -C "$dir" -j "${JOBS:-$(nproc)}" fuzz_all >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/bridgesim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()

# fail TARGET WHAT INPUT LOG: keeps the input and names it.
fail() {
  local kept="$artifacts/$1-$(basename "$3")"
  mkdir -p "$artifacts"
  cp "$3" "$kept"
  echo "fuzz: FAILED $1 ($2): input $kept" >&2
  grep -E 'ERROR: |FUZZ_CHECK|runtime error|uncaught exception|terminate called|SUMMARY' "$4" | head -8 | sed 's/^/  /' >&2 || true
  echo "  reproduce: $dir/fuzz/fuzz_$1 $kept" >&2
  failed+=("$1")
}

echo "== regressions (fuzz/regressions/<target>/, each input once)"
for t in $targets; do
  bin="$dir/fuzz/fuzz_$t"
  n=0
  for input in "$top/fuzz/regressions/$t"/*; do
    [ -f "$input" ] || continue
    case "$(basename "$input")" in README* | .*) continue ;; esac
    n=$((n + 1))
    if ! "$bin" -timeout=5 -rss_limit_mb=2048 "$input" >"$work/regression.log" 2>&1; then
      fail "$t" "regression" "$input" "$work/regression.log"
    fi
  done
  echo "  $t: $n inputs"
done

echo "== fuzzing, ${seconds}s per target"
for t in $targets; do
  bin="$dir/fuzz/fuzz_$t"
  mkdir -p "$work/$t/corpus" "$work/$t/found"
  cp "$top/fuzz/corpus/$t"/* "$work/$t/corpus/"
  dict=()
  [ -f "$top/fuzz/dict/$t.dict" ] && dict=("-dict=$top/fuzz/dict/$t.dict")
  log="$work/$t/log"
  start=$(date +%s)
  if "$bin" "$work/$t/corpus" -max_len="$(max_len "$t")" -timeout=5 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/$t/found/" "${dict[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    echo "  $t: ${runs:-?} runs in $(($(date +%s) - start))s, $cov, corpus $(ls "$work/$t/corpus" | wc -l) inputs"
  else
    input=$(ls -t "$work/$t/found"/* 2>/dev/null | head -1 || true)
    if [ -z "$input" ]; then
      echo "fuzz: FAILED $t: the fuzzer exited non-zero without an input; its log:" >&2
      tail -20 "$log" | sed 's/^/  /' >&2
      failed+=("$t")
    else
      fail "$t" "$(basename "$input" | cut -d- -f1)" "$input" "$log"
    fi
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: $(printf "%s\n" "${failed[@]}" | sort -u | tr "\n" " ")(inputs in $artifacts; once fixed, add each to fuzz/regressions/<target>/)" >&2
  exit 1
fi
echo "fuzz: every target ran clean: $(echo $targets | wc -w) targets, ${seconds}s each, and their regressions"
