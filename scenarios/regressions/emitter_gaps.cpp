// Incidents on the path from an agent to the sockets: events built without
// their payload, an emitter that dropped the tool events, a bridge without
// the handler that forwards events towards the sockets.
#include "protocol/message_types.hpp"
#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

// Builds every event with the common fields only.
class PayloadlessEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_agent_thinking(std::string_view) override { emit(protocol::event_type::kAgentThinking, {}); }
  void notify_tool_executing(std::string_view, boost::json::object) override {
    emit(protocol::event_type::kToolExecuting, {});
  }
  void notify_tool_completed(std::string_view, boost::json::value, runtime::Nanos) override {
    emit(protocol::event_type::kToolCompleted, {});
  }
};

// Never tells the user about tools.
class ToolSilentEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_tool_executing(std::string_view, boost::json::object) override {}
  void notify_tool_completed(std::string_view, boost::json::value, runtime::Nanos) override {}
};

template <typename Emitter>
class BridgeWith final : public system::AgentWebSocketBridge {
 public:
  using AgentWebSocketBridge::AgentWebSocketBridge;
  std::unique_ptr<system::UserEmitter> create_user_emitter(system::UserExecutionContext ctx,
                                                           std::string agent_name) override {
    return std::make_unique<Emitter>(*this, std::move(ctx), std::move(agent_name));
  }
};

// Takes events from emitters and does nothing with them.
class HandlerlessBridge final : public system::AgentWebSocketBridge {
 public:
  using AgentWebSocketBridge::AgentWebSocketBridge;
  void deliver(const system::UserExecutionContext&, std::uint64_t, std::string_view, std::string) override {}
};

template <typename Bridge>
std::function<void(system::Components&)> use_bridge() {
  return [](system::Components& c) {
    c.bridge = [](system::BridgeWiring wiring, system::Runtime&) { return std::make_unique<Bridge>(wiring); };
  };
}

}  // namespace

Variant event_without_payload() {
  return Variant{"event_without_payload", "events were built without their payload (reasoning, tool_name, results)",
                 "protocol", use_bridge<BridgeWith<PayloadlessEmitter>>()};
}

Variant emitter_drops_tools() {
  return Variant{"emitter_drops_tools", "the emitter dropped tool_executing and tool_completed", "delivery",
                 use_bridge<BridgeWith<ToolSilentEmitter>>()};
}

Variant bridge_without_handler() {
  return Variant{"bridge_without_handler", "the bridge had no handler forwarding agent events towards the sockets",
                 "delivery", use_bridge<HandlerlessBridge>()};
}

}  // namespace bridgesim::scenarios::regressions
