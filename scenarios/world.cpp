#include "scenarios/world.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include "scenarios/workloads.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += "; ";
    out += item;
  }
  return out;
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunConfig& config) {
  if (scenario.workload != "golden_path") throw std::invalid_argument("unknown workload " + scenario.workload);
  // Declaration order is destruction order in reverse: clients first, then
  // the system, then the network and scheduler that hold their callbacks.
  RunResult result;
  result.seed = config.seed;
  sim::Trace& trace = result.trace;
  const sim::Rng root(config.seed);
  sim::Scheduler scheduler(root.fork("scheduler"));
  sim::Rng system_rng = root.fork("system");
  sim::SimNetwork network(scheduler, root.fork("network"), trace, scenario.network);

  system::Components components = system::Components::defaults();
  if (config.variant != nullptr) config.variant->apply(components);
  system::AppConfig app_config;
  app_config.jwt_secret = std::string(kSimJwtSecret);
  system::App app(app_config,
                  system::Runtime{scheduler, scheduler, system_rng,
                                  runtime::make_logger("system", scheduler, config.log_to_stderr)},
                  std::move(components));
  trace.add({0, "system", "startup", {{"ok", app.health().ok ? "true" : "false"}, {"failing", join(app.health().failing)}}});
  network.set_acceptor([&app](std::shared_ptr<runtime::Connection> c) { app.on_connection(std::move(c)); });

  sim::Rng start_rng = root.fork("starts");
  const std::int64_t token_exp_s = scheduler.now_ns() / runtime::kNanosPerSecond + 24 * 3600;
  std::vector<std::unique_ptr<GoldenPathUser>> users;
  for (int i = 1; i <= scenario.users; ++i) {
    UserPlan plan;
    plan.user_id = "u" + std::to_string(i);
    plan.token = system::mint_hs256(kSimJwtSecret, plan.user_id, token_exp_s);
    plan.messages = scenario.messages_per_user;
    users.push_back(std::make_unique<GoldenPathUser>(scheduler, network, trace, plan, root.fork("user:" + plan.user_id)));
    users.back()->start_at(static_cast<runtime::Nanos>(start_rng.uniform(0, static_cast<std::uint64_t>(scenario.start_spread_ns))));
  }

  scheduler.run_until(scenario.deadline_ns);

  const auto& state = app.state();
  trace.add({scheduler.elapsed_ns(),
             "world",
             "end",
             {{"open_connections", std::to_string(network.open_server_sides())},
              {"manager_connections", std::to_string(state.manager ? state.manager->connection_count() : 0)},
              {"active_runs", std::to_string(state.engine->active_runs())},
              {"pending_events", std::to_string(scheduler.pending())}}});
  result.virtual_end_ns = scheduler.elapsed_ns();
  result.scheduler_events = scheduler.events_run();
  return result;
}

}  // namespace bridgesim::scenarios
