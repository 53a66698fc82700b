#include "sim/fault_catalog.hpp"

#include <stdexcept>

namespace bridgesim::sim {
namespace {

constexpr std::int64_t kStr = 1, kNoMax = 0;  // min > max marks a string param
using enum Injector;

// clang-format off
// One row per kind, one kind per few lines: a table reads better unwrapped.
FaultCatalog network_rows() {
  return {
      {FaultKind::kLatency, "latency", "network", "frame latency drawn from [min_ms, max_ms]", false, false,
       {{"min_ms", "20", 0, 60'000}, {"max_ms", "200", 0, 60'000}}, kNetwork},
      {FaultKind::kLatencySpike, "latency_spike", "network", "a fraction of frames take spike_ms longer", false, false,
       {{"per_million", "50000", 0, 1'000'000}, {"spike_ms", "500", 1, 60'000}}, kNetwork},
      {FaultKind::kJitter, "jitter", "network", "every frame gets an extra [0, max_ms]; reorders across connections",
       false, false, {{"max_ms", "30", 1, 60'000}}, kNetwork},
      {FaultKind::kReorder, "reorder", "network",
       "each connection gets its own extra delay, reordering across connections", false, false,
       {{"window_ms", "100", 1, 60'000}}, kNetwork},
      {FaultKind::kPartition, "partition", "network", "frames to and from the target are held until heal", true, false,
       {}, kNetwork},
      {FaultKind::kSlowConsumer, "slow_consumer", "network", "the target's client reads one frame per interval", true,
       false, {{"read_interval_ms", "50", 1, 60'000}}, kNetwork},
      {FaultKind::kClientClose, "client_close", "network",
       "the target's client closes early (after seeing event `after`), with or without a close frame", true, false,
       // Event type names spelled here: sim/ may not include protocol/ (the lint allows this list).
       {{"after", "tool_executing", kStr, kNoMax,
         {"connection_established", "agent_started", "agent_thinking", "tool_executing", "tool_completed", "handshake"}},
        {"how", "abort", kStr, kNoMax, {"abort", "close_frame", "disconnect_message"}}},
       kClient},
      {FaultKind::kServerClose, "server_close", "network", "the server drops the target's connections at `at`", true,
       false, {{"frame", "true", kStr, kNoMax, {"true", "false"}}}, kNetwork},
      {FaultKind::kReset, "reset", "network", "abrupt reset of the target's connections: no close frame either way",
       true, false, {}, kNetwork},
  };
}

FaultCatalog relay_rows() {
  return {
      {FaultKind::kRelayReorder, "relay_reorder", "relay",
       "events between agent and socket process overtake each other", false, false, {{"window_ms", "30", 1, 60'000}},
       kRelay},
      {FaultKind::kRelayDrop, "relay_drop", "relay", "the relay loses events", false, false,
       {{"per_million", "100000", 0, 1'000'000}}, kRelay},
      {FaultKind::kRelayDuplicate, "relay_duplicate", "relay", "the relay delivers events twice", false, false,
       {{"per_million", "100000", 0, 1'000'000}}, kRelay},
  };
}

FaultCatalog application_rows() {
  return {
      {FaultKind::kSessionMissing, "session_missing", "application", "startup builds no session middleware", false,
       true, {}, kApplication},
      {FaultKind::kAuthDown, "auth_down", "application", "the auth service refuses every call", false, false, {},
       kAuthService},
      {FaultKind::kAuthSlow, "auth_slow", "application", "the auth service answers after delay_ms", false, false,
       {{"delay_ms", "2000", 1, 60'000}}, kAuthService},
      {FaultKind::kAuthFlapping, "auth_flapping", "application", "the auth service alternates down and up", false,
       false, {{"period_ms", "200", 1, 60'000}}, kAuthService},
      {FaultKind::kExpiredToken, "expired_token", "application", "the target connects with an expired token", true,
       true, {}, kClientToken},
      {FaultKind::kForgedToken, "forged_token", "application", "the target's token is signed with another key", true,
       true, {}, kClientToken},
      {FaultKind::kMissingToken, "missing_token", "application", "the target connects without a token", true, true,
       {}, kClientToken},
      // Its choices name parts of the system: supplied by the world.
      {FaultKind::kComponentMissing, "component_missing", "application", "a critical component is missing at startup",
       false, true, {{"component", "", kStr, kNoMax}}, kApplication},
      {FaultKind::kToolThrows, "tool_throws", "application", "the search tool throws", false, false,
       {{"per_million", "300000", 0, 1'000'000}}, kApplication},
      {FaultKind::kHandlerThrows, "handler_throws", "application", "the user_message handler throws", false, false,
       {{"per_million", "300000", 0, 1'000'000}}, kApplication},
      // Issue 10, detection power.
      {FaultKind::kAuthRevoked, "auth_revoked", "application",
       "the auth service denies the target's identity (revoked) from `at` until heal", true, false, {}, kAuthService},
      {FaultKind::kTokenExpires, "token_expires", "application",
       "the target's token expires at `at`, rounded up to the second, during its session; its client then "
       "reconnects with a fresh one", true, false, {}, kClientToken},
  };
}
// clang-format on

FaultCatalog build_catalog() {
  FaultCatalog rows = network_rows();
  for (auto group : {relay_rows(), application_rows()}) rows.insert(rows.end(), group.begin(), group.end());
  return rows;
}

}  // namespace

const FaultCatalog& fault_kinds() {
  static const FaultCatalog kinds = build_catalog();
  return kinds;
}

const FaultKindInfo& info(const FaultCatalog& catalog, FaultKind kind) {
  for (const auto& k : catalog) {
    if (k.kind == kind) return k;
  }
  throw std::logic_error("fault kind without catalog entry");
}

const FaultKindInfo& info(FaultKind kind) { return info(fault_kinds(), kind); }

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
  for (const auto& k : fault_kinds()) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

FaultCatalog supply_choices(FaultCatalog catalog, FaultKind kind, std::string_view param,
                            std::vector<std::string> choices) {
  for (auto& k : catalog) {
    if (k.kind != kind) continue;
    for (auto& p : k.params) {
      if (p.name != param || is_int_param(p)) continue;
      p.fallback = choices.empty() ? std::string() : choices.front();
      p.choices = std::move(choices);
      return catalog;
    }
  }
  throw std::logic_error("supply_choices: no string param '" + std::string(param) + "' for that kind");
}

bool is_int_param(const ParamSpec& spec) { return spec.min <= spec.max; }

const ParamSpec* spec_of(const FaultKindInfo& kind, std::string_view name) {
  for (const auto& p : kind.params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace bridgesim::sim
