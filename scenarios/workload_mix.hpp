#pragma once
// What the clients and the scripted agent do beyond the plain workload, as a
// scenario's [mix] table names it; every key is opt-in, so a scenario
// without the table runs (and traces) as before. `draw = true` makes each
// seed draw its own mix (the swarm does): the paths no fixed scenario reaches
// get reached across a sweep.
//
//   [mix]
//   client_msg_ids = "per_tab_counter"  # "1", "2", ... per tab: ids collide across users
//   reuse_victim_ids = true             # hostile clients send victims' client_msg_ids
//   tool_calls = [1, 3]                 # tool calls per run, drawn per run
//   thinking_between = [0, 2]           # agent_thinking between two tool calls
//   late_tab = true                     # one more tab per user, opened once its first run started
//   execute = 0.5                       # share of requests sent as POST /api/agent/v2/execute
//   draw = true                         # each seed draws all of the above
#include <cstdint>
#include <string>

#include "system/agents.hpp"

namespace bridgesim::scenarios {

namespace msg_ids {
inline constexpr std::string_view kUnique = "unique";                  // "u1-m1", "u1-tab2-m1": the default
inline constexpr std::string_view kPerTabCounter = "per_tab_counter";  // "1", "2", ...: like real browsers
}  // namespace msg_ids

struct WorkloadMix {
  std::string client_msg_ids{msg_ids::kUnique};
  bool reuse_victim_ids = false;
  system::AgentShape agent;
  bool late_tab = false;
  // Requests sent over POST execute, per million (the rest as user_message
  // frames); with it, each hostile client also attacks the endpoint.
  std::uint32_t execute_per_million = 0;
  bool draw = false;

  bool per_tab_counter() const { return client_msg_ids == msg_ids::kPerTabCounter; }
  // The [mix] table that reads back to this mix ("" for the default).
  std::string to_toml() const;
};

// Reading [mix]: scenarios/workload_mix_toml.hpp (the loader's side).

// The mix one seed runs with: `mix` itself unless mix.draw, else a draw
// that depends on the seed alone (its own stream, "workload"), so the same
// seed runs the same mix and the fault draw does not move.
WorkloadMix mix_for(const WorkloadMix& mix, std::uint64_t seed);

}  // namespace bridgesim::scenarios
