#include "scenarios/world.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include "scenarios/app_faults.hpp"
#include "scenarios/workloads.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_auth_service.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_relay.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

void record_plan(sim::Trace& trace, const sim::FaultPlan& plan, runtime::Nanos liveness_bound_ns) {
  for (const auto& f : plan.faults) {
    std::string params;
    for (const auto& [k, v] : f.params) params += (params.empty() ? "" : ",") + k + "=" + v;
    trace.add({0, "faults", "planned",
               {{"kind", std::string(sim::info(f.kind).name)},
                {"target", f.target},
                {"at", sim::format_virtual_time(f.at_ns)},
                {"heal", sim::format_virtual_time(f.heal_ns)},
                {"params", params}}});
  }
  trace.add({0, "faults", "heal_by",
             {{"at_ns", std::to_string(plan.heal_by_ns)}, {"liveness_bound_ns", std::to_string(liveness_bound_ns)}}});
}

}  // namespace

sim::FaultPlan plan_for(const Scenario& scenario, std::uint64_t seed, bool force_swarm) {
  sim::FaultPlan plan = scenario.faults;
  if (scenario.swarm || force_swarm) {
    sim::Rng swarm_rng = sim::Rng(seed).fork("swarm");
    sim::SwarmConfig config = scenario.swarm_config;
    config.users = scenario.users;
    const sim::FaultPlan drawn = sim::draw_swarm_plan(swarm_rng, config);
    plan.faults.insert(plan.faults.end(), drawn.faults.begin(), drawn.faults.end());
    plan.heal_by_ns = std::max(plan.heal_by_ns, drawn.heal_by_ns);
  }
  return plan;
}

RunResult run_scenario(const Scenario& scenario, const RunConfig& config) {
  if (scenario.workload != "golden_path") throw std::invalid_argument("unknown workload " + scenario.workload);
  RunResult result;
  result.seed = config.seed;
  result.faults = plan_for(scenario, config.seed, config.force_swarm);
  const sim::FaultPlan& plan = result.faults;
  sim::Trace& trace = result.trace;
  record_plan(trace, plan, scenario.liveness_bound_ns);

  // Declaration order is destruction order in reverse: clients first, then
  // the system, then the world that holds their callbacks.
  const sim::Rng root(config.seed);
  sim::Scheduler scheduler(root.fork("scheduler"));
  sim::Rng system_rng = root.fork("system");
  sim::Rng fault_rng = root.fork("app_faults");
  sim::SimNetwork network(scheduler, root.fork("network"), trace, scenario.network, &plan);
  sim::SimRelay relay(scheduler, root.fork("relay"), trace, &plan);
  sim::SimAuthService auth_service(scheduler, root.fork("auth_service"), trace, &plan);

  system::Components components = system::Components::defaults();
  if (config.variant != nullptr) config.variant->apply(components);
  apply_application_faults(components, plan, scheduler, fault_rng, trace);
  system::AppConfig app_config;
  app_config.jwt_secret = std::string(kSimJwtSecret);
  app_config.outbound_queue_max = scenario.outbound_queue_max;
  system::App app(app_config,
                  system::Runtime{scheduler, scheduler, system_rng,
                                  runtime::make_logger("system", scheduler, config.log_to_stderr), &relay, &auth_service},
                  std::move(components));
  trace.add({0, "system", "startup", {{"ok", app.health().ok ? "true" : "false"}, {"failing", join(app.health().failing)}}});
  const auto health = app.handle_http("GET", "/health");
  trace.add({0, "system", "health", {{"status", std::to_string(health.status)}, {"body", health.body}}});
  // Whole-run application faults take effect at startup.
  for (const auto& f : plan.faults) {
    if (f.kind == sim::FaultKind::kSessionMissing || f.kind == sim::FaultKind::kComponentMissing) {
      trace.add({0, "system", "fault_hit", {{"fault", std::string(sim::info(f.kind).name)}}});
    }
  }
  network.set_acceptor([&app](std::shared_ptr<runtime::Connection> c) { app.on_connection(std::move(c)); });

  for (const auto& f : plan.faults) {
    if (f.kind != sim::FaultKind::kServerClose && f.kind != sim::FaultKind::kReset) continue;
    const std::string user = f.target.substr(5);
    const bool frame = f.kind == sim::FaultKind::kServerClose && f.string_param("frame", "true") == "true";
    scheduler.post_after(f.at_ns, [&network, user, frame] { network.drop_user_connections(user, frame); });
  }

  SimClientTransport transport(network);
  const ClientWorld client_world{scheduler, scheduler, scheduler.now_ns(), trace, transport};
  sim::Rng start_rng = root.fork("starts");
  const std::int64_t now_s = scheduler.now_ns() / runtime::kNanosPerSecond;
  auto draw_start = [&] {
    return static_cast<runtime::Nanos>(start_rng.uniform(0, static_cast<std::uint64_t>(scenario.start_spread_ns)));
  };
  std::vector<std::unique_ptr<UserClient>> clients;
  for (int i = 1; i <= scenario.users; ++i) {
    const std::string user = "u" + std::to_string(i);
    ClientPlan base;
    base.user_id = user;
    base.messages = scenario.messages_per_user;
    base.faults = &plan;
    base.token = system::mint_hs256(kSimJwtSecret, user, now_s + 24 * 3600);
    if (plan.find(sim::FaultKind::kExpiredToken, user)) {
      base.token = system::mint_hs256(kSimJwtSecret, user, now_s - 60);
      base.token_kind = "expired";
    } else if (plan.find(sim::FaultKind::kForgedToken, user)) {
      base.token = system::mint_hs256("not-the-server-secret", user, now_s + 24 * 3600);
      base.token_kind = "forged";
    } else if (plan.find(sim::FaultKind::kMissingToken, user)) {
      base.token.clear();
      base.token_kind = "missing";
    }
    for (int tab = 1; tab <= scenario.tabs; ++tab) {
      ClientPlan p = base;
      p.tab = tab;
      clients.push_back(std::make_unique<UserClient>(client_world, p, root.fork("client:" + user + "/" + std::to_string(tab))));
      clients.back()->start_at(draw_start());
    }
  }
  std::vector<std::unique_ptr<HostileClient>> hostiles;
  for (int i = 1; i <= scenario.hostile_clients; ++i) {
    const std::string user = "h" + std::to_string(i);
    hostiles.push_back(std::make_unique<HostileClient>(
        client_world, user, system::mint_hs256(kSimJwtSecret, user, now_s + 24 * 3600),
        system::mint_hs256("attacker-key", "u1", now_s + 24 * 3600), root.fork("hostile:" + user)));
    hostiles.back()->start_at(draw_start());
  }

  try {
    scheduler.run_until(scenario.deadline_ns);
  } catch (const std::exception& e) {
    // An exception escaping the system is a bug report with a seed, not a
    // harness crash (the simulator's "assertion -> seed" contract).
    trace.add({scheduler.elapsed_ns(), "world", "crash", {{"what", e.what()}}});
  }

  const system::AppCensus census = app.census();
  trace.add({scheduler.elapsed_ns(),
             "world",
             "end",
             {{"open_connections", std::to_string(network.open_server_sides())},
              {"manager_connections", std::to_string(census.connections)},
              {"active_runs", std::to_string(census.active_runs)},
              {"run_log_runs", std::to_string(census.logged_runs)},
              {"receiver_runs", std::to_string(census.receiver_runs)},
              {"sessions", std::to_string(census.sessions)},
              {"pending_events", std::to_string(scheduler.pending())}}});
  result.virtual_end_ns = scheduler.elapsed_ns();
  result.scheduler_events = scheduler.events_run();
  return result;
}

}  // namespace bridgesim::scenarios
