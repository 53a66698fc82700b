#!/usr/bin/env bash
# `bridgesim probe` against a server nobody in the harness wrote
# (chat_server.py: Starlette on uvicorn, Debian's python3-starlette and
# python3-uvicorn). Each incident variant must be caught, naming the
# property and what broke; each allowed alternative (refusal by close 1008,
# two tool calls with repeated thinking, ISO-8601 or float-second
# timestamps) must pass. 127.0.0.1 only; every probe has a deadline.
# Usage: thirdparty_test.sh BRIDGESIM_BINARY   (fails without the packages: scripts/setup.sh installs them)
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
if ! "$py" -c 'import starlette, uvicorn' 2>/dev/null; then
  echo "FAIL python3-starlette / python3-uvicorn not installed: run scripts/setup.sh (as root)"
  exit 1
fi
tmp=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  server_pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT
. "$here/../support/expect.sh"
secret=thirdparty-test-secret-0123456789abcdef
caught=0 variants=0 start_all=$(date +%s.%N)

# start_server VARIANT: sets $url
servers=0
start_server() {
  servers=$((servers + 1))
  local out="$tmp/server.$servers.out"  # a fresh file: never an earlier server's port
  "$py" "$here/chat_server.py" --secret "$secret" --variant "$1" --dialect "${dialect:-bridgesim}" \
    --event-gap-ms "${event_gap_ms:-5}" >"$out" 2>"$tmp/server.$servers.err" &
  server_pid=$!
  for _ in $(seq 200); do grep -q listening "$out" 2>/dev/null && break; sleep 0.05; done
  url="ws://127.0.0.1:$(grep -oE '[0-9]+$' "$out")/ws"
}

# case VARIANT EXIT REGEX PROBE-ARGS...: one server, one probe, its exit code and output.
case_() {
  local variant=$1 want=$2 regex=$3
  shift 3
  start_server "$variant"
  expect "$variant ${dialect:-bridgesim} ${*}" "$want" "$regex" -- "$bin" probe --url "$url" --token-secret "$secret" \
    --deadline-s 6 --protocol-profile "${dialect:-bridgesim}" "$@"
  stop_server
}

# bug VARIANT REGEX PROBE-ARGS...: must be caught (exit 1, the violation named).
bug() {
  local before=$fails
  variants=$((variants + 1))
  case_ "$1" 1 "$2" "${@:3}"
  [ "$fails" -eq "$before" ] && caught=$((caught + 1))
}

# The allowed alternatives pass, under the scenarios that exercise them.
for v in correct refuse_1008 two_tools_rethink iso_timestamps seconds_timestamps; do
  case_ "$v" 0 "verdict=PASS" --scenario hostile
  case_ "$v" 0 "verdict=PASS" --scenario auth_degraded
done
# The same alternatives in the production platform's dialect (server and probe both speaking it).
for v in correct refuse_1008 two_tools_rethink seconds_timestamps; do
  dialect=platform case_ "$v" 0 "verdict=PASS" --scenario hostile
  dialect=platform case_ "$v" 0 "verdict=PASS" --scenario auth_degraded
done
dialect=platform case_ correct 0 "verdict=PASS" --scenario second_tab
# A dialect mismatch is a failure, not a pass nor a hang.
dialect=platform start_server correct
expect "platform server, bridgesim probe: fails" 1 "VIOLATION protocol" -- "$bin" probe --url "$url" \
  --token-secret "$secret" --deadline-s 6 --users 1
stop_server
case_ correct 0 "verdict=PASS" --scenario second_tab
case_ correct 0 "verdict=PASS" --scenario early_close
case_ correct 0 "verdict=PASS" --scenario colliding_ids --max-event-gap-ms 100

# The incidents, each caught.
bug no_resume "VIOLATION delivery" --scenario early_close
bug send_after_close "VIOLATION delivery" --scenario early_close
bug resume_foreign "VIOLATION isolation.*user h[0-9] received .* of user u" --scenario hostile
bug cancel_foreign "VIOLATION (isolation|delivery)" --scenario hostile
bug ignore_disconnect "VIOLATION protocol.*sent disconnect .* had not closed the socket" --users 2
bug duplicate_events "VIOLATION fanout.*a second time on one socket" --users 2
bug slow_events "VIOLATION event_gap.*over the bound of 100 ms" --users 1 --max-event-gap-ms 100
bug trust_any_token "VIOLATION auth.*forged token and was accepted" --scenario auth_degraded
bug cross_user_fanout "VIOLATION isolation" --users 2
bug first_tab_only "VIOLATION fanout.*never received run" --scenario second_tab
bug ids_global "VIOLATION (isolation|delivery)" --scenario colliding_ids
bug drop_tool_completed "VIOLATION delivery" --users 1
bug no_tool_name "VIOLATION protocol.*tool_name" --users 1

# probe --via-proxy: an embedded fault proxy applies the network faults live.
# The server drops each connection mid-run (its events 100 ms apart): only
# the proxy can do that to a live server. A correct server passes through it;
# no_resume is caught through it and, without it, passes (the fault is
# listed as not applied) — so a proxy that silently did nothing fails here.
mid_run="$here/server_close_mid_run.toml"
event_gap_ms=100 case_ correct 0 "applied by the fault proxy .*server_close user:u1" \
  --scenario "$mid_run" --via-proxy --trace "$tmp/via_proxy.jsonl"
expect "the proxy's server_close took effect on both users' links" 0 "" -- \
  grep -q '"toxic":"server_close#2' "$tmp/via_proxy.jsonl"
event_gap_ms=100 case_ no_resume 0 "not applied: server_close user:u1" --scenario "$mid_run"
event_gap_ms=100 bug no_resume "VIOLATION delivery.*never" --scenario "$mid_run" --via-proxy
event_gap_ms=5 case_ correct 0 "applied by the fault proxy .*reorder" --scenario network_chaos --via-proxy

# Misconfiguration and an unreachable server: exit 2 with what to do.
start_server correct
expect "wrong secret" 2 "MISCONFIGURED: every client holding a valid token was refused .*--token-secret" -- \
  "$bin" probe --url "$url" --token-secret wrong-secret-0123456789abcdef-xyz --deadline-s 6
stop_server

end_all=$(date +%s.%N)
echo "thirdparty: caught $caught of $variants incident variants; $(echo "$end_all - $start_all" | bc) s wall in all"
expect_summary "thirdparty: "
