#!/usr/bin/env bash
# `bridgesim proxy` end to end: exit 2 with a clear message for bad input;
# `bridgesim serve --dev` behind the proxy, `bridgesim probe` going through it
# (passes with the scenario's network faults applied, fails when a toxic drops
# the terminal event); the trace written at SIGTERM; the control API on curl.
# Usage: proxy_e2e_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../support/expect.sh"
unset JWT_SECRET

expect "no upstream" 2 "--upstream is required" -- "$bin" proxy
expect "bad upstream" 2 "--upstream must be host:port" -- "$bin" proxy --upstream nowhere
expect "tls upstream, CA file missing" 2 "--ca-file $tmp/none.pem: cannot load PEM certificates" -- \
  "$bin" proxy --upstream wss://127.0.0.1:1/ws --ca-file "$tmp/none.pem" --listen 127.0.0.1:0 --no-api
expect "bad listen" 2 "--listen must be host:port" -- "$bin" proxy --upstream 127.0.0.1:1 --listen 127.0.0.1:99999
expect "bad toxic" 2 "unknown toxic type 'latncy'" -- "$bin" proxy --upstream 127.0.0.1:1 --toxic '{"type":"latncy"}'
expect "toxic not json" 2 "not JSON" -- "$bin" proxy --upstream 127.0.0.1:1 --toxic '{'
expect "unknown scenario" 2 "no scenario named 'nope'" -- "$bin" proxy --upstream 127.0.0.1:1 --no-api --scenario nope

"$bin" serve --dev --port 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.05; done
port=$(grep -oE '[0-9]+$' "$tmp/serve.out")
if [ -z "$port" ]; then echo "FAIL serve did not start"; cat "$tmp/serve.err"; exit 1; fi

# start_proxy NAME ARGS...: runs the proxy in the background; sets proxy_port, api_port.
start_proxy() {
  local name=$1
  shift
  "$bin" proxy --upstream "127.0.0.1:$port" --listen 127.0.0.1:0 --api 127.0.0.1:0 --ready-file "$tmp/$name.ready" \
    --trace "$tmp/$name.jsonl" "$@" >"$tmp/$name.out" 2>&1 &
  pids+=($!)
  proxy_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/$name.ready" ] && break; sleep 0.05; done
  read -r proxy_port api_port <"$tmp/$name.ready"
}

start_proxy chaos --scenario network_chaos --seed 7
expect "listening line" 0 "listening on 127.0.0.1:$proxy_port -> 127.0.0.1:$port" -- cat "$tmp/chaos.out"
expect "probe through the proxy passes" 0 "verdict=PASS" -- \
  "$bin" probe --url "ws://127.0.0.1:$proxy_port/ws" --scenario network_chaos --no-health-check
expect "api lists the proxy" 0 '"bridgesim":\{"name":"bridgesim"' -- curl -s "127.0.0.1:$api_port/proxies"
expect "api bad json" 0 '"error":"the body is not JSON' -- \
  curl -s -X POST "127.0.0.1:$api_port/proxies/bridgesim/toxics" -d '{nope'
kill -TERM "$proxy_pid"; wait "$proxy_pid" 2>/dev/null
upgrades=$(grep -c '"kind":"upgrade".*"status":"101"' "$tmp/chaos.jsonl")
planned=$(grep -c '"actor":"faults","kind":"planned"' "$tmp/chaos.jsonl")
latency_hits=$(grep -c '"kind":"fault_hit".*"fault":"latency"' "$tmp/chaos.jsonl")
if [ "$upgrades" -ge 4 ] && [ "$planned" = 4 ] && [ "$latency_hits" -ge 1 ]; then
  passes=$((passes + 1))
else
  echo "FAIL trace: $upgrades upgrades (want >= 4), $planned planned (want 4), $latency_hits latency hits (want >= 1)"
  fails=$((fails + 1))
fi

# A toxic that drops every agent_completed event: the probe through it must see the loss.
start_proxy drop --toxic '{"type":"drop_frame","attributes":{"match":"agent_completed"}}'
expect "probe sees the dropped terminal event" 1 "VIOLATION delivery" -- \
  "$bin" probe --url "ws://127.0.0.1:$proxy_port/ws" --users 1 --deadline-s 5 --no-health-check
kill -TERM "$proxy_pid"; wait "$proxy_pid" 2>/dev/null
expect "the drop is in the trace" 0 '"action":"dropped"' -- cat "$tmp/drop.jsonl"

# The listen port taken: exit 2, naming the address.
start_proxy first
expect "port in use" 2 "cannot listen on 127.0.0.1:$proxy_port" -- \
  "$bin" proxy --upstream "127.0.0.1:$port" --listen "127.0.0.1:$proxy_port" --no-api

expect_summary "proxy e2e: "
