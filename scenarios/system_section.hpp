#pragma once
// A scenario's [system] section: every bound of the system's architecture
// table (docs/architecture.md, "Bounds") a scenario may set, by the names
// AppConfig uses, so a scenario can make a few users reach a bound fast.
// Absent keys keep the system's defaults (AppConfig{}).
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "system/app.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::scenarios {

struct SystemBounds {
  std::size_t outbound_frames_max = system::AppConfig{}.outbound_frames_max;
  std::size_t frame_bytes_max = system::AppConfig{}.frame_bytes_max;
  std::size_t runs_max = system::RunLogLimits{}.runs_max;
  std::size_t events_per_run_max = system::RunLogLimits{}.events_per_run_max;
  runtime::Nanos retention_ns = system::RunLogLimits{}.retention_ns;
  std::size_t pending_per_run_max = system::ReceiverLimits{}.pending_per_run_max;
  std::size_t active_runs_per_user_max = system::AppConfig{}.active_runs_per_user_max;
  std::size_t idempotency_keys_max = system::AppConfig{}.idempotency_keys_max;
  std::size_t known_identities_max = system::AuthServiceLimits{}.known_identities_max;

  bool operator==(const SystemBounds&) const = default;
  // Sets these bounds on `config`.
  void apply_to(system::AppConfig& config) const;
  // Every bound as (key, value), in the order [system] is written; the
  // retention as milliseconds.
  std::vector<std::pair<std::string, std::string>> entries() const;
};

// The keys [system] accepts ("outbound_queue_max" is an older name of
// outbound_frames_max), for messages and docs.
const std::vector<std::string_view>& system_keys();

// "[system]\nkey = value\n..." that read_system_section reads back to `bounds`.
std::string system_section_toml(const SystemBounds& bounds);

}  // namespace bridgesim::scenarios
