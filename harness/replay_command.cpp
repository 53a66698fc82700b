#include "harness/replay_command.hpp"

#include <filesystem>

namespace bridgesim::harness {

std::string default_scenario_dir() { return BRIDGESIM_SCENARIO_DIR; }

std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant) {
  const std::filesystem::path source(scenario.source);
  const bool in_default_dir = source.parent_path() == std::filesystem::path(default_scenario_dir());
  std::string cmd = "bridgesim replay --scenario " + (in_default_dir ? scenario.name : scenario.source) + " --seed " +
                    std::to_string(seed);
  if (variant != nullptr) cmd += " --variant " + variant->name;
  return cmd;
}

}  // namespace bridgesim::harness
