#pragma once
// How a failing seed is named to a human: the command that replays it.
#include <cstdint>
#include <string>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::harness {

// Where scenario files are looked up by name.
std::string default_scenario_dir();

// The command that replays one seed exactly; a scenario from the default
// directory is named, any other by its path.
std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant);

}  // namespace bridgesim::harness
