#include "scenarios/workload_mix.hpp"

#include <cmath>

#include "scenarios/scenario.hpp"
#include "scenarios/workload_mix_toml.hpp"
#include "sim/rng.hpp"

namespace bridgesim::scenarios {
namespace {

[[noreturn]] void fail(const std::string& source, const toml::node& node, const std::string& message) {
  throw ScenarioError(source + ":" + std::to_string(node.source().begin.line) + ": " + message);
}

bool read_bool(const std::string& source, const toml::node& node, const std::string& key) {
  if (!node.is_boolean()) fail(source, node, "'mix." + key + "' must be true or false");
  return *node.value<bool>();
}

// [lo, hi] with lo_min <= lo <= hi <= hi_max.
std::pair<int, int> read_range(const std::string& source, const toml::node& node, const std::string& key, int lo_min,
                               int hi_max) {
  const auto* list = node.as_array();
  const std::string what = "'mix." + key + "' must be [min, max] with " + std::to_string(lo_min) +
                           " <= min <= max <= " + std::to_string(hi_max);
  if (list == nullptr || list->size() != 2) fail(source, node, what);
  const auto lo = (*list)[0].value<std::int64_t>();
  const auto hi = (*list)[1].value<std::int64_t>();
  if (!(*list)[0].is_integer() || !(*list)[1].is_integer() || !lo || !hi || *lo < lo_min || *hi < *lo || *hi > hi_max) {
    fail(source, node, what);
  }
  return {static_cast<int>(*lo), static_cast<int>(*hi)};
}

// A share in [0, 1] (a float or the integer 0 or 1), per million.
std::uint32_t read_share(const std::string& source, const toml::node& node, const std::string& key) {
  const auto value = node.value<double>();
  if ((!node.is_floating_point() && !node.is_integer()) || !value || !(*value >= 0.0 && *value <= 1.0)) {
    fail(source, node, "'mix." + key + "' must be a share from 0 to 1 (e.g. 0.5)");
  }
  return static_cast<std::uint32_t>(std::llround(*value * 1e6));
}

// 500000 -> "0.5": the share as read_share reads it back.
std::string share_toml(std::uint32_t per_million) {
  if (per_million >= 1'000'000) return "1.0";
  std::string digits = std::to_string(per_million + 1'000'000).substr(1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  return "0." + digits;
}

std::string range_toml(const char* key, int lo, int hi) {
  return std::string(key) + " = [" + std::to_string(lo) + ", " + std::to_string(hi) + "]\n";
}

}  // namespace

void read_workload_mix(const std::string& source, const toml::node& node, WorkloadMix& mix) {
  const auto* table = node.as_table();
  if (table == nullptr) fail(source, node, "'mix' must be a table: write [mix]");
  for (const auto& [key, value] : *table) {
    const std::string k(key.str());
    if (k == "client_msg_ids") {
      if (!value.is_string()) fail(source, value, "'mix.client_msg_ids' must be a string");
      mix.client_msg_ids = std::string(*value.value<std::string_view>());
      if (mix.client_msg_ids != msg_ids::kUnique && mix.client_msg_ids != msg_ids::kPerTabCounter) {
        fail(source, value,
             "unknown 'mix.client_msg_ids' \"" + mix.client_msg_ids + "\" (known: unique, per_tab_counter)");
      }
    } else if (k == "reuse_victim_ids") {
      mix.reuse_victim_ids = read_bool(source, value, k);
    } else if (k == "tool_calls") {
      std::tie(mix.agent.tool_calls_min, mix.agent.tool_calls_max) = read_range(source, value, k, 1, 16);
    } else if (k == "thinking_between") {
      std::tie(mix.agent.thinking_between_min, mix.agent.thinking_between_max) = read_range(source, value, k, 0, 16);
    } else if (k == "late_tab") {
      mix.late_tab = read_bool(source, value, k);
    } else if (k == "execute") {
      mix.execute_per_million = read_share(source, value, k);
    } else if (k == "draw") {
      mix.draw = read_bool(source, value, k);
    } else {
      fail(source, value,
           "unknown key 'mix." + k +
               "' (known: client_msg_ids, reuse_victim_ids, tool_calls, thinking_between, late_tab, execute, draw)");
    }
  }
}

std::string WorkloadMix::to_toml() const {
  const WorkloadMix plain;
  std::string out;
  if (client_msg_ids != plain.client_msg_ids) out += "client_msg_ids = \"" + client_msg_ids + "\"\n";
  if (reuse_victim_ids) out += "reuse_victim_ids = true\n";
  if (agent.tool_calls_min != 1 || agent.tool_calls_max != 1)
    out += range_toml("tool_calls", agent.tool_calls_min, agent.tool_calls_max);
  if (agent.thinking_between_min != 0 || agent.thinking_between_max != 0)
    out += range_toml("thinking_between", agent.thinking_between_min, agent.thinking_between_max);
  if (late_tab) out += "late_tab = true\n";
  if (execute_per_million > 0) out += "execute = " + share_toml(execute_per_million) + "\n";
  if (draw) out += "draw = true\n";
  return out.empty() ? out : "\n[mix]\n" + out;
}

WorkloadMix mix_for(const WorkloadMix& mix, std::uint64_t seed) {
  if (!mix.draw) return mix;
  // Each path on for about half the seeds, independently of the others.
  sim::Rng rng = sim::Rng(seed).fork("workload");
  WorkloadMix out;
  out.draw = true;
  if (rng.chance(500'000)) out.client_msg_ids = std::string(msg_ids::kPerTabCounter);
  out.reuse_victim_ids = rng.chance(500'000);
  if (rng.chance(500'000)) {
    out.agent.tool_calls_max = 3;
    out.agent.thinking_between_max = 2;
  }
  out.late_tab = rng.chance(500'000);
  // Drawn last, so the draws above are what they were before it existed.
  if (rng.chance(500'000)) out.execute_per_million = 500'000;
  return out;
}

}  // namespace bridgesim::scenarios
