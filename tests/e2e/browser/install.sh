#!/usr/bin/env bash
# Installs the browser test's one npm package, playwright-core (pinned by
# package-lock.json), into tests/e2e/browser/node_modules with `npm ci`, when
# it is missing or not the pinned version. Downloads no browser: the test
# drives Debian's /usr/bin/chromium. Safe to run again (does nothing then).
# Needs node >= 18 and npm (scripts/setup.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "e2e/browser: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
done
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  { echo "e2e/browser: node $(node --version) is too old: playwright-core needs node >= 18" >&2; exit 2; }

installed_is_pinned() {
  node -e '
    const want = require("./package.json").dependencies["playwright-core"];
    const have = require("./node_modules/playwright-core/package.json").version;
    process.exit(have === want ? 0 : 1);' 2>/dev/null
}

if installed_is_pinned; then
  echo "e2e/browser: playwright-core already installed"
  exit 0
fi
echo "e2e/browser: npm ci (playwright-core, no browser download)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
installed_is_pinned || { echo "e2e/browser: npm ci did not install the pinned playwright-core" >&2; exit 1; }
