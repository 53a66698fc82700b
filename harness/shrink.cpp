#include "harness/shrink.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
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

// The number of a user id "uN"; 0 for anything else.
int user_number(std::string_view id) {
  if (id.size() < 2 || id.size() > 10 || id.front() != 'u') return 0;
  int n = 0;
  for (const char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Removes user `k` (1-based), not only the last: its faults go, and the
// users above it move down one (u5 becomes u4) with their faults.
void drop_user(scenarios::Scenario& s, int k) {
  auto& faults = s.faults.faults;
  std::erase_if(faults, [k](const sim::Fault& f) {
    const auto user = sim::user_of_target(f.target);
    return user && user_number(*user) == k;
  });
  for (auto& f : faults) {
    const auto user = sim::user_of_target(f.target);
    const int n = user ? user_number(*user) : 0;
    if (n > k) f.target = sim::target_of_user("u" + std::to_string(n - 1));
  }
  keep_users(s, s.users - 1);
}

// The property to shrink for: `wanted` when the run violates it (else
// std::invalid_argument naming what it does violate), else the first.
std::string property_to_keep(const std::vector<properties::Violation>& violations, const std::string& wanted) {
  if (wanted.empty()) return violations.front().property;
  std::string seen;
  for (const auto& v : violations) {
    if (v.property == wanted) return wanted;
    if (seen.find(v.property) == std::string::npos) seen += (seen.empty() ? "" : ", ") + v.property;
  }
  throw std::invalid_argument("the run does not violate '" + wanted + "'; it violates: " + seen);
}

// heal_by stays the latest heal of what is left.
void reset_heal_by(scenarios::Scenario& s) {
  runtime::Nanos heal_by = 0;
  for (const auto& f : s.faults.faults) {
    if (!sim::info(f.kind).whole_run) heal_by = std::max(heal_by, f.heal_ns);
  }
  s.faults.heal_by_ns = heal_by;
}

// One pass over the counts (attackers, tabs, messages, the start spread):
// true when `attempt` kept one.
bool shrink_counts(const std::function<bool(const std::function<bool(scenarios::Scenario&)>&)>& attempt) {
  bool progress = false;
  progress |= attempt([](scenarios::Scenario& s) { return s.hostile_clients > 0 && (s.hostile_clients = 0, true); });
  progress |= attempt([](scenarios::Scenario& s) { return s.tabs > 1 && (s.tabs = 1, true); });
  progress |=
      attempt([](scenarios::Scenario& s) { return s.messages_per_user > 1 && (s.messages_per_user = 1, true); });
  progress |= attempt([](scenarios::Scenario& s) { return s.messages_per_user > 2 && (--s.messages_per_user, true); });
  progress |= attempt([](scenarios::Scenario& s) { return s.start_spread_ns > 0 && (s.start_spread_ns = 0, true); });
  progress |= attempt([](scenarios::Scenario& s) {
    // Whole milliseconds: the scenario file holds start_spread_ms.
    const runtime::Nanos half = s.start_spread_ns / runtime::kNanosPerMilli / 2 * runtime::kNanosPerMilli;
    return half > 0 && (s.start_spread_ns = half, true);
  });
  return progress;
}

}  // namespace

std::optional<ShrinkResult> shrink(const scenarios::Scenario& scenario, std::uint64_t seed,
                                   const scenarios::Variant* variant, bool force_swarm, const std::string& property) {
  const auto original = run_seed(scenario, seed, variant, force_swarm);
  if (original.violations.empty()) return std::nullopt;
  ShrinkResult result;
  result.seed = seed;
  result.property = property_to_keep(original.violations, property);
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
    result.message = std::find_if(original.violations.begin(), original.violations.end(), [&](const auto& v) {
                       return v.property == result.property;
                     })->message;
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
    progress |= shrink_counts(attempt);
    // Any user, the highest first: a victim at u3 of a u1 attacker goes too.
    for (int k = result.scenario.users; k >= 1 && result.scenario.users > 1; --k) {
      if (attempt([k](scenarios::Scenario& s) {
            drop_user(s, k);
            return true;
          })) {
        progress = true;
        break;
      }
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
