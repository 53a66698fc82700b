#pragma once
// Reading a scenario's [system] table (scenarios/system_section.hpp); only
// the loader includes this, so TOML stays out of the scenario's interface.
#include <string>

#include <toml++/toml.h>

#include "scenarios/system_section.hpp"

namespace bridgesim::scenarios {

// Reads the [system] table into `bounds`; throws ScenarioError
// ("file:line: message") for an unknown key or a value out of range.
void read_system_section(const std::string& source, const toml::node& node, SystemBounds& bounds);

}  // namespace bridgesim::scenarios
