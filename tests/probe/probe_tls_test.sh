#!/usr/bin/env bash
# `bridgesim probe --url wss://...`: certificate verification on by default,
# --ca-file to trust a self-signed certificate this test makes, --insecure
# to opt out (warned), a wrong host name refused; the fault proxy's wss://
# upstream (`probe --via-proxy`, `bridgesim proxy --upstream wss://`)
# verified the same way. The TLS server is
# `bridgesim serve` behind a small TLS front (tls_terminator.py), on
# 127.0.0.1. Usage: probe_tls_test.sh BRIDGESIM_BINARY
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
tls_pid=
proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; fi
  if [ -n "$tls_pid" ]; then kill "$tls_pid" 2>/dev/null; wait "$tls_pid" 2>/dev/null; fi
  stop_serve
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$here/../support/expect.sh"
. "$here/../support/serve.sh"
unset JWT_SECRET

# A self-signed certificate for the address 127.0.0.1 only (not for "localhost").
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj "/CN=bridgesim-tls-test" -addext "subjectAltName=IP:127.0.0.1" 2>"$tmp/openssl.err"; then
  echo "FAIL openssl could not make a certificate"; cat "$tmp/openssl.err"; exit 1
fi
# Another self-signed certificate: a CA file that does not vouch for the server's.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/other.key" -out "$tmp/other.pem" -days 2 \
  -subj "/CN=someone-else" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null

start_serve "$tmp/serve"

/usr/bin/python3 "$here/tls_terminator.py" "$tmp/cert.pem" "$tmp/key.pem" "$port" "$tmp/tls.port" 2>"$tmp/tls.err" &
tls_pid=$!
for _ in $(seq 100); do [ -s "$tmp/tls.port" ] && break; sleep 0.05; done
tls_port=$(cat "$tmp/tls.port" 2>/dev/null)
if [ -z "$tls_port" ]; then echo "FAIL the TLS front did not start"; cat "$tmp/tls.err"; exit 1; fi
url="wss://127.0.0.1:$tls_port/ws"
short=(--users 2 --messages 1 --deadline-s 20)

expect "wss with --ca-file passes" 0 "probe wss://127.0.0.1:$tls_port/ws .*verdict=PASS" -- \
  "$bin" probe --url "$url" "${short[@]}" --ca-file "$tmp/cert.pem" --json "$tmp/ok.json"
grep -q '"warnings":\[\]' "$tmp/ok.json" && ok || bad "a verified probe's report has warnings"

expect "wss, no --ca-file: the certificate is refused (GET /health)" 2 \
  "cannot reach wss://127.0.0.1:$tls_port/ws: .*certificate verify failed: self-signed certificate.*--ca-file" -- \
  "$bin" probe --url "$url" "${short[@]}"
expect "wss, no --ca-file: the certificate is refused (the clients)" 2 \
  "MISCONFIGURED: no client reached the server \(0 TLS handshake with 127.0.0.1:$tls_port failed: certificate verify failed: self-signed certificate" -- \
  "$bin" probe --url "$url" "${short[@]}" --no-health-check
expect "wss, a CA file that does not vouch for it" 2 "certificate verify failed: self-signed certificate" -- \
  "$bin" probe --url "$url" "${short[@]}" --ca-file "$tmp/other.pem"
expect "wss, the name is not the certificate's" 2 \
  "certificate verify failed: hostname mismatch: the certificate \(/CN=bridgesim-tls-test\) is not for localhost" -- \
  "$bin" probe --url "wss://localhost:$tls_port/ws" "${short[@]}" --ca-file "$tmp/cert.pem"

expect "--insecure passes" 0 "verdict=PASS" -- \
  "$bin" probe --url "$url" "${short[@]}" --insecure --json "$tmp/insecure.json" --markdown "$tmp/insecure.md"
expect "--insecure warns on stderr" 0 "WARNING: --insecure: the TLS certificate of wss://127.0.0.1:$tls_port/ws is NOT verified" -- \
  sh -c '"$@" 2>&1 >/dev/null' _ "$bin" probe --url "$url" "${short[@]}" --insecure
grep -q '"warnings":\["WARNING: --insecure' "$tmp/insecure.json" && ok || bad "the JSON report lacks the --insecure warning"
grep -q '^\*\*WARNING: --insecure' "$tmp/insecure.md" && ok || bad "the Markdown report lacks the --insecure warning"

expect "--ca-file on ws://" 2 "apply to wss:// URLs only" -- \
  "$bin" probe --url "ws://127.0.0.1:$port/ws" --ca-file "$tmp/cert.pem"
expect "--ca-file and --insecure" 2 "contradict each other" -- \
  "$bin" probe --url "$url" --ca-file "$tmp/cert.pem" --insecure
expect "--ca-file unreadable" 2 "--ca-file $tmp/nope.pem: cannot load PEM certificates" -- \
  "$bin" probe --url "$url" --ca-file "$tmp/nope.pem"
echo "not a certificate" >"$tmp/junk.pem"
expect "--ca-file not PEM" 2 "--ca-file $tmp/junk.pem: cannot load PEM certificates" -- \
  "$bin" probe --url "$url" --ca-file "$tmp/junk.pem"

# --via-proxy: the proxy speaks TLS to the server (verified), the clients ws:// to the proxy.
# partition_heal's partition must be applied by the proxy, and the runs pass through it.
"$bin" probe --url "$url" --scenario partition_heal --deadline-s 20 --ca-file "$tmp/cert.pem" --via-proxy \
  --trace "$tmp/via_proxy.jsonl" >"$tmp/via_proxy.out" 2>&1
code=$?
[ "$code" = 0 ] && grep -q "verdict=PASS" "$tmp/via_proxy.out" && ok ||
  { bad "wss --via-proxy with --ca-file: exit $code, want 0 and PASS"; tail -8 "$tmp/via_proxy.out"; }
grep -qE "via fault proxy 127.0.0.1:[0-9]+ -> wss://127.0.0.1:$tls_port" "$tmp/via_proxy.out" && ok ||
  bad "the probe does not say its proxy speaks wss:// to the server"
grep -q "applied by the fault proxy .*partition user:u1" "$tmp/via_proxy.out" && ok ||
  bad "the partition was not applied by the proxy"
grep -q '"kind":"upgrade".*"status":"101"' "$tmp/via_proxy.jsonl" && ok ||
  bad "the proxy's trace has no 101 upgrade through its TLS upstream"
grep -q '"kind":"toxic_added".*partition' "$tmp/via_proxy.jsonl" && ok || bad "the proxy's trace has no partition toxic"
# The proxy verifies too: without --ca-file its handshake is refused, the clients get a 502 saying why.
expect "wss --via-proxy without --ca-file: the proxy refuses the certificate" 2 \
  "MISCONFIGURED: no client reached the server \(502 bridgesim proxy: no upstream: TLS handshake with 127.0.0.1:$tls_port failed: certificate verify failed: self-signed certificate" -- \
  "$bin" probe --url "$url" --users 2 --messages 1 --deadline-s 3 --via-proxy --no-health-check \
  --trace "$tmp/via_proxy_refused.jsonl"
grep -q '"kind":"upstream_failed".*certificate verify failed: self-signed certificate' "$tmp/via_proxy_refused.jsonl" &&
  ok || bad "the proxy's upstream_failed record does not say the certificate was refused"

# The standalone proxy in front of a wss:// server; the probe speaks ws:// to it (GET /health through it too).
"$bin" proxy --upstream "wss://127.0.0.1:$tls_port/ws" --ca-file "$tmp/cert.pem" --listen 127.0.0.1:0 --no-api \
  --ready-file "$tmp/proxy.ready" --duration-s 60 >"$tmp/proxy.out" 2>"$tmp/proxy.err" &
proxy_pid=$!
for _ in $(seq 100); do [ -s "$tmp/proxy.ready" ] && break; sleep 0.05; done
proxy_port=$(cut -d' ' -f1 "$tmp/proxy.ready" 2>/dev/null)
if [ -z "$proxy_port" ]; then
  bad "the proxy did not start"; cat "$tmp/proxy.err"
else
  expect "ws:// through the proxy to a wss:// server passes" 0 "verdict=PASS" -- \
    "$bin" probe --url "ws://127.0.0.1:$proxy_port/ws" "${short[@]}" --json "$tmp/through_proxy.json"
  grep -q '"health":{"status":200' "$tmp/through_proxy.json" && ok || bad "GET /health through the proxy did not answer 200"
fi
kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; proxy_pid=
expect "proxy --insecure warns" 0 "WARNING: --insecure: the TLS certificate of wss://127.0.0.1:$tls_port is NOT verified" -- \
  "$bin" proxy --upstream "wss://127.0.0.1:$tls_port" --insecure --listen 127.0.0.1:0 --no-api --duration-s 0.2
expect "proxy --ca-file on a ws:// upstream" 2 "apply to a wss:// upstream only" -- \
  "$bin" proxy --upstream "127.0.0.1:$port" --ca-file "$tmp/cert.pem" --no-api --duration-s 0.2
expect "proxy --ca-file and --insecure" 2 "contradict each other" -- \
  "$bin" proxy --upstream "wss://127.0.0.1:$tls_port" --ca-file "$tmp/cert.pem" --insecure --no-api --duration-s 0.2
expect "proxy --ca-file not PEM" 2 "--ca-file $tmp/junk.pem: cannot load PEM certificates" -- \
  "$bin" proxy --upstream "wss://127.0.0.1:$tls_port" --ca-file "$tmp/junk.pem" --listen 127.0.0.1:0 --no-api --duration-s 0.2

expect_summary "probe tls: "
