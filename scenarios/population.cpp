#include "scenarios/population.hpp"

#include <algorithm>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/claim_forms.hpp"
#include "scenarios/client_faults.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_schema.hpp"
#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

// A secret the server does not hold: the attacker's forgeries of u1's token.
constexpr std::string_view kAttackerSecret = "attacker-key";

// When the attacker's reuse tab starts: after the users' first requests.
constexpr runtime::Nanos kReuseDelayNs = 300 * runtime::kNanosPerMilli;

// The distinct client_msg_ids other users' clients sent so far, oldest first.
std::vector<std::string> victim_msg_ids(const sim::Trace& trace, const std::string& attacker) {
  std::vector<std::string> ids;
  for (const auto& r : trace.records()) {
    if (r.kind != sim::record::kSend) continue;
    const std::string user = sim::user_of_actor(r.actor);
    if (user.empty() || user == attacker) continue;
    boost::system::error_code ec;
    const auto frame = boost::json::parse(r.field(sim::record_field::kFrame), ec);
    if (ec || !frame.is_object()) continue;
    const auto& o = frame.as_object();
    const auto* type = o.if_contains(protocol::field::kType);
    const auto* id = o.if_contains(protocol::field::kClientMsgId);
    if (type == nullptr || !type->is_string() || type->as_string() != protocol::client_type::kUserMessage) continue;
    if (id == nullptr || !id->is_string() || id->as_string().empty()) continue;
    const std::string text(id->as_string());
    if (std::find(ids.begin(), ids.end(), text) == ids.end()) ids.push_back(text);
  }
  return ids;
}

// The attacker's tab 2: a well-behaved client in its own threads, asking
// under the ids its victims used (each one once; its own ids when it runs
// out of theirs), so a server that keys idempotency by client_msg_id alone
// hands it, or refuses it, a victim's run.
std::unique_ptr<UserClient> make_reuse_tab(const ClientWorld& world, const sim::Rng& root, const std::string& user,
                                           const PopulationSpec& spec, const Scenario& scenario) {
  ClientPlan plan;
  plan.user_id = user;
  plan.tab = 2;
  plan.messages = scenario.messages_per_user;
  plan.token = system::mint_hs256(spec.jwt_secret, user, spec.now_unix_s + kTokenLifetimeS);
  plan.msg_id_source = [&world, user, prefix = spec.msg_id_prefix](int index) {
    const auto ids = victim_msg_ids(world.trace, user);
    const auto n = static_cast<std::size_t>(index);
    return n <= ids.size() ? ids[n - 1] : prefix + user + "-own-" + std::to_string(index);
  };
  return std::make_unique<UserClient>(world, std::move(plan), root.fork("reuse:" + user));
}

// [mix] execute: each hostile client also POSTs execute with bad tokens, and
// gets a tab 3 that asks only over execute, its bodies claiming u1's
// user_id: its runs must stay its own. Neither draws from "starts".
void add_execute_attackers(Population& out, const Scenario& scenario, const ClientWorld& world, const sim::Rng& root,
                           const PopulationSpec& spec) {
  for (int i = 1; i <= scenario.hostile_clients; ++i) {
    const std::string user = "h" + std::to_string(i);
    ClientPlan plan;
    plan.user_id = user;
    plan.tab = 3;
    plan.messages = scenario.messages_per_user;
    plan.token = system::mint_hs256(spec.jwt_secret, user, spec.now_unix_s + kTokenLifetimeS);
    out.hostiles[static_cast<std::size_t>(i - 1)]->attack_execute(
        system::mint_hs256(spec.jwt_secret, user, spec.now_unix_s - 60));
    plan.execute_per_million = 1'000'000;
    plan.execute_claims_user = "u1";
    out.users.push_back(std::make_unique<UserClient>(world, std::move(plan), root.fork("execute:" + user)));
    out.users.back()->start_at(scenario.start_spread_ns);
    out.actors.push_back(out.users.back()->actor());
  }
}

}  // namespace

bool assign_user_token(ClientPlan& plan, const PopulationSpec& spec) {
  plan.token = system::mint_hs256(spec.jwt_secret, plan.user_id, spec.now_unix_s + kTokenLifetimeS);
  return spec.token_faults != nullptr &&
         apply_token_fault(plan, *spec.token_faults, spec.jwt_secret, spec.now_unix_s, kTokenLifetimeS);
}

Population populate(const Scenario& scenario, const ClientWorld& world, const sim::Rng& root,
                    const PopulationSpec& spec) {
  sim::Rng start_rng = root.fork("starts");
  const auto draw_start = [&] {
    const auto spread = static_cast<std::uint64_t>(std::max<runtime::Nanos>(scenario.start_spread_ns, 0));
    return static_cast<runtime::Nanos>(start_rng.uniform(0, spread));
  };
  Population out;
  std::vector<std::pair<UserClient*, ClientPlan>> late_tabs;  // (the user's tab 1, the late tab's plan)
  for (int i = 1; i <= scenario.users; ++i) {
    const bool claim_forms = scenario.workload == kWorkloadClaimForms;
    const std::string user = claim_forms ? claim_forms_user(i) : "u" + std::to_string(i);
    ClientPlan base;
    base.user_id = user;
    base.messages = scenario.messages_per_user;
    base.faults = spec.client_faults;
    if (scenario.workload == "cancel_mid_run") base.cancel_after = std::string(protocol::event_type::kAgentThinking);
    if (scenario.workload == "handshake_forms") base.handshake_forms = i - 1;
    base.tab_counter_ids = spec.mix.per_tab_counter();
    base.msg_id_prefix = spec.msg_id_prefix;
    base.execute_per_million = spec.mix.execute_per_million;
    // A token fault planned for this user (a swarm seed) wins over its claim
    // form: it used to be overwritten, so a client recorded as holding a
    // forged token held a valid one and `auth` cried wolf.
    const bool token_fault = assign_user_token(base, spec);
    if (claim_forms && !token_fault) {
      const auto claimed = claim_forms_token(i, spec.jwt_secret, user, spec.now_unix_s, kTokenLifetimeS);
      base.token = claimed.token;
      if (!claimed.valid) base.token_kind = std::string(sim::token_kind::kBadClaims);
    }
    UserClient* first_tab = nullptr;
    for (int tab = 1; tab <= scenario.tabs; ++tab) {
      ClientPlan plan = base;
      plan.tab = tab;
      out.users.push_back(
          std::make_unique<UserClient>(world, plan, root.fork("client:" + user + "/" + std::to_string(tab))));
      out.users.back()->start_at(draw_start());
      out.actors.push_back(out.users.back()->actor());
      if (tab == 1) first_tab = out.users.back().get();
    }
    if (spec.mix.late_tab) late_tabs.emplace_back(first_tab, base);
  }
  // Added after every drawn start, so the draws of the others do not move.
  for (auto& [first_tab, plan] : late_tabs) {
    plan.tab = scenario.tabs + 1;
    out.users.push_back(std::make_unique<UserClient>(
        world, plan, root.fork("client:" + plan.user_id + "/" + std::to_string(plan.tab))));
    UserClient* late = out.users.back().get();
    out.actors.push_back(late->actor());
    first_tab->on_first_run_started([late, &world] { late->start_at(world.elapsed_ns()); });
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
  for (int i = 1; spec.mix.reuse_victim_ids && i <= scenario.hostile_clients; ++i) {
    out.users.push_back(make_reuse_tab(world, root, "h" + std::to_string(i), spec, scenario));
    out.users.back()->start_at(scenario.start_spread_ns + kReuseDelayNs);
    out.actors.push_back(out.users.back()->actor());
  }
  if (spec.mix.execute_per_million > 0) add_execute_attackers(out, scenario, world, root, spec);
  return out;
}

}  // namespace bridgesim::scenarios
