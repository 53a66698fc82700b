#!/usr/bin/env bash
# The bridgesim command line as its users meet it: exit codes (0 pass,
# 1 violation, 2 usage/input), messages, replay commands that reproduce,
# reports written. Usage: cli_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../support/expect.sh"

expect "no subcommand" 2 "subcommand" -- "$bin"
expect "help" 0 "Examples" -- "$bin" --help
expect "run help" 0 "--seeds" -- "$bin" run --help
expect "bad number" 2 "seeds" -- "$bin" run --seeds abc
expect "zero seeds" 2 "seeds" -- "$bin" run --seeds 0
expect "unknown scenario" 2 "no scenario named 'nope'" -- "$bin" run --scenario nope
expect "unknown variant" 2 "unknown variant 'nope'" -- "$bin" run --scenario golden_path --variant nope

printf 'name = "bad"\nusers = "many"\n' > "$tmp/bad.toml"
expect "bad scenario file" 2 "bad.toml:2: 'users' must be an integer" -- "$bin" run --scenario "$tmp/bad.toml"
printf 'name = "prop"\nproperties = ["nope"]\n' > "$tmp/prop.toml"
expect "unknown property" 2 "prop.toml:2: unknown property 'nope'" -- "$bin" run --scenario "$tmp/prop.toml"

expect "golden path passes" 0 "golden_path +runs=20 failures=0" -- "$bin" run --scenario golden_path --seeds 20 \
  --html "$tmp/r.html" --junit "$tmp/j.xml" --json "$tmp/s.json" --markdown "$tmp/s.md"
# Whole verdict lines (grep -x), so that READY cannot match NOT READY nor PASS a FAIL.
verdicts() {  # verdicts NAME DIR HTML_LINE MARKDOWN_LINE JSON_VERDICT JUNIT_FAILURES
  local d=$2
  if grep -qxF "$3" "$d/r.html" && grep -qxF "$4" "$d/s.md" && grep -qF "{\"title\":\"bridgesim readiness\",\"verdict\":\"$5\"," "$d/s.json" \
    && grep -qE "^<testsuites name=\"bridgesim\" tests=\"[1-9][0-9]*\" failures=\"$6\"" "$d/j.xml" \
    && [ "$(grep -cE '<failure message="[a-z_]+ violated on [1-9][0-9]* of [0-9]* seeds' "$d/j.xml")" = "$6" ]; then passes=$((passes + 1)); else
    echo "FAIL $1: reports lack the verdict"; grep -h 'verdict\|^##\|<testsuites' "$d/r.html" "$d/s.md" "$d/j.xml" | head -5
    fails=$((fails + 1)); fi
}
verdicts "passing reports" "$tmp" '<p class="verdict pass">READY: every property held</p>' \
  '## bridgesim readiness: PASS' pass 0

expect "check determinism passes" 0 "trace digest: 0x[0-9a-f]{16}" -- "$bin" run --scenario hostile --seeds 20 \
  --check-determinism
expect "the digest is the JSON's" 0 "" -- grep -qE '"trace_digest":"0x[0-9a-f]{16}"' "$tmp/s.json"

mkdir -p "$tmp/fail"
out=$("$bin" run --scenario golden_path --seeds 50 --variant leaky_manager --html "$tmp/fail/r.html" \
  --junit "$tmp/fail/j.xml" --json "$tmp/fail/s.json" --markdown "$tmp/fail/s.md" 2>&1)
code=$?
verdicts "failing reports" "$tmp/fail" '<p class="verdict fail">NOT READY: properties violated</p>' \
  '## bridgesim readiness: FAIL' fail 3
grep -qE '^TOTAL runs=50 failures=[1-9][0-9]* .*verdict=FAIL$' <<<"$out" && passes=$((passes + 1)) \
  || { echo "FAIL failing run: no FAIL verdict line"; fails=$((fails + 1)); }
replay=$(grep -m1 -oE 'bridgesim replay --scenario golden_path --seed [0-9]+ --variant leaky_manager' <<<"$out")
if [ "$code" = 1 ] && [ -n "$replay" ]; then passes=$((passes + 1)); else
  echo "FAIL leaky manager: exit $code, replay '$replay'"; fails=$((fails + 1)); fi
if [ -n "$replay" ]; then
  args=${replay#bridgesim }
  # shellcheck disable=SC2086
  expect "replay reproduces the violation" 1 "VIOLATION isolation" -- "$bin" $args --no-color
  # shellcheck disable=SC2086
  h1=$("$bin" $args | grep 'trace hash'); h2=$("$bin" $args | grep 'trace hash')
  if [ -n "$h1" ] && [ "$h1" = "$h2" ]; then passes=$((passes + 1)); else
    echo "FAIL replay hash differs: '$h1' vs '$h2'"; fails=$((fails + 1)); fi
fi

# Shards merge into exactly the unsharded JSON; one shard twice is refused; a
# shard left out is named and is not READY (exit 2).
for k in 1 2 3; do "$bin" run --scenario golden_path --seeds 30 --shard "$k/3" --json "$tmp/s$k.json" >/dev/null 2>&1; done
"$bin" run --scenario golden_path --seeds 30 --json "$tmp/all.json" >/dev/null 2>&1
expect "report merges three shards" 0 "merged 3 files: 30 runs, 0 failing seeds, verdict PASS" -- \
  "$bin" report "$tmp/s3.json" "$tmp/s1.json" "$tmp/s2.json" --json "$tmp/merged.json"
# Byte for byte but for "environment" (the last key: date, host, wall times).
for f in merged all; do sed 's/,"environment":.*$/}/' "$tmp/$f.json" >"$tmp/$f.core.json"; done
expect "merged shards equal the unsharded JSON" 0 "" -- cmp "$tmp/merged.core.json" "$tmp/all.core.json"
expect "report refuses one shard twice" 2 "s1.json and .*s1.json both ran seeds 1..10 of golden_path" -- \
  "$bin" report "$tmp/s1.json" "$tmp/s1.json" --json "$tmp/twice.json"
[ ! -e "$tmp/twice.json" ] && passes=$((passes + 1)) || { echo "FAIL a refused merge wrote a report"; fails=$((fails + 1)); }
mkdir -p "$tmp/gap"
expect "report names seeds no shard ran" 2 "error: incomplete: golden_path seeds 11..20 never ran" -- \
  "$bin" report "$tmp/s1.json" "$tmp/s3.json" --html "$tmp/gap/r.html" --markdown "$tmp/gap/s.md"
grep -qxF '<p class="verdict fail">NOT READY: seeds never ran</p>' "$tmp/gap/r.html" \
  && grep -qF '| golden_path | 1..10, 21..30 | 0 |' "$tmp/gap/s.md" && passes=$((passes + 1)) \
  || { echo "FAIL a merge with a gap claims READY or seeds it did not run"; fails=$((fails + 1)); }
expect "report names a missing last shard" 2 "golden_path seeds 21..30 never ran" -- \
  "$bin" report "$tmp/s1.json" "$tmp/s2.json"

expect "replay passes" 0 "trace hash: 0x[0-9a-f]{16}" -- "$bin" replay --scenario golden_path --seed 3 --trace "$tmp/t.jsonl"
[ "$(wc -l <"$tmp/t.jsonl")" -gt 10 ] && passes=$((passes + 1)) || { echo "FAIL trace not written"; fails=$((fails + 1)); }
expect "list" 0 "leaky_manager" -- "$bin" list
expect "unwritable report path" 2 "cannot write /proc/nope/x.json" -- "$bin" run --scenario golden_path --seeds 2 --json /proc/nope/x.json
expect "serve: bad port" 2 "--port" -- "$bin" serve --port 99999
expect "serve: zero frame cap" 2 "--max-frame-bytes: Value 0 not in range 1 to" -- "$bin" serve --max-frame-bytes 0
expect "serve: unknown option" 2 "--bogus" -- "$bin" serve --bogus
# serve fails closed on its secret (issue 13): no usable secret, no server
# (exit 2, before binding); development mode only by --dev, announced.
expect "serve: empty secret" 2 "serve: error: --jwt-secret: the JWT secret is empty" -- \
  env -u JWT_SECRET "$bin" serve --port 0 --jwt-secret ""
expect "serve: empty JWT_SECRET" 2 "serve: error: JWT_SECRET: the JWT secret is empty" -- \
  env JWT_SECRET= "$bin" serve --port 0
expect "serve: no secret" 2 "serve: error: no JWT secret: .*--dev" -- env -u JWT_SECRET "$bin" serve --port 0
expect "serve: short secret" 2 "the JWT secret is 31 bytes; HS256 needs at least 32" -- \
  env -u JWT_SECRET "$bin" serve --port 0 --jwt-secret "$(printf 'k%.0s' $(seq 31))"
expect "serve: unreadable secret file" 2 "cannot read --jwt-secret-file $tmp/nope" -- \
  env -u JWT_SECRET "$bin" serve --port 0 --jwt-secret-file "$tmp/nope"
expect "serve: seed without --dev" 2 "--seed makes run and session ids predictable" -- \
  env JWT_SECRET="$(printf 'k%.0s' $(seq 32))" "$bin" serve --port 0 --seed 3
expect "serve: bad log format" 2 "--log-format" -- "$bin" serve --dev --log-format xml
env -u JWT_SECRET "$bin" serve --dev --port 0 >"$tmp/dev.out" 2>"$tmp/dev.err" &
dev_pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/dev.out" && break; sleep 0.05; done
kill -TERM "$dev_pid" 2>/dev/null; wait "$dev_pid"; dev_code=$?
if grep -q "listening on http://127.0.0.1:" "$tmp/dev.out" && grep -q "DEVELOPMENT MODE (--dev)" "$tmp/dev.err" \
  && [ "$dev_code" = 0 ]; then passes=$((passes + 1)); else
  echo "FAIL serve --dev: exit $dev_code, stdout '$(cat "$tmp/dev.out")'"; head -5 "$tmp/dev.err"; fails=$((fails + 1)); fi

expect_summary ""
