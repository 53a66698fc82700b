#pragma once
// Faults are data: a FaultPlan is a list of {at, kind, target, params, heal}
// entries that serializes to TOML and JSON and replays exactly. Every fault
// heals by its `heal` time (at the latest the plan's heal_by), so liveness
// can be judged after it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_catalog.hpp"
#include "sim/rng.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::sim {

// `text` as a TOML basic string: quoted, with quotes, backslashes and
// control characters escaped (TOML forbids the latter raw). Everything that
// writes a scenario file quotes its strings with it.
std::string toml_quoted(std::string_view text);

struct Fault {
  runtime::Nanos at_ns = 0;
  runtime::Nanos heal_ns = 0;  // the fault is active in [at, heal)
  FaultKind kind = FaultKind::kLatency;
  std::string target = "*";                   // "*" or "user:<id>"
  std::map<std::string, std::string> params;  // ordered: serializes the same every time

  std::int64_t int_param(std::string_view key, std::int64_t fallback) const;
  std::string string_param(std::string_view key, std::string fallback) const;
  bool active_at(runtime::Nanos now) const { return now >= at_ns && now < heal_ns; }
  bool targets(std::string_view user_id) const;
};

struct FaultPlan {
  std::vector<Fault> faults;
  runtime::Nanos heal_by_ns = 0;  // every fault is healed by then

  bool empty() const { return faults.empty(); }
  // The first fault of `kind` active at `now` that targets `user_id` ("" = any).
  const Fault* active(FaultKind kind, runtime::Nanos now, std::string_view user_id = {}) const;
  // A fault of `kind` anywhere in the plan (for whole-run faults).
  const Fault* find(FaultKind kind, std::string_view user_id = {}) const;

  std::string to_toml() const;  // [[fault]] tables, loadable by the scenario loader
  std::string to_json() const;
  // Throws std::invalid_argument when a fault is inconsistent (unknown param, heal < at, ...).
  // `catalog`: the rows with the choices the world supplied.
  void validate(const FaultCatalog& catalog = fault_kinds()) const;
};

// Swarm testing: which kinds a seed may draw from, how many, and how long
// faults may last.
struct SwarmConfig {
  std::vector<FaultKind> kinds;  // empty: all
  int faults_max = 4;
  runtime::Nanos window_ns = 2 * runtime::kNanosPerSecond;  // faults start within [0, window)
  runtime::Nanos duration_max_ns = 2 * runtime::kNanosPerSecond;
  int users = 3;  // targets are drawn from u1..u<users>
  // Rows drawn from, with the choices the world supplied; nullptr: sim's own.
  const FaultCatalog* catalog = nullptr;
};

// Draws a plan from `rng`: a random subset of kinds, random intensities.
FaultPlan draw_swarm_plan(Rng& rng, const SwarmConfig& config);

}  // namespace bridgesim::sim
