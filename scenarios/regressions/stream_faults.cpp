// Incidents in a connection's own stream that clients repair or never look
// at, so what they finally accept is right: an event lost to a user's other
// tab, an event the live path skipped and resume replayed, an event sent
// twice. Only `streams` sees them. And a cancel reported under a generic
// reason, which clients accept as any agent_error: only `cancel` sees it.
#include "protocol/message_types.hpp"
#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

bool is_type(const std::string& text, std::string_view type) {
  return text.find("\"type\":\"" + std::string(type) + "\"") != std::string::npos;
}

// Fan-out that only the user's first connection gets tool_executing from.
class FirstTabOnlyManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    std::size_t sent = 0;
    bool first = true;
    for (const auto id : connections_of(user_id)) {
      if (state_of(id) != system::ConnectionState::kOpen) continue;
      if (first || !is_type(text, protocol::event_type::kToolExecuting)) {
        send_to_connection(id, text);
        ++sent;
      }
      first = false;
    }
    return sent;
  }
};

// The live path loses tool_completed; the run log still has it, so a resume
// after the gap replays it.
class SkippingManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    if (is_type(text, protocol::event_type::kToolCompleted)) return 0;
    return WebSocketManager::send_to_user(user_id, text);
  }
};

// agent_thinking goes out twice (a retried send that had succeeded).
class TwiceManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    if (is_type(text, protocol::event_type::kAgentThinking)) WebSocketManager::send_to_user(user_id, text);
    return WebSocketManager::send_to_user(user_id, text);
  }
};

template <typename Manager>
std::function<void(system::Components&)> use_manager() {
  return [](system::Components& c) {
    c.manager = [](const system::AppConfig&, system::Runtime& rt) { return std::make_unique<Manager>(rt.logger); };
  };
}

}  // namespace

Variant other_tab_misses_event() {
  return Variant{"other_tab_misses_event",
                 "fan-out sent tool_executing to a user's first connection only; the other tabs never got it",
                 "streams", use_manager<FirstTabOnlyManager>()};
}

Variant live_path_skips_seq() {
  return Variant{"live_path_skips_seq",
                 "the live path dropped tool_completed; clients saw a gap and resume replayed it from the run log",
                 "streams", use_manager<SkippingManager>()};
}

Variant event_sent_twice() {
  return Variant{"event_sent_twice", "agent_thinking went out twice on every connection; clients dropped the copy",
                 "streams", use_manager<TwiceManager>()};
}

}  // namespace bridgesim::scenarios::regressions

namespace bridgesim::scenarios::regressions {
namespace {

// Reports every agent_error under one generic reason, the user's cancel too.
class GenericErrorEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_agent_error(std::string_view) override { UserEmitter::notify_agent_error("the agent failed"); }
};

class GenericErrorBridge final : public system::AgentWebSocketBridge {
 public:
  using AgentWebSocketBridge::AgentWebSocketBridge;
  std::unique_ptr<system::UserEmitter> create_user_emitter(system::UserExecutionContext ctx,
                                                           std::string agent_name) override {
    return std::make_unique<GenericErrorEmitter>(*this, std::move(ctx), std::move(agent_name));
  }
};

}  // namespace

Variant cancel_reason_lost() {
  return Variant{"cancel_reason_lost",
                 "a cancelled run ended in agent_error with a generic reason; clients accept any agent_error", "cancel",
                 [](system::Components& c) {
                   c.bridge = [](system::BridgeWiring wiring, system::Runtime&) {
                     return std::make_unique<GenericErrorBridge>(wiring);
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
