#pragma once
// The fault kinds, one row each: name, group, params and the injector that
// applies it. Adding a kind is an enum value and a row here, then its effect
// and its entry in the `kFaultKinds` list of the injector the row names
// (tests/scenarios/fault_registry_test.cpp fails until both agree), a
// shipped scenario where it takes effect (tests/sweep/faults_test.cpp) and a
// FaultEffect test that shows its effect without its fault_hit record
// (tests/sweep/fault_effect_*test.cpp; FaultEffectCoverage fails until then).
//
// sim/ knows nothing of the system under test: a param whose values name
// parts of it (which component startup lacks) has no choices here; the world
// supplies them with supply_choices (scenarios/fault_catalog.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bridgesim::sim {

enum class FaultKind {
  // network
  kLatency,       // {min_ms, max_ms}: frame latency drawn from this range instead
  kLatencySpike,  // {per_million, spike_ms}: some frames take spike_ms longer (long tail)
  kJitter,        // {max_ms}: each frame gets extra [0, max_ms]; reorders across connections
  kReorder,       // {window_ms}: each connection of the target gets its own extra delay per window
  kPartition,     // {}: frames to and from the target are held until heal
  kSlowConsumer,  // {read_interval_ms}: the target's client reads one frame per interval
  kClientClose,   // {after, how}: the target's client closes early (abort, close frame or `disconnect`)
  kServerClose,   // {frame}: the server side drops the target's connections at `at`
  kReset,         // {}: abrupt reset (no close frame either way) of the target's connections at `at`
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
  kComponentMissing,  // {component}: one the world supplies (a critical component or a required handler)
  kToolThrows,        // {per_million}: the search tool throws
  kHandlerThrows,     // {per_million}: the user_message handler throws
  // Issue 10: the auth service denies, tokens expire during a session.
  kAuthRevoked,   // {}: the auth service denies the target's identity from `at` until heal
  kTokenExpires,  // {}: the target's token expires at `at` (rounded up to the second); the client refreshes it
};

// Who applies a kind. Each injector lists the kinds it applies next to its
// code (`kFaultKinds`), so a row and its effect are found from one place.
enum class Injector {
  kNetwork,      // sim::SimNetwork: frame delays, server-side drops
  kRelay,        // sim::SimRelay
  kAuthService,  // sim::SimAuthService
  kApplication,  // scenarios/app_faults: the system's factory seams at startup
  kClientToken,  // scenarios/client_faults: the token a simulated client connects with
  kClient,       // scenarios::UserClient: a client that closes early
};

struct ParamSpec {
  std::string_view name;
  std::string fallback;                   // used when the entry omits it
  std::int64_t min = 0, max = 0;          // integer params; min > max marks a string param
  std::vector<std::string> choices = {};  // allowed values of a string param (empty: any)
};

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;
  std::string_view group;  // network | relay | application
  std::string_view description;
  bool targeted;   // aims at one user ("user:u2"); otherwise global ("*")
  bool whole_run;  // takes effect at startup/connect, not at a time
  std::vector<ParamSpec> params;
  Injector injector;
};

using FaultCatalog = std::vector<FaultKindInfo>;

// sim's own rows: every kind, no choices for params the world supplies.
const FaultCatalog& fault_kinds();
const FaultKindInfo& info(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);

// `catalog` with the allowed values of `kind`'s `param` set to `choices`;
// the first is the fallback.
FaultCatalog supply_choices(FaultCatalog catalog, FaultKind kind, std::string_view param,
                            std::vector<std::string> choices);

bool is_int_param(const ParamSpec& spec);
const ParamSpec* spec_of(const FaultKindInfo& kind, std::string_view name);
const FaultKindInfo& info(const FaultCatalog& catalog, FaultKind kind);

}  // namespace bridgesim::sim
