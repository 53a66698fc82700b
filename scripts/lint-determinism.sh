#!/usr/bin/env bash
# The determinism and dependency lint (docs/design.md). Fails, naming file:line,
# when deterministic code reaches for wall time, OS randomness, threads,
# sleeping, the environment, non-portable distributions or pointer-keyed
# containers (also behind aliases), or when a folder includes what the dependency rule forbids.
# Usage: lint-determinism.sh [ROOT]   (default: the repository top)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || { echo "lint: cannot enter $root" >&2; exit 2; }

status=0
report() {  # report TITLE HITS
  if [ -n "$2" ]; then
    echo "lint: $1:" >&2
    echo "$2" | sed 's/^/  /' >&2
    status=1
  fi
}

src() {  # the C++ files of the given folders that exist
  local d
  for d in "$@"; do [ -d "$d" ] && echo "$d"; done
}

deterministic=$(src protocol sim system scenarios properties)
if [ -n "$deterministic" ]; then
  forbidden='(system_clock|steady_clock|high_resolution_clock|utc_clock|tai_clock|file_clock)::now|(^|[^_a-zA-Z0-9.>])(std::)?(time|rand|srand|random|drand48|localtime|gmtime|getenv|secure_getenv|sleep|usleep|nanosleep)\(|std::random_device|std::(mt19937|default_random_engine|minstd_rand|ranlux)|_distribution<|std::(thread|jthread|async)\b|this_thread::|#include <(thread|random|future)>'
  hits=$(grep -rnE "$forbidden" $deterministic --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' \
         | grep -v '^system/net/' || true)
  report "wall time, OS randomness, threads, sleeping or environment in deterministic code (only system/net/ may)" "$hits"
fi
# Pointer-keyed sets, maps and hashes, also behind type aliases and in the
# harness, whose order reaches the summary (scripts/lint_pointer_keys.py).
hits=$(/usr/bin/python3 "$here/lint_pointer_keys.py" "$root" protocol sim system scenarios properties harness)
[ $? -le 1 ] || hits="lint_pointer_keys.py failed"
report "pointer-keyed container, hash or an alias of one (iterates in address order)" "$hits"

# Dependency rule: Beast/Asio only in system/net/; system never includes sim/,
# scenarios/, properties/ or cli/; properties never include system/ (except
# the runtime time types) or scenarios/; nothing but cli includes cli/.
if [ -d system ]; then
  hits=$(grep -rnE '#include <boost/(asio|beast)' system sim scenarios properties reports protocol 2>/dev/null | grep -v '^system/net/' || true)
  report "Asio/Beast outside system/net/" "$hits"
  hits=$(grep -rnE '#include "(sim|scenarios|properties|cli|reports)/' system 2>/dev/null || true)
  report "system/ includes a harness folder" "$hits"
fi
if [ -d properties ]; then
  hits=$(grep -rnE '#include "(scenarios|cli|system/[^r])' properties 2>/dev/null || true)
  report "properties/ includes the system or scenarios" "$hits"
fi
if [ -d sim ]; then
  hits=$(grep -rnE '#include "(scenarios|properties|cli|reports)/|#include "system/[^r]' sim 2>/dev/null || true)
  report "sim/ includes something other than system/runtime/" "$hits"
fi
# protocol/ is plain values and JSON: nothing else of the project.
if [ -d protocol ]; then
  hits=$(grep -rnE '#include "' protocol 2>/dev/null | grep -v '#include "protocol/' || true)
  report "protocol/ includes another folder" "$hits"
fi
hits=$(grep -rnE '#include "cli/' $(src sim system scenarios properties reports) 2>/dev/null || true)
report "a library includes cli/" "$hits"

# The wire protocol's server event types are spelled once, in protocol/
# (message_types.hpp); everyone else uses protocol::event_type::*, so a
# renamed or added event cannot be missed by a grep-and-hope. Allowed:
# - sim/fault_catalog.cpp, sim/fault_plan.cpp: client_close's `after`
#   choices; sim/ may not include protocol/ (the dependency rule above);
# - system/net/assets/: the browser chat page's JavaScript, a client of its own
#   (only C++ files are searched anyway).
events='"(agent_started|agent_thinking|tool_executing|tool_completed|agent_completed|agent_error|connection_established)"'
hits=$(grep -rnE "$events" $(src sim system scenarios properties reports harness cli bench) \
         --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' 2>/dev/null \
       | grep -vE '^(sim/fault_catalog\.cpp|sim/fault_plan\.cpp|system/net/assets/)' || true)
report "a server event type spelled as a string literal outside protocol/ (use protocol::event_type::*)" "$hits"

if [ $status -eq 0 ]; then echo "lint: determinism and dependency rules hold"; fi
exit $status
