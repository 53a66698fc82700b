#!/usr/bin/env bash
# The HTML readiness report renders in a real browser: headless Chromium
# loads a report from a failing sweep, its DOM holds the verdict, the matrix,
# the latency chart and a replay command, and a screenshot is written
# (out/test-artifacts/readiness.png, to look at).
# Usage: html_render_test.sh BRIDGESIM_BINARY OUT_DIR
set -u
bin=$1
out=$2
mkdir -p "$out"
command -v chromium >/dev/null || { echo "chromium is not installed (scripts/setup.sh installs it)"; exit 1; }
"$bin" run --scenario golden_path --scenario relay_chaos --seeds 30 --variant emitter_drops_tools \
  --html "$out/readiness.html" >/dev/null 2>&1
[ $? = 1 ] || { echo "FAIL: the sweep with a faulty emitter should exit 1"; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$(mktemp -d)")
dom=$(timeout 120 chromium "${flags[@]}" --dump-dom "file://$out/readiness.html" 2>/dev/null)
fails=0
for want in "NOT READY" "Scenarios × properties" "<svg" "<rect" "bridgesim replay --scenario golden_path --seed"; do
  grep -qF -- "$want" <<<"$dom" || { echo "FAIL: rendered DOM lacks: $want"; fails=$((fails + 1)); }
done
timeout 120 chromium "${flags[@]}" --window-size=1400,1600 --screenshot="$out/readiness.png" \
  "file://$out/readiness.html" >/dev/null 2>&1
size=$(stat -c %s "$out/readiness.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "FAIL: screenshot missing or blank ($size bytes)"; fails=$((fails + 1)); }
echo "$(( 6 - fails )) passed, $fails failed"
[ "$fails" = 0 ]
