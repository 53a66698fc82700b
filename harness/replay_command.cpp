#include "harness/replay_command.hpp"

#include <filesystem>
#include <system_error>

#include "harness/scenario_lookup.hpp"

namespace bridgesim::harness {
namespace {

std::string& program_name_slot() {
  static std::string name = "bridgesim";
  return name;
}

bool same_dir(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(a, ea);
  const auto cb = std::filesystem::weakly_canonical(b, eb);
  return !ea && !eb ? ca == cb : a == b;
}

}  // namespace

std::string default_scenario_dir() { return default_scenario_dir_choice().path; }

void set_program_name(std::string name) {
  if (!name.empty()) program_name_slot() = std::move(name);
}

const std::string& program_name() { return program_name_slot(); }

std::string shell_quote(std::string_view text) {
  const bool safe = !text.empty() && text.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_-./:=+,@%") == std::string_view::npos;
  if (safe) return std::string(text);
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                           bool force_swarm, bool determinism) {
  const std::filesystem::path source(scenario.source);
  const bool in_default_dir = same_dir(source.parent_path(), default_scenario_dir());
  std::string cmd = shell_quote(program_name()) + " replay --scenario " +
                    shell_quote(in_default_dir ? scenario.name : scenario.source) + " --seed " + std::to_string(seed);
  if (variant != nullptr) cmd += " --variant " + shell_quote(variant->name);
  // A scenario whose own [swarm] is on draws the same faults either way.
  if (force_swarm && !scenario.swarm) cmd += " --swarm";
  if (determinism) cmd += " --check-determinism";
  return cmd;
}

}  // namespace bridgesim::harness
