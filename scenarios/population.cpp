#include "scenarios/population.hpp"

#include <algorithm>

#include "protocol/message_types.hpp"
#include "scenarios/client_faults.hpp"
#include "sim/client_actor.hpp"
#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

// A secret the server does not hold: the attacker's forgeries of u1's token.
constexpr std::string_view kAttackerSecret = "attacker-key";

}  // namespace

void assign_user_token(ClientPlan& plan, const PopulationSpec& spec) {
  plan.token = system::mint_hs256(spec.jwt_secret, plan.user_id, spec.now_unix_s + kTokenLifetimeS);
  if (spec.token_faults != nullptr) {
    apply_token_fault(plan, *spec.token_faults, spec.jwt_secret, spec.now_unix_s, kTokenLifetimeS);
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
    if (scenario.workload == "cancel_mid_run") base.cancel_after = std::string(protocol::event_type::kAgentThinking);
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
    out.actors.push_back(sim::ClientActor{user, 1}.to_string());
  }
  return out;
}

}  // namespace bridgesim::scenarios
