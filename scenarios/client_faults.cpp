#include "scenarios/client_faults.hpp"

#include <string>

#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

// The key a forged token is signed with: any but the server's.
constexpr std::string_view kForgerSecret = "not-the-server-secret";

// "expired" for expired_token: what ClientPlan::token_kind records.
std::string_view token_kind_of(sim::FaultKind kind) {
  const std::string_view name = sim::info(kind).name;
  return name.substr(0, name.size() - std::string_view("_token").size());
}

}  // namespace

bool apply_token_fault(ClientPlan& plan, const sim::FaultPlan& faults, std::string_view secret, std::int64_t now_s,
                       std::int64_t lifetime_s) {
  for (const sim::FaultKind kind : kTokenFaultKinds) {
    const sim::Fault* fault = faults.find(kind, plan.user_id);
    if (fault == nullptr) continue;
    if (kind == sim::FaultKind::kTokenExpires) {
      const std::int64_t exp_s = (fault->at_ns + runtime::kNanosPerSecond - 1) / runtime::kNanosPerSecond;
      plan.token = system::mint_hs256(secret, plan.user_id, now_s + exp_s);
      plan.token_exp_ns = exp_s * runtime::kNanosPerSecond;
      plan.fresh_token = system::mint_hs256(secret, plan.user_id, now_s + lifetime_s);
      return true;
    }
    if (kind == sim::FaultKind::kExpiredToken) {
      plan.token = system::mint_hs256(secret, plan.user_id, now_s - 60);
    } else if (kind == sim::FaultKind::kForgedToken) {
      plan.token = system::mint_hs256(kForgerSecret, plan.user_id, now_s + lifetime_s);
    } else {
      plan.token.clear();
    }
    plan.token_kind = std::string(token_kind_of(kind));
    return true;
  }
  return false;
}

std::optional<sim::FaultKind> token_fault_of(std::string_view token_kind) {
  for (const sim::FaultKind kind : kTokenFaultKinds) {
    if (kind != sim::FaultKind::kTokenExpires && token_kind_of(kind) == token_kind) return kind;
  }
  return std::nullopt;
}

}  // namespace bridgesim::scenarios
