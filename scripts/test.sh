#!/usr/bin/env bash
# The whole test suite: set up, build with g++ (Release) and run every test
# (ctest); then ONE clang build (Debug with asserts, -O1, ASan+UBSan and
# libFuzzer's coverage instrumentation, the libraries and the CLI) does two
# jobs: its bridgesim is the clang side of the cross-compiler trace
# comparison (scripts/compare-compilers.sh, against the g++ Release build),
# and it links the fuzz targets, which replay their kept regressions and
# fuzz every parser for FUZZ_SECONDS (10) each (scripts/fuzz.sh).
# SANITIZE_SUITE=1 also builds the tests in it and runs the suite under the
# sanitizers (about twice the time). Each phase prints its wall time.
# SANITIZE=0 skips the clang sanitizer build and fuzzing (a quick local loop
# only); the comparison then builds a plain clang -O0 bridgesim.
# Compile time (cold, no ccache) goes mostly to -O3 code generation: the
# Beast/Asio TUs of system/net/, proxy/ and bench/ (20-30 CPU-s each under
# g++) and the ~100 test TUs. Two measures cut it: the tests share one
# precompiled header (tests/CMakeLists.txt; test_system's TUs 96 -> 82 CPU-s)
# and Asio/Beast are compiled separately, once (system/net/boost_src.cpp;
# a Beast TU 34 -> 23 CPU-s).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}
started=$(date +%s)

# phase NAME COMMAND...: runs COMMAND under "== NAME" and prints its wall time.
phase() {
  local name=$1 t0
  shift
  t0=$(date +%s)
  echo "== $name"
  "$@"
  echo "== $name took $(($(date +%s) - t0)) s"
}

phase "setup" "$top/scripts/setup.sh"

# RapidCheck: a fixed seed unless RC_PARAMS says otherwise (e.g.
# RC_PARAMS="max_success=2000" bash scripts/test.sh: random seeds, more cases).
rc=(-DBRIDGESIM_RC_PARAMS="${RC_PARAMS:-seed=20261201}")
phase "build (g++ Release)" "$top/scripts/build.sh" build "${rc[@]}"
phase "test (g++ Release)" ctest --test-dir "$top/build" -j "$jobs" --output-on-failure --timeout 900

if [ "${SANITIZE:-1}" = 0 ]; then
  phase "determinism across compilers (clang -O0 vs g++ -O3)" \
    "$top/scripts/compare-compilers.sh" "$top/build/cli/bridgesim"
  echo "== all tests passed in $(($(date +%s) - started)) s (SANITIZE=0: no sanitizer pass, no fuzzing)"
  exit 0
fi

# Debug keeps assert() on; -O1 -g1 (line tables) is enough for ASan's stack
# traces and keeps the Beast TUs cheap to compile. -DBRIDGESIM_FUZZ=ON adds
# ASan, UBSan (-fno-sanitize-recover=all: any report fails the test) and
# fuzzer-no-link coverage to every library; only the fuzz targets link
# libFuzzer's main (top-level CMakeLists.txt).
# The whole suite again under the sanitizers doubles the compile (the
# tests are half of it) and adds ~5 minutes of runs: past the ~15 minutes
# CI allows. It is one switch away (SANITIZE_SUITE=1), for nightly runs and
# before a release; by default the clang build holds the libraries, the CLI
# and the fuzz targets, which exercise every parser under ASan+UBSan.
suite=${SANITIZE_SUITE:-0}
tests_flag=-DBRIDGESIM_TESTS=OFF
[ "$suite" = 1 ] && tests_flag=-DBRIDGESIM_TESTS=ON
phase "build (clang Debug -O1, ASan+UBSan, libFuzzer coverage)" \
  env CXX=clang++ BUILD_TYPE=Debug "$top/scripts/build.sh" build-asan -DBRIDGESIM_FUZZ=ON "$tests_flag" \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "${rc[@]}"
if [ "$suite" = 1 ]; then
  # The hostile-client suites (real sockets, deadlines of a few seconds) and
  # the load test run in the Release pass only: under ASan their deadlines
  # would measure the sanitizer, not the server. The lint.* tests, scripts
  # over the source tree whatever the build, ran in the Release pass.
  phase "test (clang ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$top/build-asan" -j "$jobs" --output-on-failure --timeout 1800 -LE "load|hostile" -E '^lint\.'
fi
phase "determinism across compilers (g++ Release -O3 vs clang Debug -O1 ASan+UBSan)" \
  env CLANG_BINARY="$top/build-asan/cli/bridgesim" "$top/scripts/compare-compilers.sh" "$top/build/cli/bridgesim"
phase "fuzz (the kept regressions, then ${FUZZ_SECONDS:-10} s per target)" "$top/scripts/fuzz.sh" build-asan
echo "== all tests passed in $(($(date +%s) - started)) s"
