#pragma once
// Shrinking a failing seed to a minimal repro: the seed's faults become fixed
// [[fault]] entries, then faults, users, tabs, attackers and messages are
// removed one at a time (any user, not only the last; the start spread and
// the message count lowered), keeping each removal that still violates the
// same property with the same seed. Greedy and deterministic: the same failure
// always shrinks to the same scenario.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::harness {

struct ShrinkResult {
  scenarios::Scenario scenario;  // swarm off, faults fixed, properties = {property}
  std::uint64_t seed = 0;
  std::string property;  // the property the original run violated first
  std::string message;   // its message in the shrunk run
  int runs = 0;          // candidate runs tried
  std::size_t faults_before = 0;
};

// nullopt when the seed does not fail. `property`: shrink for that one
// (std::invalid_argument, naming the ones it does violate, when the run does
// not violate it); empty: the first the run violates, in catalog order.
std::optional<ShrinkResult> shrink(const scenarios::Scenario& scenario, std::uint64_t seed,
                                   const scenarios::Variant* variant, bool force_swarm = false,
                                   const std::string& property = {});

// `name` as a file name: every character but [A-Za-z0-9_-] becomes '_' (no
// '/', no '..'), at most 100 characters; "scenario" when empty.
std::string file_name_part(std::string_view name);

// The command that replays the shrunk file at `path`.
std::string shrink_replay_command(const ShrinkResult& result, const scenarios::Variant* variant,
                                  const std::string& path);

// The shrunk scenario as a file, headed by the command that replays it.
std::string shrunk_scenario_file(const ShrinkResult& result, const scenarios::Variant* variant,
                                 const std::string& path);

}  // namespace bridgesim::harness
