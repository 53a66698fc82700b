#!/usr/bin/env bash
# Protocol profiles on real sockets: `serve --protocol-profile platform`
# probed with `--protocol-profile platform` passes; a probe in the other
# dialect fails, clearly and within its deadline; a bad profile file is exit
# 2 naming FILE:LINE, for probe and serve alike.
# Usage: profile_cli_test.sh BRIDGESIM_BINARY
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

printf 'name = "broken"\n[events]\nenvelope = "data"\ntimestamp = "unix"\n' >"$tmp/bad.toml"
expect "probe: bad profile file" 2 "--protocol-profile: $tmp/bad.toml:4: events.timestamp 'unix' is not epoch_ms or iso8601" -- \
  "$bin" probe --url ws://127.0.0.1:9/ws --protocol-profile "$tmp/bad.toml"
expect "serve: bad profile file" 2 "$tmp/bad.toml:4: events.timestamp 'unix'" -- \
  "$bin" serve --dev --port 0 --protocol-profile "$tmp/bad.toml"
expect "probe: unknown profile name" 2 "unknown protocol profile 'nope' \(shipped: bridgesim, platform" -- \
  "$bin" probe --url ws://127.0.0.1:9/ws --protocol-profile nope
expect "probe: missing profile file" 2 "$tmp/none.toml: cannot read" -- \
  "$bin" probe --url ws://127.0.0.1:9/ws --protocol-profile "$tmp/none.toml"

start_serve "$tmp/serve" --protocol-profile platform
url="ws://127.0.0.1:$port/ws"
grep -q "protocol profile platform" "$tmp/serve.err" && ok || bad "serve does not announce its profile"

expect "platform probe of platform serve passes" 0 "verdict=PASS" -- \
  timeout 60 "$bin" probe --url "$url" --protocol-profile platform --users 3 --messages 2 --trace "$tmp/p.jsonl"
grep -q '"protocol_profile"' "$tmp/p.jsonl" && ok || bad "the trace does not name the profile"
# A profile given as a file: the shipped one, copied.
cp "$(dirname "$0")/../../profiles/platform.toml" "$tmp/mine.toml"
expect "platform profile as a file passes" 0 "verdict=PASS" -- \
  timeout 60 "$bin" probe --url "$url" --protocol-profile "$tmp/mine.toml" --users 1
expect "platform serve with a hostile client and token faults passes" 0 "verdict=PASS" -- \
  timeout 60 "$bin" probe --url "$url" --protocol-profile platform --scenario auth_degraded
expect "platform serve, tokens in subprotocols and a wrong path, passes" 0 "verdict=PASS" -- \
  timeout 60 "$bin" probe --url "$url" --protocol-profile platform --scenario handshake_forms
# The wrong dialect: bridgesim's client reads the envelopes as frames missing their payloads.
expect "bridgesim probe of platform serve fails on protocol" 1 \
  "protocol FAIL.*|VIOLATION protocol .*payload field 'reasoning' missing" -- \
  timeout 60 "$bin" probe --url "$url" --users 1 --deadline-s 10
stop_serve

start_serve "$tmp/serve2"
# The platform's client wraps its fields in `payload`: bridgesim's server answers invalid_message, nothing runs.
expect "platform probe of bridgesim serve fails on delivery, within its deadline" 1 "VIOLATION delivery" -- \
  timeout 60 "$bin" probe --url "ws://127.0.0.1:$port/ws" --protocol-profile platform --users 1 --deadline-s 3

expect_summary "protocol profiles: "
