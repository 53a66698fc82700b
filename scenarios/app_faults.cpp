#include "scenarios/app_faults.hpp"

#include <iterator>
#include <stdexcept>

#include "protocol/message_types.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace_schema.hpp"
#include "system/critical_path.hpp"

namespace bridgesim::scenarios {
namespace {

constexpr std::string_view kHandlerPrefix = "handler:";

// Application faults take effect inside the system: its actor records them.
std::string system_actor() { return std::string(sim::actor::kSystem); }

// Wraps the real search tool; throws while a tool_throws fault is active.
class FaultyTool final : public system::Tool {
 public:
  FaultyTool(std::unique_ptr<system::Tool> inner, const sim::FaultPlan& plan, sim::Scheduler& scheduler, sim::Rng& rng,
             sim::Trace& trace)
      : inner_(std::move(inner)), plan_(plan), scheduler_(scheduler), rng_(rng), trace_(trace) {}
  std::string_view name() const override { return inner_->name(); }
  void run(boost::json::object parameters, std::function<void(boost::json::value)> done) override {
    const sim::Fault* f = plan_.active(sim::FaultKind::kToolThrows, scheduler_.elapsed_ns());
    if (f != nullptr && rng_.chance(static_cast<std::uint32_t>(f->int_param("per_million", 0)))) {
      trace_.add(sim::fault_hit(scheduler_.elapsed_ns(), system_actor(), sim::FaultKind::kToolThrows));
      throw std::runtime_error("search backend unavailable (injected tool_throws)");
    }
    inner_->run(std::move(parameters), std::move(done));
  }

 private:
  std::unique_ptr<system::Tool> inner_;
  const sim::FaultPlan& plan_;
  sim::Scheduler& scheduler_;
  sim::Rng& rng_;
  sim::Trace& trace_;
};

// Every value component_choices() offers; validation keeps others out.
void remove_component(system::Components& c, const std::string& component) {
  if (component == "bridge") {
    c.bridge = [](system::BridgeWiring, system::Runtime&) { return nullptr; };
  } else if (component == "llm") {
    c.llm = [](const system::AppConfig&, system::Runtime&) { return nullptr; };
  } else if (component.rfind(kHandlerPrefix, 0) == 0) {
    c.handlers = [inner = c.handlers, type = component.substr(kHandlerPrefix.size())](system::MessageRouter& router,
                                                                                      system::App& app) {
      if (inner) inner(router, app);
      router.remove_handler(type);
    };
  } else {
    throw std::logic_error("component_missing: no way to remove '" + component + "'");
  }
}

void make_tool_throw(system::Components& c, const sim::FaultPlan& plan, sim::Scheduler& scheduler, sim::Rng& rng,
                     sim::Trace& trace) {
  c.tools_and_agents = [&plan, &scheduler, &rng, &trace](system::AgentRegistry& registry,
                                                         const system::AppConfig& config, system::Runtime& rt) {
    registry.add_tool(std::make_unique<FaultyTool>(
        std::make_unique<system::FakeSearchTool>(rt.timers, rt.random, config.tool_latency), plan, scheduler, rng,
        trace));
    registry.register_agent(config.default_agent, [](system::AgentDeps deps) {
      return std::make_shared<system::ScriptedAgent>(std::move(deps));
    });
  };
}

void make_handler_throw(system::Components& c, const sim::FaultPlan& plan, sim::Scheduler& scheduler, sim::Rng& rng,
                        sim::Trace& trace) {
  c.handlers = [inner = c.handlers, &plan, &scheduler, &rng, &trace](system::MessageRouter& router, system::App& app) {
    if (inner) inner(router, app);
    auto real = router.handler(protocol::client_type::kUserMessage);
    if (!real) return;
    router.add_handler(protocol::client_type::kUserMessage, [real, &plan, &scheduler, &rng, &trace](
                                                                const system::RequestContext& request,
                                                                const boost::json::object& body) {
      const sim::Fault* f = plan.active(sim::FaultKind::kHandlerThrows, scheduler.elapsed_ns());
      if (f != nullptr && rng.chance(static_cast<std::uint32_t>(f->int_param("per_million", 0)))) {
        trace.add(sim::fault_hit(scheduler.elapsed_ns(), system_actor(), sim::FaultKind::kHandlerThrows));
        throw std::runtime_error("injected handler_throws");
      }
      real(request, body);
    });
  };
}

}  // namespace

std::vector<std::string> component_choices() {
  // The system's own lists: a component or handler it adds to its critical
  // path is one the swarm can take away.
  std::vector<std::string> choices(std::begin(system::kCriticalComponents), std::end(system::kCriticalComponents));
  for (const auto type : system::kRequiredHandlers) choices.push_back(std::string(kHandlerPrefix) + std::string(type));
  return choices;
}

void apply_application_faults(system::Components& c, const sim::FaultPlan& plan, sim::Scheduler& scheduler,
                              sim::Rng& rng, sim::Trace& trace) {
  if (plan.find(sim::FaultKind::kSessionMissing)) c.session = [](system::Runtime&) { return nullptr; };
  for (const sim::Fault& fault : plan.faults) {
    if (fault.kind == sim::FaultKind::kComponentMissing) {
      remove_component(c, fault.string_param("component", component_choices().front()));
    }
  }
  if (plan.find(sim::FaultKind::kToolThrows)) make_tool_throw(c, plan, scheduler, rng, trace);
  if (plan.find(sim::FaultKind::kHandlerThrows)) make_handler_throw(c, plan, scheduler, rng, trace);
}

void record_startup_fault_hits(const sim::FaultPlan& plan, sim::Trace& trace) {
  for (const auto& f : plan.faults) {
    const auto& row = sim::info(f.kind);
    if (row.injector == sim::Injector::kApplication && row.whole_run) {
      trace.add(sim::fault_hit(0, system_actor(), f.kind));
    }
  }
}

}  // namespace bridgesim::scenarios
