#include "scenarios/population.hpp"

#include <algorithm>

#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

// Secrets the server does not hold: tokens signed with them are forgeries.
constexpr std::string_view kForgerySecret = "not-the-server-secret";
constexpr std::string_view kAttackerSecret = "attacker-key";
constexpr std::int64_t kExpiredAgoS = 60;

bool has_fault(const PopulationSpec& spec, sim::FaultKind kind, const std::string& user) {
  return spec.token_faults != nullptr && spec.token_faults->find(kind, user) != nullptr;
}

}  // namespace

void assign_user_token(ClientPlan& plan, const PopulationSpec& spec) {
  const std::string& user = plan.user_id;
  plan.token = system::mint_hs256(spec.jwt_secret, user, spec.now_unix_s + kTokenLifetimeS);
  if (has_fault(spec, sim::FaultKind::kExpiredToken, user)) {
    plan.token = system::mint_hs256(spec.jwt_secret, user, spec.now_unix_s - kExpiredAgoS);
    plan.token_kind = "expired";
  } else if (has_fault(spec, sim::FaultKind::kForgedToken, user)) {
    plan.token = system::mint_hs256(kForgerySecret, user, spec.now_unix_s + kTokenLifetimeS);
    plan.token_kind = "forged";
  } else if (has_fault(spec, sim::FaultKind::kMissingToken, user)) {
    plan.token.clear();
    plan.token_kind = "missing";
  }
}

Population populate(const Scenario& scenario, const ClientWorld& world, const sim::Rng& root,
                    const PopulationSpec& spec) {
  sim::Rng start_rng = root.fork("starts");
  const auto draw_start = [&] {
    const auto spread = static_cast<std::uint64_t>(std::max<runtime::Nanos>(scenario.start_spread_ns, 0));
    return static_cast<runtime::Nanos>(start_rng.uniform(0, spread));
  };
  Population out;
  for (int i = 1; i <= scenario.users; ++i) {
    const std::string user = "u" + std::to_string(i);
    ClientPlan base;
    base.user_id = user;
    base.messages = scenario.messages_per_user;
    base.faults = spec.client_faults;
    assign_user_token(base, spec);
    for (int tab = 1; tab <= scenario.tabs; ++tab) {
      ClientPlan plan = base;
      plan.tab = tab;
      out.users.push_back(
          std::make_unique<UserClient>(world, plan, root.fork("client:" + user + "/" + std::to_string(tab))));
      out.users.back()->start_at(draw_start());
      out.actors.push_back(out.users.back()->actor());
    }
  }
  for (int i = 1; i <= scenario.hostile_clients; ++i) {
    const std::string user = "h" + std::to_string(i);
    const std::int64_t expires = spec.now_unix_s + kTokenLifetimeS;
    out.hostiles.push_back(std::make_unique<HostileClient>(
        world, user, system::mint_hs256(spec.jwt_secret, user, expires),
        system::mint_hs256(kAttackerSecret, "u1", expires), root.fork("hostile:" + user)));
    out.hostiles.back()->start_at(draw_start());
    out.actors.push_back("user:" + user);
  }
  return out;
}

}  // namespace bridgesim::scenarios
