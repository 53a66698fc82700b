#!/usr/bin/env bash
# The whole test suite: set up, build with g++ (Release) and run every test
# (ctest); compare the traces of a clang -O0 build with the g++ build's; run
# the suite again under AddressSanitizer + UndefinedBehaviorSanitizer; fuzz
# every parser for FUZZ_SECONDS (10) per target (scripts/fuzz.sh, a clang
# build of the libraries with ASan+UBSan and libFuzzer coverage).
# SANITIZE=0 skips the sanitizer pass and fuzzing (a quick local loop only).
# Each phase prints its wall time ("== ... took N s").
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
phase "build (Release)" "$top/scripts/build.sh" build "${rc[@]}"
phase "test (Release)" ctest --test-dir "$top/build" -j "$jobs" --output-on-failure --timeout 900

phase "determinism across compilers (clang -O0 vs g++ -O3)" \
  "$top/scripts/compare-compilers.sh" "$top/build/cli/bridgesim"

if [ "${SANITIZE:-1}" != 0 ]; then
  # Debug (asserts on) at -Og -g1: line tables for ASan's stack traces, and a
  # third of RelWithDebInfo's (-O2 -g) compile time on the Beast TUs.
  phase "build (ASan+UBSan)" env BUILD_TYPE=Debug "$top/scripts/build.sh" build-asan -DBRIDGESIM_SANITIZE=ON \
    "-DCMAKE_CXX_FLAGS_DEBUG=-Og -g1" "${rc[@]}"
  # The hostile-client suites (real sockets, deadlines of a few seconds) run
  # in the Release pass only: under ASan their deadlines would measure the
  # sanitizer, not the server.
  phase "test (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$top/build-asan" -j "$jobs" --output-on-failure --timeout 1800 -LE "load|hostile"
  phase "fuzz (the kept regressions, then ${FUZZ_SECONDS:-10} s per target)" "$top/scripts/fuzz.sh" build-fuzz
fi
echo "== all tests passed in $(($(date +%s) - started)) s"
