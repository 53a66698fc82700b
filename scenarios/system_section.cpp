#include "scenarios/system_section.hpp"
#include "scenarios/system_section_reader.hpp"

#include <cstdint>

#include "scenarios/scenario.hpp"

namespace bridgesim::scenarios {
namespace {

// One [system] key: where it goes and the values it may take.
struct Key {
  std::string_view name;
  std::size_t SystemBounds::*field;  // nullptr: the retention (milliseconds)
  std::int64_t min;
  std::int64_t max;
};

constexpr std::string_view kRetention = "retention_ms";

const std::vector<Key>& keys() {
  static const std::vector<Key> table{
      {"outbound_frames_max", &SystemBounds::outbound_frames_max, 1, 1'000'000},
      {"frame_bytes_max", &SystemBounds::frame_bytes_max, 16, 16 * 1024 * 1024},
      {"runs_max", &SystemBounds::runs_max, 1, 1'000'000},
      {"events_per_run_max", &SystemBounds::events_per_run_max, 1, 1'000'000},
      {kRetention, nullptr, 1, 86'400'000},
      {"pending_per_run_max", &SystemBounds::pending_per_run_max, 1, 1'000'000},
      {"active_runs_per_user_max", &SystemBounds::active_runs_per_user_max, 1, 1'000'000},
      {"idempotency_keys_max", &SystemBounds::idempotency_keys_max, 1, 10'000'000},
      // 0: the auth client caches no identity at all.
      {"known_identities_max", &SystemBounds::known_identities_max, 0, 10'000'000},
  };
  return table;
}

constexpr std::string_view kOutboundQueueMax = "outbound_queue_max";  // the older name of outbound_frames_max

[[noreturn]] void fail_at(const std::string& source, const toml::node& node, const std::string& message) {
  throw ScenarioError(source + ":" + std::to_string(node.source().begin.line) + ": " + message);
}

std::string known_keys() {
  std::string out;
  for (const auto k : system_keys()) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

}  // namespace

void SystemBounds::apply_to(system::AppConfig& config) const {
  config.outbound_frames_max = outbound_frames_max;
  config.frame_bytes_max = frame_bytes_max;
  config.run_log.runs_max = runs_max;
  config.run_log.events_per_run_max = events_per_run_max;
  config.run_log.retention_ns = retention_ns;
  config.receiver.pending_per_run_max = pending_per_run_max;
  config.active_runs_per_user_max = active_runs_per_user_max;
  config.idempotency_keys_max = idempotency_keys_max;
  config.auth_service.known_identities_max = known_identities_max;
}

std::vector<std::pair<std::string, std::string>> SystemBounds::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& k : keys()) {
    const std::uint64_t value =
        k.field != nullptr ? this->*k.field : static_cast<std::uint64_t>(retention_ns / runtime::kNanosPerMilli);
    out.emplace_back(std::string(k.name), std::to_string(value));
  }
  return out;
}

const std::vector<std::string_view>& system_keys() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& k : keys()) out.push_back(k.name);
    out.push_back(kOutboundQueueMax);
    return out;
  }();
  return names;
}

void read_system_section(const std::string& source, const toml::node& node, SystemBounds& bounds) {
  if (!node.is_table()) fail_at(source, node, "'system' must be a table: write [system]");
  for (const auto& [skey, snode] : *node.as_table()) {
    const std::string_view name = skey.str() == kOutboundQueueMax ? "outbound_frames_max" : skey.str();
    const Key* key = nullptr;
    for (const auto& k : keys()) {
      if (k.name == name) key = &k;
    }
    const std::string full = "system." + std::string(skey.str());
    if (key == nullptr) fail_at(source, snode, "unknown key '" + full + "' (known: " + known_keys() + ")");
    const auto value = snode.value<std::int64_t>();
    if (!snode.is_integer() || !value) fail_at(source, snode, "'" + full + "' must be an integer");
    if (*value < key->min || *value > key->max) {
      fail_at(source, snode,
              "'" + full + "' must be in [" + std::to_string(key->min) + ", " + std::to_string(key->max) + "], got " +
                  std::to_string(*value));
    }
    if (key->field == nullptr) {
      bounds.retention_ns = *value * runtime::kNanosPerMilli;
    } else {
      bounds.*(key->field) = static_cast<std::size_t>(*value);
    }
  }
}

std::string system_section_toml(const SystemBounds& bounds) {
  std::string out = "[system]\n";
  for (const auto& [key, value] : bounds.entries()) out += key + " = " + value + "\n";
  return out;
}

}  // namespace bridgesim::scenarios
