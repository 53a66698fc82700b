#pragma once
// Faults a simulated client brings with it: the token it connects with
// (expired, forged, missing) and closing early (client_close, applied by
// UserClient as it sees events). The simulated world and `probe` mint tokens
// through here, so both apply token faults the same way.
#include <cstdint>
#include <optional>
#include <string_view>

#include "scenarios/workloads.hpp"
#include "sim/fault_plan.hpp"

namespace bridgesim::scenarios {

// Their rows name Injector::kClientToken; checked in this order (a bad
// token wins over one that expires later).
inline constexpr sim::FaultKind kTokenFaultKinds[] = {sim::FaultKind::kExpiredToken, sim::FaultKind::kForgedToken,
                                                      sim::FaultKind::kMissingToken, sim::FaultKind::kTokenExpires};

// Their rows name Injector::kClient: UserClient::maybe_close_early applies them.
inline constexpr sim::FaultKind kClientFaultKinds[] = {sim::FaultKind::kClientClose};

// The first token fault of `faults` aimed at `plan.user_id` replaces
// `plan.token` (minted for `secret`, valid for `lifetime_s` from `now_s`) and
// names it in `plan.token_kind`; no token fault leaves both as they are.
// token_expires keeps the kind "valid": the token expires at the fault's
// `at` rounded up to the whole second (`exp` is whole seconds; virtual time
// 0 is `now_s`), kept in `plan.token_exp_ns`, and `plan.fresh_token` is the
// one the client reconnects with once it expired. True when one applied.
bool apply_token_fault(ClientPlan& plan, const sim::FaultPlan& faults, std::string_view secret, std::int64_t now_s,
                       std::int64_t lifetime_s);

// The fault behind a ClientPlan::token_kind ("expired" -> expired_token);
// none for "valid".
std::optional<sim::FaultKind> token_fault_of(std::string_view token_kind);

}  // namespace bridgesim::scenarios
