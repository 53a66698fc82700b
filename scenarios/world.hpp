#pragma once
// One simulated run: build the world from a scenario and a seed, inject the
// scenario's faults (and, in swarm mode, the ones this seed draws), run it to
// its deadline or until nothing is left to happen, hand back the trace.
#include <cstdint>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "sim/fault_plan.hpp"
#include "sim/trace.hpp"

namespace bridgesim::scenarios {

struct RunConfig {
  std::uint64_t seed = 1;
  const Variant* variant = nullptr;  // nullptr: the production components
  bool log_to_stderr = false;
  bool force_swarm = false;  // draw swarm faults even if the scenario does not ask
};

struct RunResult {
  std::uint64_t seed = 0;
  sim::Trace trace;
  sim::FaultPlan faults;  // what was injected: the scenario's plus the swarm's
  runtime::Nanos virtual_end_ns = 0;
  std::uint64_t scheduler_events = 0;
};

// The secret the simulated system and its clients share.
inline constexpr std::string_view kSimJwtSecret = "bridgesim-sim-secret";

// The faults one seed runs with (deterministic in seed and scenario).
sim::FaultPlan plan_for(const Scenario& scenario, std::uint64_t seed, bool force_swarm);

RunResult run_scenario(const Scenario& scenario, const RunConfig& config);

}  // namespace bridgesim::scenarios
