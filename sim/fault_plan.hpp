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

#include "sim/rng.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::sim {

enum class FaultKind {
  // network
  kLatency,         // {min_ms, max_ms}: frame latency drawn from this range instead
  kLatencySpike,    // {per_million, spike_ms}: some frames take spike_ms longer (long tail)
  kJitter,          // {max_ms}: each frame gets extra [0, max_ms]; reorders across connections
  kReorder,         // {window_ms}: each connection of the target gets its own extra delay per window
  kPartition,       // {}: frames to and from the target are held until heal
  kSlowConsumer,    // {read_interval_ms}: the target's client reads one frame per interval
  kClientClose,     // {after, how}: the target's client closes early (abort, close frame or `disconnect`)
  kServerClose,     // {frame}: the server side drops the target's connections at `at`
  kReset,           // {}: abrupt reset (no close frame either way) of the target's connections at `at`
  // relay between the agent's process and the socket's process
  kRelayReorder,    // {window_ms}
  kRelayDrop,       // {per_million}
  kRelayDuplicate,  // {per_million}
  // application
  kSessionMissing,    // {}: startup builds no session middleware
  kAuthDown,          // {}: the auth service refuses every call
  kAuthSlow,          // {delay_ms}: the auth service answers after delay_ms
  kAuthFlapping,      // {period_ms}: the auth service alternates down/up
  kExpiredToken,      // {}: the target connects with an expired token
  kForgedToken,       // {}: the target connects with a token signed by another key
  kMissingToken,      // {}: the target connects without a token
  kComponentMissing,  // {component}: bridge | llm | handler:<type>
  kToolThrows,        // {per_million}: the search tool throws
  kHandlerThrows,     // {per_million}: the user_message handler throws
};

struct ParamSpec {
  std::string_view name;
  std::string_view fallback;        // used when the entry omits it
  std::int64_t min = 0, max = 0;    // integer params; min > max marks a string param
  std::vector<std::string_view> choices = {};  // allowed values of a string param
};

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;
  std::string_view group;  // network | relay | application
  std::string_view description;
  bool targeted;           // aims at one user ("user:u2"); otherwise global ("*")
  bool whole_run;          // takes effect at startup/connect, not at a time
  std::vector<ParamSpec> params;
};

const std::vector<FaultKindInfo>& fault_kinds();
const FaultKindInfo& info(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);

struct Fault {
  runtime::Nanos at_ns = 0;
  runtime::Nanos heal_ns = 0;  // the fault is active in [at, heal)
  FaultKind kind = FaultKind::kLatency;
  std::string target = "*";  // "*" or "user:<id>"
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
  void validate() const;
};

// Swarm testing: which kinds a seed may draw from, how many, and how long
// faults may last.
struct SwarmConfig {
  std::vector<FaultKind> kinds;  // empty: all
  int max_faults = 4;
  runtime::Nanos window_ns = 2 * runtime::kNanosPerSecond;  // faults start within [0, window)
  runtime::Nanos max_duration_ns = 2 * runtime::kNanosPerSecond;
  int users = 3;  // targets are drawn from u1..u<users>
};

// Draws a plan from `rng`: a random subset of kinds, random intensities.
FaultPlan draw_swarm_plan(Rng& rng, const SwarmConfig& config);

}  // namespace bridgesim::sim
