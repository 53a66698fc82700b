#!/usr/bin/env bash
# Determinism across compilers and build types: builds bridgesim a second
# time with Debian's clang (libstdc++, -O0) and compares the summary JSON of
# every shipped scenario, swarm included (each seed's trace hash is in its
# trace_digest), with the g++ Release build's. Same bytes or exit 1, naming
# the scenarios whose digests differ.
# Usage: compare-compilers.sh [GXX_BINARY] [SEEDS]   (defaults: build/cli/bridgesim, 100)
# CLANG_BINARY=PATH compares with an existing clang build instead (the test
# command passes its clang ASan+UBSan Debug build: another compiler and
# another build type in one) and skips the -O0 build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
gxx_bin=${1:-$top/build/cli/bridgesim}
seeds=${2:-${DETERMINISM_SEEDS:-100}}
command -v clang++ >/dev/null || { echo "compare-compilers: clang++ not found (scripts/setup.sh installs clang)" >&2; exit 2; }
[ -x "$gxx_bin" ] || { echo "compare-compilers: no g++ binary at $gxx_bin (build first)" >&2; exit 2; }

if [ -n "${CLANG_BINARY:-}" ]; then
  clang_bin=$CLANG_BINARY
  [ -x "$clang_bin" ] || { echo "compare-compilers: CLANG_BINARY=$clang_bin is not an executable" >&2; exit 2; }
  grep -qa "clang version" "$clang_bin" || { echo "compare-compilers: $clang_bin was not built by clang" >&2; exit 2; }
else
  echo "== build (clang, -O0, asserts on)"
  CXX=clang++ cmake -S "$top" -B "$top/build-clang" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O0" -DBRIDGESIM_TESTS=OFF >/dev/null
  ninja -C "$top/build-clang" -j "${JOBS:-$(nproc)}" bridgesim
  clang_bin=$top/build-clang/cli/bridgesim
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for c in gxx clang; do
  bin=$gxx_bin; [ $c = clang ] && bin=$clang_bin
  "$bin" run --seeds "$seeds" --jobs "${JOBS:-$(nproc)}" --scenario-dir "$top/scenarios" --json "$out/$c.json" >/dev/null || true
  [ -s "$out/$c.json" ] || { echo "compare-compilers: $c build wrote no summary" >&2; exit 2; }
done
digests() { /usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print("total", d["trace_digest"])
for r in d["results"]: print(r["scenario"] + ("[" + r["variant"] + "]" if r["variant"] else ""), r["trace_digest"])' "$1"; }
# The JSON's "environment" (date, host, command, wall times) is the
# machine's, not the sweep's: compare everything else.
same() { /usr/bin/python3 -c 'import json,sys
a,b=(json.load(open(f)) for f in sys.argv[1:3])
for d in (a,b): d.pop("environment",None)
sys.exit(0 if a==b else 1)' "$1" "$2"; }
if same "$out/gxx.json" "$out/clang.json"; then
  echo "compare-compilers: g++ -O3 and clang ($(basename "$(dirname "$(dirname "$clang_bin")")")) agree on $seeds seeds of every scenario: trace digest $(digests "$out/gxx.json" | head -1 | cut -d' ' -f2)"
  exit 0
fi
echo "compare-compilers: g++ and clang builds differ:" >&2
diff <(digests "$out/gxx.json") <(digests "$out/clang.json") | sed 's/^/  /' >&2 || true
exit 1
