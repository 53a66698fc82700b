# Sourced by the shell tests that probe a live `bridgesim serve` ($bin).
# `start_serve PREFIX [ARGS...]` starts `$bin serve --dev --port 0 ARGS...`
# (stdout to PREFIX.out, stderr to PREFIX.err), waits at most 5 s for its
# "listening" line and sets serve_pid and port; a server that never listens
# ends the test (exit 1, its stderr shown). `stop_serve` stops it and waits;
# call it from the test's EXIT trap too.
serve_pid=
port=

start_serve() {
  local prefix=$1
  shift
  "$bin" serve --dev --port 0 "$@" >"$prefix.out" 2>"$prefix.err" &
  serve_pid=$!
  for _ in $(seq 100); do grep -q listening "$prefix.out" 2>/dev/null && break; sleep 0.05; done
  port=$(grep -oE '[0-9]+$' "$prefix.out")
  if [ -z "$port" ]; then echo "FAIL serve did not start"; cat "$prefix.err"; exit 1; fi
}

stop_serve() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; fi
  serve_pid=
}
