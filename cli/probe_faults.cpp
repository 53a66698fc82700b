#include "cli/probe_faults.hpp"

#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {
namespace {

namespace rf = sim::record_field;
using sim::FaultKind;

constexpr const char* kNeedsProxy =
    "on the network path between client and server: needs a fault proxy in between (bridgesim proxy)";
constexpr const char* kInsideServer = "inside the server: a live server's components cannot be reached from outside";
constexpr const char* kAuthService = "the server's auth service: not reachable from the probe";

// "" when the probe applies the kind; else why not.
std::string why_not(const sim::Fault& f) {
  switch (sim::info(f.kind).injector) {
    case sim::Injector::kClientToken:
    case sim::Injector::kClient: return "";
    case sim::Injector::kRelay:
    case sim::Injector::kApplication: return kInsideServer;
    case sim::Injector::kAuthService: return kAuthService;
    case sim::Injector::kNetwork: break;
  }
  if (f.kind == FaultKind::kReset || f.kind == FaultKind::kSlowConsumer) return "";
  if (f.kind == FaultKind::kServerClose) return std::string("the server's side of the socket: ") + kNeedsProxy;
  return kNeedsProxy;
}

void record_hit(const scenarios::ClientWorld& world, FaultKind kind, std::vector<sim::Field> extra) {
  world.trace.add(sim::fault_hit(world.elapsed_ns(), std::string(sim::actor::kProbe), kind, std::move(extra)));
}

std::string user_of_target(const std::string& target) {
  return target.rfind("user:", 0) == 0 ? target.substr(5) : std::string();
}

}  // namespace

LiveFaultPlan plan_live_faults(const scenarios::Scenario& s, bool via_proxy) {
  LiveFaultPlan plan;
  for (const auto& f : s.faults.faults) {
    const std::string why = why_not(f);
    const bool network = sim::info(f.kind).injector == sim::Injector::kNetwork;
    const bool probe_can =
        (f.kind == FaultKind::kReset || f.kind == FaultKind::kSlowConsumer) && !user_of_target(f.target).empty();
    if (via_proxy && network && !probe_can) {
      plan.by_proxy.push_back(f);
    } else if (!why.empty()) {
      plan.not_applied.push_back({std::string(sim::info(f.kind).name), f.target, why});
    } else if (f.kind == FaultKind::kReset || f.kind == FaultKind::kSlowConsumer) {
      if (user_of_target(f.target).empty()) {
        plan.not_applied.push_back({std::string(sim::info(f.kind).name), f.target, "applied only to one user:<id>"});
      } else {
        plan.by_probe.push_back(f);
      }
    } else {
      plan.by_clients.push_back(f);
    }
  }
  if (s.swarm) plan.not_applied.push_back({"swarm", "*", "its draws need the simulator's injectors"});
  if (!(s.system == scenarios::SystemBounds{})) {
    plan.not_applied.push_back({"[system]", "*", "the server's bounds are its own configuration"});
  }
  if (s.mix.agent.tool_calls_max != 1 || s.mix.agent.thinking_between_max != 0) {
    plan.not_applied.push_back({"[mix] tool_calls / thinking_between", "*", "the agent's shape is the server's"});
  }
  return plan;
}

void schedule_probe_faults(const LiveFaultPlan& plan, const scenarios::ClientWorld& world, LiveTransport& transport) {
  for (const auto& f : plan.by_probe) {
    const std::string user = user_of_target(f.target);
    if (f.kind == FaultKind::kReset) {
      world.timers.call_after(f.at_ns, [&world, &transport, user] {
        std::string clients;
        for (const auto& c : transport.reset_user(user)) clients += (clients.empty() ? "" : " ") + c;
        record_hit(world, FaultKind::kReset,
                   {sim::make_field(rf::kTarget, "user:" + user), sim::make_field(rf::kClients, clients)});
      });
      continue;
    }
    const std::int64_t ms = f.int_param("read_interval_ms", 50);
    world.timers.call_after(f.at_ns, [&world, &transport, user, ms] {
      transport.set_read_interval(user, ms);
      record_hit(
          world, FaultKind::kSlowConsumer,
          {sim::make_field(rf::kTarget, "user:" + user), sim::make_field("read_interval_ms", std::to_string(ms))});
    });
    world.timers.call_after(f.heal_ns, [&transport, user] { transport.set_read_interval(user, 0); });
  }
}

}  // namespace bridgesim::cli
