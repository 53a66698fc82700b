#!/usr/bin/env bash
# CTest entry of the browser end-to-end test: makes sure playwright-core is
# installed (install.sh; scripts/setup.sh normally did it already), then runs
# chat_page_test.mjs against a fresh `bridgesim serve`.
# Usage: run_test.sh BRIDGESIM_BINARY OUT_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# = 2 ] || { echo "usage: run_test.sh BRIDGESIM_BINARY OUT_DIR" >&2; exit 2; }
if ! "$here/install.sh"; then
  echo "FAIL: playwright-core is not installed and could not be: run tests/e2e/browser/install.sh" \
       "(scripts/setup.sh runs it) with the npm registry reachable" >&2
  exit 1
fi
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "FAIL: no Chromium at $chromium (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$2"
exec timeout 120 node "$here/chat_page_test.mjs" "$1" "$2"
