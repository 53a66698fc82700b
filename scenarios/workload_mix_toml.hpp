#pragma once
// The scenario loader's side of [mix] (scenarios/workload_mix.hpp).
#include <string>

#include <toml++/toml.h>

#include "scenarios/workload_mix.hpp"

namespace bridgesim::scenarios {

// Reads the [mix] node; throws ScenarioError ("file:line: message") for
// a node that is not a table, an unknown key or a bad value.
void read_workload_mix(const std::string& source, const toml::node& node, WorkloadMix& mix);

}  // namespace bridgesim::scenarios
