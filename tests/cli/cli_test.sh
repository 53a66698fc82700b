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
expect "unknown property" 2 "prop.toml:1: unknown property 'nope'" -- "$bin" run --scenario "$tmp/prop.toml"

expect "golden path passes" 0 "golden_path +runs=20 failures=0" -- "$bin" run --scenario golden_path --seeds 20 \
  --html "$tmp/r.html" --junit "$tmp/j.xml" --json "$tmp/s.json" --markdown "$tmp/s.md"
grep -q "READY" "$tmp/r.html" && grep -q "<testsuites" "$tmp/j.xml" && grep -q '"verdict":"pass"' "$tmp/s.json" \
  && passes=$((passes + 1)) || { echo "FAIL reports not written as expected"; fails=$((fails + 1)); }

expect "check determinism passes" 0 "trace digest: 0x[0-9a-f]{16}" -- "$bin" run --scenario hostile --seeds 20 \
  --check-determinism
expect "the digest is the JSON's" 0 "" -- grep -qE '"trace_digest":"0x[0-9a-f]{16}"' "$tmp/s.json"

out=$("$bin" run --scenario golden_path --seeds 50 --variant leaky_manager 2>&1)
code=$?
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

expect "replay passes" 0 "trace hash: 0x[0-9a-f]{16}" -- "$bin" replay --scenario golden_path --seed 3 --trace "$tmp/t.jsonl"
[ "$(wc -l <"$tmp/t.jsonl")" -gt 10 ] && passes=$((passes + 1)) || { echo "FAIL trace not written"; fails=$((fails + 1)); }
expect "list" 0 "leaky_manager" -- "$bin" list
expect "unwritable report path" 2 "cannot write /proc/nope/x.json" -- "$bin" run --scenario golden_path --seeds 2 --json /proc/nope/x.json
expect "serve: bad port" 2 "--port" -- "$bin" serve --port 99999
expect "serve: zero frame cap" 2 "--max-frame-bytes: Value 0 not in range 1 to" -- "$bin" serve --max-frame-bytes 0
expect "serve: unknown option" 2 "--bogus" -- "$bin" serve --bogus

expect_summary ""
