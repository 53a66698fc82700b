#!/usr/bin/env bash
# Installs the Debian 12 packages bridgesim needs, only those missing.
# Run as root (or with sudo). Safe to run again: it does nothing when all
# are present.
set -euo pipefail

packages=(
  g++ clang cmake ninja-build ccache pkg-config git clang-format
  libboost1.81-dev libboost-json1.81-dev
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libtomlplusplus-dev libcli11-dev libssl-dev
  python3 python3-websockets chromium libxml2-utils python3-junitparser
  python3-starlette python3-uvicorn
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

# Node.js for the browser end-to-end test (playwright-core from npm): any
# node >= 18 on PATH will do (some images ship NodeSource's build, which
# bundles npm); otherwise Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

# playwright-core (npm, pinned by tests/e2e/browser/package-lock.json) for
# the browser end-to-end test; it downloads no browser (Debian's chromium).
install_browser_test_deps() {
  bash "$(dirname "$0")/../tests/e2e/browser/install.sh"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  install_browser_test_deps
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 2
  fi
else
  SUDO=
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_browser_test_deps
echo "setup: done"
