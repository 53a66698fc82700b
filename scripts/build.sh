#!/usr/bin/env bash
# Configures and builds bridgesim with Ninja (and ccache when present).
# Usage: build.sh [BUILD_DIR] [extra cmake args...]
#   BUILD_DIR defaults to build/; e.g. build.sh build-asan -DBRIDGESIM_SANITIZE=ON
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
shift || true
case "$dir" in /*) ;; *) dir="$top/$dir" ;; esac
cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@" >/dev/null
ninja -C "$dir" -j "${JOBS:-$(nproc)}"
