#!/usr/bin/env bash
# The main job: set up, build, run the default sweep over every scenario and
# write the readiness report.
#   out/readiness.html  self-contained HTML (open in a browser)
#   out/junit.xml, out/summary.json, out/summary.md
# Exit code: 0 ready, 1 a property was violated, 2 usage/input error.
# SEEDS (default 1000 per scenario) and JOBS (default: cores) tune it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh" build
mkdir -p "$top/out"
exec "$top/build/cli/bridgesim" run --seeds "${SEEDS:-1000}" --jobs "${JOBS:-$(nproc)}" \
  --html "$top/out/readiness.html" --junit "$top/out/junit.xml" \
  --json "$top/out/summary.json" --markdown "$top/out/summary.md"
