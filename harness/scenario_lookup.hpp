#pragma once
// Where scenario names are looked up when --scenario-dir is not given, first
// match wins: the current directory's scenarios/ (a checkout), the
// BRIDGESIM_SCENARIOS environment variable, the installed share directory
// (next to the binary: ../share/bridgesim/scenarios, then the configured
// install prefix), and last the source tree the binary was built from.
#include <string>

namespace bridgesim::harness {

struct ScenarioDirChoice {
  std::string path;
  std::string origin;  // which rule chose it, for `list`
};

// Resolved once per process.
const ScenarioDirChoice& default_scenario_dir_choice();

}  // namespace bridgesim::harness
