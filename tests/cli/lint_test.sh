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
echo "$(( 11 - fails )) passed, $fails failed"
[ "$fails" = 0 ]
