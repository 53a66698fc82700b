#include "harness/shrink.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "harness/replay_command.hpp"
#include "harness/run_seed.hpp"
#include "scenarios/world.hpp"
#include "sim/client_actor.hpp"

namespace bridgesim::harness {
namespace {

std::optional<std::string> violates(const scenarios::Scenario& s, std::uint64_t seed, const scenarios::Variant* variant,
                                    const std::string& property) {
  const auto outcome = run_seed(s, seed, variant);
  for (const auto& v : outcome.violations) {
    if (v.property == property) return v.message;
  }
  return std::nullopt;
}

// Drops faults aimed at users that no longer exist.
void keep_users(scenarios::Scenario& s, int users) {
  s.users = users;
  auto& faults = s.faults.faults;
  std::erase_if(faults, [users](const sim::Fault& f) {
    const auto user = sim::user_of_target(f.target);
    if (!user || !user->starts_with('u')) return false;
    // Loaded targets are u1..u<users> (scenario.cpp checks); anything else goes.
    int n = 0;
    for (const char c : user->substr(1)) {
      if (c < '0' || c > '9' || n > users) return true;
      n = n * 10 + (c - '0');
    }
    return n < 1 || n > users;
  });
}

// heal_by stays the latest heal of what is left.
void reset_heal_by(scenarios::Scenario& s) {
  runtime::Nanos heal_by = 0;
  for (const auto& f : s.faults.faults) {
    if (!sim::info(f.kind).whole_run) heal_by = std::max(heal_by, f.heal_ns);
  }
  s.faults.heal_by_ns = heal_by;
}

}  // namespace

std::optional<ShrinkResult> shrink(const scenarios::Scenario& scenario, std::uint64_t seed,
                                   const scenarios::Variant* variant, bool force_swarm) {
  const auto original = run_seed(scenario, seed, variant, force_swarm);
  if (original.violations.empty()) return std::nullopt;
  ShrinkResult result;
  result.seed = seed;
  result.property = original.violations.front().property;
  result.scenario = scenario;
  result.scenario.faults = scenarios::plan_for(scenario, seed, force_swarm);
  result.scenario.swarm = false;
  result.scenario.properties = {result.property};
  result.faults_before = result.scenario.faults.faults.size();
  auto current = violates(result.scenario, seed, variant, result.property);
  ++result.runs;
  if (!current) {
    // Cannot happen while a fixed plan replays its swarm draw exactly; keep
    // the unshrunk scenario rather than guess.
    result.message = original.violations.front().message;
    return result;
  }
  // Candidates in order of how much they remove; each kept if it still fails.
  auto attempt = [&](const std::function<bool(scenarios::Scenario&)>& edit) {
    scenarios::Scenario candidate = result.scenario;
    if (!edit(candidate)) return false;
    ++result.runs;
    if (auto message = violates(candidate, seed, variant, result.property)) {
      result.scenario = std::move(candidate);
      current = std::move(message);
      return true;
    }
    return false;
  };
  for (bool progress = true; progress;) {
    progress = false;
    for (int users = 1; users < result.scenario.users; users = users * 2) {
      if (attempt([users](scenarios::Scenario& s) {
            keep_users(s, users);
            return true;
          })) {
        progress = true;
        break;
      }
    }
    for (std::size_t i = result.scenario.faults.faults.size(); i-- > 0;) {
      progress |= attempt([i](scenarios::Scenario& s) {
        s.faults.faults.erase(s.faults.faults.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      });
    }
    progress |= attempt([](scenarios::Scenario& s) { return s.hostile_clients > 0 && (s.hostile_clients = 0, true); });
    progress |= attempt([](scenarios::Scenario& s) { return s.tabs > 1 && (s.tabs = 1, true); });
    progress |=
        attempt([](scenarios::Scenario& s) { return s.messages_per_user > 1 && (s.messages_per_user = 1, true); });
    if (result.scenario.users > 1) {
      progress |= attempt([](scenarios::Scenario& s) {
        keep_users(s, s.users - 1);
        return true;
      });
    }
  }
  reset_heal_by(result.scenario);
  result.message = violates(result.scenario, seed, variant, result.property).value_or(*current);
  result.scenario.name = scenario.name + "_shrunk_seed" + std::to_string(seed);
  result.scenario.description =
      "shrunk from " + scenario.name + " seed " + std::to_string(seed) + ": " + result.property + " violated";
  return result;
}

std::string file_name_part(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += safe ? c : '_';
  }
  if (out.size() > 100) out.resize(100);
  return out.empty() ? "scenario" : out;
}

std::string shrink_replay_command(const ShrinkResult& result, const scenarios::Variant* variant,
                                  const std::string& path) {
  std::string out = shell_quote(program_name()) + " replay --scenario " + shell_quote(path) + " --seed " +
                    std::to_string(result.seed);
  if (variant != nullptr) out += " --variant " + shell_quote(variant->name);
  return out;
}

std::string shrunk_scenario_file(const ShrinkResult& result, const scenarios::Variant* variant,
                                 const std::string& path) {
  // Comments end at a newline: one that the message holds would start TOML.
  auto comment = [](std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return text;
  };
  std::string out = "# Minimal repro written by `bridgesim shrink`.\n";
  out += "# " + comment(result.property + ": " + result.message) + "\n";
  out += "# replay: " + comment(shrink_replay_command(result, variant, path)) + "\n";
  return out + scenarios::to_toml(result.scenario,
                                  result.scenario.faults.faults.empty() ? sim::FaultPlan{} : result.scenario.faults);
}

}  // namespace bridgesim::harness
