#pragma once
// How a failing seed is named to a human: the command that replays it,
// exactly (scenario, seed, variant, swarm), with the binary named as it was
// invoked.
#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::harness {

// Where scenario files are looked up by name when --scenario-dir is not
// given (harness/scenario_lookup.hpp).
std::string default_scenario_dir();

// The program printed commands start with: argv[0] as the user invoked it
// (set once by the CLI; "bridgesim" until then).
void set_program_name(std::string name);
const std::string& program_name();

// `text` as one shell word: unchanged when it is safe, else single-quoted.
std::string shell_quote(std::string_view text);

// The command that replays one seed exactly; a scenario from the default
// directory is named, any other by its path. `force_swarm`: the run used
// --swarm; `determinism`: the failure is a divergence between two runs.
std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                           bool force_swarm = false, bool determinism = false);

}  // namespace bridgesim::harness
