#pragma once
// One simulated run: build the world from a scenario and a seed, run it to
// its deadline or until nothing is left to happen, hand back the trace.
#include <cstdint>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "sim/trace.hpp"

namespace bridgesim::scenarios {

struct RunConfig {
  std::uint64_t seed = 1;
  const Variant* variant = nullptr;  // nullptr: the production components
  bool log_to_stderr = false;
};

struct RunResult {
  std::uint64_t seed = 0;
  sim::Trace trace;
  runtime::Nanos virtual_end_ns = 0;
  std::uint64_t scheduler_events = 0;
};

// The secret the simulated system and its clients share.
inline constexpr std::string_view kSimJwtSecret = "bridgesim-sim-secret";

RunResult run_scenario(const Scenario& scenario, const RunConfig& config);

}  // namespace bridgesim::scenarios
