#!/usr/bin/env bash
# The whole test suite: set up, build with g++ (Release) and run every test
# (ctest); then one clang build (Debug, ASan+UBSan, fuzzer coverage) runs
# the same suite under the sanitizers, has its traces compared with the g++
# build's, and fuzzes every parser for FUZZ_SECONDS (10) per target.
# SANITIZE=0 skips the clang sanitizer pass and fuzzing (a quick local loop
# only); the compiler comparison then builds a plain clang -O0 binary.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}
started=$(date +%s)

"$top/scripts/setup.sh"

# RapidCheck: a fixed seed unless RC_PARAMS says otherwise (e.g.
# RC_PARAMS="max_success=2000" bash scripts/test.sh: random seeds, more cases).
rc=(-DBRIDGESIM_RC_PARAMS="${RC_PARAMS:-seed=20261201}")
echo "== build (Release)"
"$top/scripts/build.sh" build "${rc[@]}"
echo "== test (Release)"
ctest --test-dir "$top/build" -j "$jobs" --output-on-failure --timeout 900

if [ "${SANITIZE:-1}" != 0 ]; then
  # One clang build does three jobs, so a clean CI clone compiles the tree
  # twice, not four times: Debug (asserts on) at -O1 -g1 with ASan+UBSan and
  # libFuzzer's coverage instrumentation (-DBRIDGESIM_FUZZ=ON) runs the whole
  # suite under the sanitizers, is the other compiler and build type the
  # trace digests are compared against, and links the fuzz targets.
  echo "== build (clang, Debug -O1, ASan+UBSan, libFuzzer coverage)"
  CXX=clang++ BUILD_TYPE=Debug "$top/scripts/build.sh" build-asan -DBRIDGESIM_FUZZ=ON "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "${rc[@]}"
  echo "== test (clang, ASan+UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$top/build-asan" -j "$jobs" --output-on-failure --timeout 1800 -LE load
  echo "== determinism across compilers and build types (g++ Release -O3 vs clang Debug -O1 ASan)"
  CLANG_BINARY="$top/build-asan/cli/bridgesim" "$top/scripts/compare-compilers.sh" "$top/build/cli/bridgesim"
  echo "== fuzz (${FUZZ_SECONDS:-10} s per target, then the kept regressions)"
  "$top/scripts/fuzz.sh" build-asan
else
  echo "== determinism across compilers (clang -O0 vs g++ -O3)"
  "$top/scripts/compare-compilers.sh" "$top/build/cli/bridgesim"
fi
echo "== all tests passed in $(( $(date +%s) - started ))s"
