#!/usr/bin/env bash
# Behaviour fingerprint of one bridgesim binary, for "no behaviour change"
# refactors: the default sweep's summary JSON (200 seeds per scenario) and the
# replay trace hash of every shipped scenario for seeds 1..100, plus every
# incident variant on golden_path and swarm for seeds 1..20.
#
# Usage: fingerprint.sh BIN OUT_DIR
#   then: diff -r OUT_DIR_before OUT_DIR_after   (no output = same behaviour)
set -euo pipefail
bin=${1:?usage: fingerprint.sh BIN OUT_DIR}
out=${2:?usage: fingerprint.sh BIN OUT_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
dir="$top/scenarios"

"$bin" run --seeds 200 --jobs "${JOBS:-$(nproc)}" --scenario-dir "$dir" --json "$out/sweep.json" >/dev/null || true

: >"$out/hashes.txt"
for f in "$dir"/*.toml; do
  name=$(basename "$f" .toml)
  for seed in $(seq 1 100); do
    hash=$("$bin" replay --scenario-dir "$dir" --scenario "$name" --seed "$seed" --no-color 2>&1 \
           | sed -n 's/^trace hash: //p' || true)
    echo "$name $seed ${hash:-NONE}" >>"$out/hashes.txt"
  done
done
variants=$("$bin" list 2>/dev/null | sed -n '/^Variants/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$variants" ] || { echo "fingerprint: no variants listed by $bin list" >&2; exit 2; }
for variant in $variants; do
  for scenario in golden_path swarm; do
    for seed in $(seq 1 20); do
      hash=$("$bin" replay --scenario-dir "$dir" --scenario "$scenario" --variant "$variant" --seed "$seed" --no-color 2>&1 \
             | sed -n 's/^trace hash: //p' || true)
      echo "$scenario[$variant] $seed ${hash:-NONE}" >>"$out/hashes.txt"
    done
  done
done
echo "fingerprint: $(wc -l <"$out/hashes.txt") trace hashes and sweep.json in $out"
