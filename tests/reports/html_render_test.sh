#!/usr/bin/env bash
# The HTML readiness report renders in a real browser: a failing sweep
# (every scenario, swarm faults, a faulty emitter) writes its HTML with the
# JSON beside it; html_render_test.mjs opens it in headless Chromium
# (playwright-core, installed by tests/e2e/browser/install.sh) at 1,400 px
# and 400 px and checks the header facts, scope, grouped failures, the JSON
# link, no page overflow and the sticky first column; screenshots go to
# OUT_DIR (readiness-1400.png, readiness-400.png).
# Usage: html_render_test.sh BRIDGESIM_BINARY OUT_DIR
set -u
bin=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "FAIL: chromium is not installed (scripts/setup.sh installs it)"; exit 1; }
"$here/../e2e/browser/install.sh" >/dev/null || { echo "FAIL: playwright-core is not installed: run tests/e2e/browser/install.sh"; exit 1; }
rm -f "$out/readiness.html" "$out/readiness.json"
"$bin" run --seeds 15 --swarm --jobs 2 --variant emitter_drops_tools \
  --html "$out/readiness.html" --json "$out/readiness.json" >/dev/null 2>&1
[ $? = 1 ] || { echo "FAIL: the sweep with a faulty emitter should exit 1"; exit 1; }
exec timeout 120 node "$here/html_render_test.mjs" "$out/readiness.html" "$out"
