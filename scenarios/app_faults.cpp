#include "scenarios/app_faults.hpp"

#include <stdexcept>

namespace bridgesim::scenarios {
namespace {

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
      trace_.add({scheduler_.elapsed_ns(), "system", "fault_hit", {{"fault", "tool_throws"}}});
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

}  // namespace

void apply_application_faults(system::Components& c, const sim::FaultPlan& plan, sim::Scheduler& scheduler,
                              sim::Rng& rng, sim::Trace& trace) {
  if (plan.find(sim::FaultKind::kSessionMissing)) c.session = [](system::Runtime&) { return nullptr; };
  for (const sim::Fault& fault : plan.faults) {
    if (fault.kind != sim::FaultKind::kComponentMissing) continue;
    const sim::Fault* f = &fault;
    const std::string component = f->string_param("component", "bridge");
    if (component == "bridge") {
      c.bridge = [](system::BridgeWiring, system::Runtime&) { return nullptr; };
    } else if (component == "llm") {
      c.llm = [](const system::AppConfig&, system::Runtime&) { return nullptr; };
    } else if (component.rfind("handler:", 0) == 0) {
      c.handlers = [inner = c.handlers, type = component.substr(8)](system::MessageRouter& router, system::App& app) {
        if (inner) inner(router, app);
        router.remove_handler(type);
      };
    }
  }
  if (plan.find(sim::FaultKind::kToolThrows)) {
    c.tools_and_agents = [&plan, &scheduler, &rng, &trace](system::AgentRegistry& registry,
                                                           const system::AppConfig& config, system::Runtime& rt) {
      registry.add_tool(std::make_unique<FaultyTool>(
          std::make_unique<system::FakeSearchTool>(rt.timers, rt.random, config.tool_latency), plan, scheduler, rng, trace));
      registry.register_agent(config.default_agent,
                              [](system::AgentDeps deps) { return std::make_shared<system::ScriptedAgent>(std::move(deps)); });
    };
  }
  if (plan.find(sim::FaultKind::kHandlerThrows)) {
    c.handlers = [inner = c.handlers, &plan, &scheduler, &rng, &trace](system::MessageRouter& router, system::App& app) {
      if (inner) inner(router, app);
      auto real = router.handler("user_message");
      if (!real) return;
      router.add_handler("user_message", [real, &plan, &scheduler, &rng, &trace](const system::RequestContext& request,
                                                                                const boost::json::object& body) {
        const sim::Fault* f = plan.active(sim::FaultKind::kHandlerThrows, scheduler.elapsed_ns());
        if (f != nullptr && rng.chance(static_cast<std::uint32_t>(f->int_param("per_million", 0)))) {
          trace.add({scheduler.elapsed_ns(), "system", "fault_hit", {{"fault", "handler_throws"}}});
          throw std::runtime_error("injected handler_throws");
        }
        real(request, body);
      });
    };
  }
}

}  // namespace bridgesim::scenarios
