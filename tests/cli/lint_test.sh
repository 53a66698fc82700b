#!/usr/bin/env bash
# The determinism lint must fail on planted violations and pass on a clean tree.
set -u
lint=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sim" "$tmp/system/net" "$tmp/scenarios" "$tmp/properties"
printf 'int ok() { return 1; }\nstd::string format_virtual_time(int);\n' > "$tmp/sim/clean.cpp"
printf '#include <boost/beast.hpp>\nauto t = std::chrono::steady_clock::now();\n' > "$tmp/system/net/real.cpp"
"$lint" "$tmp" >/dev/null 2>&1 || { echo "FAIL: clean tree flagged"; exit 1; }
fails=0
for bad in 'int r = rand();' 'auto t = std::chrono::system_clock::now();' 'std::random_device rd;' \
           'std::thread t([]{});' 'auto f = std::async([]{});' 'std::this_thread::sleep_for(x);' \
           'auto h = getenv("HOME");' 'std::unordered_map<Conn*, int> m;' 'std::uniform_int_distribution<int> d;' \
           '#include <boost/asio.hpp>'; do
  printf '%s\n' "$bad" > "$tmp/scenarios/bad.cpp"
  if "$lint" "$tmp" >/dev/null 2>&1; then echo "FAIL: not flagged: $bad"; fails=$((fails + 1)); fi
done
rm "$tmp/scenarios/bad.cpp"
printf '#include "sim/trace.hpp"\n' > "$tmp/system/leak.cpp"
if "$lint" "$tmp" >/dev/null 2>&1; then echo "FAIL: system -> sim not flagged"; fails=$((fails + 1)); fi
rm "$tmp/system/leak.cpp"
# Server event types are spelled in protocol/ only; sim/'s choice list is the
# allowed exception.
printf 'auto t = protocol::event_type::kAgentStarted;\n' > "$tmp/scenarios/uses_constant.cpp"
printf 'const char* after[] = {"agent_started", "tool_completed"};\n' > "$tmp/sim/fault_catalog.cpp"
mkdir -p "$tmp/protocol"
printf 'constexpr std::string_view kAgentStarted = "agent_started";\n' > "$tmp/protocol/message_types.hpp"
if ! "$lint" "$tmp" >/dev/null 2>&1; then echo "FAIL: protocol/, a constant or the sim/ exception flagged"; fails=$((fails + 1)); fi
mkdir -p "$tmp/cli"
printf 'if (type == "agent_completed") done();\n' > "$tmp/cli/bad.cpp"
out=$("$lint" "$tmp" 2>&1)
if [ $? -eq 0 ] || ! printf '%s' "$out" | grep -q 'cli/bad.cpp:1:'; then
  echo "FAIL: event type literal not flagged with file:line"; fails=$((fails + 1))
fi
echo "$(( 13 - fails )) passed, $fails failed"
[ "$fails" = 0 ]
