#!/usr/bin/env bash
# `bridgesim probe` as a release manager meets it: exit codes (0 pass,
# 1 violation, 2 usage/input), precise messages, a live run against
# `bridgesim serve` on an ephemeral port, reports written, no secret in them.
# Usage: probe_cli_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
cleanup() {
  stop_serve
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../support/expect.sh"
. "$(dirname "$0")/../support/serve.sh"
unset JWT_SECRET  # serve --dev refuses a second secret source

expect "help" 0 "delivery, isolation, protocol and auth" -- "$bin" probe --help
expect "no url" 2 "--url is required" -- "$bin" probe
expect "http url" 2 "scheme 'http' is not ws" -- "$bin" probe --url http://127.0.0.1:8080/ws
expect "https url" 2 "scheme 'https' is not ws or wss" -- "$bin" probe --url https://127.0.0.1:8080/ws
expect "no path" 2 "no path" -- "$bin" probe --url ws://127.0.0.1:8080
expect "bad port" 2 "port '99999' is not a number from 1 to 65535" -- "$bin" probe --url ws://127.0.0.1:99999/ws
expect "zero users" 2 "users" -- "$bin" probe --url ws://127.0.0.1:8080/ws --users 0
expect "unknown scenario" 2 "no scenario named 'nope'" -- "$bin" probe --url ws://127.0.0.1:8080/ws --scenario nope

# A port nothing listens on: the port of a server that has just stopped.
start_serve "$tmp/gone"
gone_port=$port
stop_serve
expect "unreachable" 2 "cannot reach ws://127.0.0.1:$gone_port/ws" -- "$bin" probe --url "ws://127.0.0.1:$gone_port/ws"

start_serve "$tmp/serve"
url="ws://127.0.0.1:$port/ws"

start=$(date +%s.%N)
expect "golden path 3x2 passes" 0 "verdict=PASS" -- "$bin" probe --url "$url" --users 3 --messages 2 \
  --html "$tmp/p.html" --junit "$tmp/p.xml" --json "$tmp/p.json" --trace "$tmp/p.jsonl"
end=$(date +%s.%N)
echo "probe 3 users x 2 messages against serve: $(echo "$end - $start" | bc) s wall (process included)"
grep -q "probe:golden_path" "$tmp/p.xml" && grep -q '"verdict":"pass"' "$tmp/p.json" && grep -q "<html" "$tmp/p.html" \
  && [ "$(grep -c '"kind":"recv"' "$tmp/p.jsonl")" -ge 33 ] \
  && passes=$((passes + 1)) || { echo "FAIL reports or trace not written as expected"; fails=$((fails + 1)); }

expect "scenario with token faults passes" 0 "not applied: auth_down \*: the server's auth service" -- "$bin" probe --url "$url" --scenario auth_degraded
expect "wrong secret: exit 2 with a hint" 2 "MISCONFIGURED: every client holding a valid token was refused 401.*--token-secret" -- \
  "$bin" probe --url "$url" --users 1 --token-secret wrong-secret-xyz --json "$tmp/w.json"
if grep -q "wrong-secret-xyz" "$tmp/w.json"; then echo "FAIL the secret leaked into the report"; fails=$((fails + 1)); else passes=$((passes + 1)); fi

expect_summary "probe cli: "
