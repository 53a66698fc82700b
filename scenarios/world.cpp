#include "scenarios/world.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include "scenarios/app_faults.hpp"
#include "scenarios/population.hpp"
#include "sim/bound_recorder.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_auth_service.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_relay.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/app.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::scenarios {
namespace {

namespace actor = sim::actor;
namespace rec = sim::record;
namespace rf = sim::record_field;
using sim::make_field;

sim::TraceRecord record_of(runtime::Nanos at_ns, std::string_view who, std::string_view kind,
                           std::vector<sim::Field> fields) {
  return {at_ns, std::string(who), std::string(kind), std::move(fields)};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

void record_plan(sim::Trace& trace, const sim::FaultPlan& plan, runtime::Nanos liveness_bound_ns) {
  for (const auto& f : plan.faults) {
    std::string params;
    for (const auto& [k, v] : f.params) params += (params.empty() ? "" : ",") + k + "=" + v;
    trace.add(record_of(0, actor::kFaults, rec::kPlanned,
                        {make_field(rf::kKind, std::string(sim::info(f.kind).name)), make_field(rf::kTarget, f.target),
                         make_field(rf::kAt, sim::format_virtual_time(f.at_ns)),
                         make_field(rf::kHeal, sim::format_virtual_time(f.heal_ns)), make_field(rf::kParams, params)}));
  }
  trace.add(record_of(0, actor::kFaults, rec::kHealBy,
                      {make_field(rf::kAtNs, std::to_string(plan.heal_by_ns)),
                       make_field(rf::kLivenessBoundNs, std::to_string(liveness_bound_ns))}));
}

// The bounds the system runs with, when the scenario's [system] section
// changed any: the `bounds` property judges each limit against them.
void record_limits(sim::Trace& trace, const SystemBounds& bounds) {
  if (bounds == SystemBounds{}) return;
  std::vector<sim::Field> fields;
  for (auto& [key, value] : bounds.entries()) fields.emplace_back(std::move(key), std::move(value));
  trace.add(record_of(0, actor::kSystem, rec::kLimits, std::move(fields)));
}

// The scenario's network, told the system's outbound bound for its witness.
sim::NetworkConfig network_of(const Scenario& scenario) {
  sim::NetworkConfig config = scenario.network;
  config.outbound_frames_max = scenario.system.outbound_frames_max;
  return config;
}

void record_end(sim::Trace& trace, sim::Scheduler& scheduler, sim::SimNetwork& network, const system::App& app) {
  const system::AppCensus census = app.census();
  trace.add(record_of(scheduler.elapsed_ns(), actor::kWorld, rec::kEnd,
                      {make_field(rf::kOpenConnections, std::to_string(network.open_server_sides())),
                       make_field(rf::kManagerConnections, std::to_string(census.connections)),
                       make_field(rf::kActiveRuns, std::to_string(census.active_runs)),
                       make_field(rf::kRunLogRuns, std::to_string(census.logged_runs)),
                       make_field(rf::kReceiverRuns, std::to_string(census.receiver_runs)),
                       make_field(rf::kSessions, std::to_string(census.sessions)),
                       make_field(rf::kExpiryTimers, std::to_string(census.expiry_timers)),
                       make_field(rf::kPendingEvents, std::to_string(scheduler.pending()))}));
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

// What startup built and what /health said, then the startup faults' hits.
static void record_startup(sim::Trace& trace, system::App& app, const sim::FaultPlan& plan) {
  trace.add(record_of(
      0, actor::kSystem, rec::kStartup,
      {make_field(rf::kOk, app.health().ok ? "true" : "false"), make_field(rf::kFailing, join(app.health().failing))}));
  const auto health = app.handle_http("GET", "/health");
  trace.add(record_of(0, actor::kSystem, rec::kHealth,
                      {make_field(rf::kStatus, std::to_string(health.status)), make_field(rf::kBody, health.body)}));
  // The other routes and their refusals, asked once each (health_status judges them).
  const std::pair<std::string_view, std::string_view> routes[] = {
      {"GET", "/health/live"}, {"POST", "/health/live"},         {"GET", "/health/ready"},
      {"POST", "/health"},     {"GET", "/api/agent/v2/execute"}, {"GET", "/nowhere"}};
  for (const auto& [method, target] : routes) {
    const auto answer = app.handle_http(std::string(method), std::string(target));
    trace.add(record_of(0, actor::kSystem, rec::kRoute,
                        {make_field(rf::kMethod, std::string(method)), make_field(rf::kTarget, std::string(target)),
                         make_field(rf::kStatus, std::to_string(answer.status)), make_field(rf::kBody, answer.body)}));
  }
  record_startup_fault_hits(plan, trace);
}

RunResult run_scenario(const Scenario& scenario, const RunConfig& config) {
  const auto& known = workload_names();
  if (std::find(known.begin(), known.end(), scenario.workload) == known.end())
    throw std::invalid_argument("unknown workload " + scenario.workload);
  RunResult result;
  result.seed = config.seed;
  result.faults = plan_for(scenario, config.seed, config.force_swarm);
  const sim::FaultPlan& plan = result.faults;
  sim::Trace& trace = result.trace;
  record_plan(trace, plan, scenario.liveness_bound_ns);
  record_limits(trace, scenario.system);

  // Declaration order is destruction order in reverse: clients first, then
  // the system, then the world that holds their callbacks.
  const sim::Rng root(config.seed);
  sim::Scheduler scheduler(root.fork("scheduler"));
  sim::Rng system_rng = root.fork("system");
  sim::Rng fault_rng = root.fork("app_faults");
  sim::SimNetwork network(scheduler, root.fork("network"), trace, network_of(scenario), &plan);
  sim::SimRelay relay(scheduler, root.fork("relay"), trace, &plan);
  sim::SimAuthService auth_service(scheduler, root.fork("auth_service"), trace, &plan);
  sim::BoundRecorder bounds(scheduler, trace);  // the bounds the system reaches, as `system bound` records

  system::Components components = system::Components::defaults();
  if (config.variant != nullptr) config.variant->apply(components);
  apply_application_faults(components, plan, scheduler, fault_rng, trace);
  system::AppConfig app_config;
  app_config.jwt_secret = std::string(kSimJwtSecret);
  scenario.system.apply_to(app_config);
  app_config.agent_shape = mix_for(scenario.mix, config.seed).agent;
  system::App app(
      app_config,
      system::Runtime{scheduler, scheduler, system_rng, runtime::make_logger("system", scheduler, config.log_to_stderr),
                      &relay, &auth_service, &bounds},
      std::move(components));
  record_startup(trace, app, plan);
  network.set_acceptor([&app](std::shared_ptr<runtime::Connection> c) { app.on_connection(std::move(c)); });
  network.set_http_server([&app](const sim::HttpExchange& x) {
    const system::HttpResponse r = app.handle_http({x.method, x.target, x.authorization, x.body});
    return sim::HttpAnswer{r.status, r.body};
  });

  network.schedule_server_drops();

  SimClientTransport transport(network);
  const ClientWorld client_world{scheduler, scheduler, scheduler.now_ns(), trace, transport};
  PopulationSpec population_spec;
  population_spec.jwt_secret = kSimJwtSecret;
  population_spec.now_unix_s = scheduler.now_ns() / runtime::kNanosPerSecond;
  population_spec.token_faults = &plan;
  population_spec.client_faults = &plan;
  population_spec.mix = mix_for(scenario.mix, config.seed);  // the same draw as the agent shape above
  const Population population = populate(scenario, client_world, root, population_spec);

  try {
    scheduler.run_until(scenario.deadline_ns);
  } catch (const runtime::InvariantViolation& e) {
    // A broken invariant (BRIDGESIM_ASSERT, on in every build) is a bug
    // report with a seed, not a harness abort.
    trace.add(record_of(scheduler.elapsed_ns(), actor::kWorld, rec::kCrash, {make_field(rf::kWhat, e.what())}));
  } catch (const std::exception& e) {
    // So is an exception escaping the system.
    trace.add(record_of(scheduler.elapsed_ns(), actor::kWorld, rec::kCrash, {make_field(rf::kWhat, e.what())}));
  }

  record_end(trace, scheduler, network, app);
  result.virtual_end_ns = scheduler.elapsed_ns();
  result.scheduler_events = scheduler.events_run();
  return result;
}

}  // namespace bridgesim::scenarios
