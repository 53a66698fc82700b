// Incidents on paths that only the [mix] workloads reach (scenarios/
// workload_mix.hpp): idempotency keyed by client_msg_id alone (ids collide
// across users), a bridge that assumed one tool call per run, and fan-out
// that fixed a run's recipients when it started (a tab opened mid-run).
#include <map>
#include <set>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/regressions/regressions.hpp"
#include "system/router.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

// The run_id in an event frame, found by text ("" when none).
std::string run_id_in(const std::string& text) {
  const std::string key = "\"" + std::string(protocol::field::kRunId) + "\":\"";
  const auto at = text.find(key);
  if (at == std::string::npos) return {};
  const auto from = at + key.size();
  return text.substr(from, text.find('"', from) - from);
}

// Remembers requests by client_msg_id alone. A second user's request with
// an id seen before is taken for a retry of the first user's: the replay
// of that run fails the ownership check, and the user hears unknown_run.
void idempotency_by_msg_id_alone(system::Components& c) {
  c.handlers = [inner = c.handlers](system::MessageRouter& router, system::App& app) {
    if (inner) inner(router, app);
    auto real = router.handler(protocol::client_type::kUserMessage);
    if (!real) return;
    auto first_user = std::make_shared<std::map<std::string, std::string>>();  // client_msg_id -> user
    router.add_handler(protocol::client_type::kUserMessage,
                       [real, first_user](const system::RequestContext& request, const boost::json::object& body) {
                         const auto* id = body.if_contains(protocol::field::kClientMsgId);
                         if (id != nullptr && id->is_string()) {
                           const auto [it, fresh] = first_user->emplace(std::string(id->as_string()), request.user_id);
                           if (!fresh && it->second != request.user_id) {
                             throw system::BadRequest(protocol::error_codes::kUnknownRun,
                                                      "no run to resume for request '" + it->first + "'");
                           }
                         }
                         real(request, body);
                       });
  };
}

// Forwards a run's events up to its first tool_completed, then only its
// terminal event: written when every run made exactly one tool call.
class OneToolBridge final : public system::AgentWebSocketBridge {
 public:
  using AgentWebSocketBridge::AgentWebSocketBridge;
  void deliver(const system::UserExecutionContext& ctx, std::uint64_t seq, std::string_view type,
               std::string frame) override {
    const bool past_tool = past_first_tool_.count(ctx.run_id) > 0;
    const bool terminal = protocol::event_type::is_terminal(type);
    if (terminal) past_first_tool_.erase(ctx.run_id);
    if (past_tool && !terminal) return;
    if (type == protocol::event_type::kToolCompleted) past_first_tool_.insert(ctx.run_id);
    AgentWebSocketBridge::deliver(ctx, seq, type, std::move(frame));
  }

 private:
  std::set<std::string> past_first_tool_;
};

// Fans a run's events out to the connections its user had open when the
// run's first event went out: a tab opened later gets nothing of the run.
class SnapshotFanoutManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    const std::string run = run_id_in(text);
    if (run.empty()) return WebSocketManager::send_to_user(user_id, text);
    auto [it, fresh] = recipients_.try_emplace(run);
    if (fresh) {
      for (const auto id : connections_of(user_id)) {
        if (state_of(id) == system::ConnectionState::kOpen) it->second.insert(id);
      }
    }
    std::size_t sent = 0;
    for (const auto id : it->second) {
      if (state_of(id) != system::ConnectionState::kOpen) continue;
      send_to_connection(id, text);
      ++sent;
    }
    return sent;
  }

 private:
  std::map<std::string, std::set<system::ConnectionId>> recipients_;  // run -> its recipients
};

}  // namespace

Variant idempotency_by_msg_id() {
  return Variant{"idempotency_by_msg_id",
                 "requests were remembered by client_msg_id alone: another user's request with the same id was taken "
                 "for a retry and refused (unknown_run), so it never ran",
                 "delivery", idempotency_by_msg_id_alone};
}

Variant bridge_stops_after_first_tool() {
  return Variant{"bridge_stops_after_first_tool",
                 "the bridge forwarded a run's events up to its first tool_completed, then only the terminal one",
                 "runs", [](system::Components& c) {
                   c.bridge = [](system::BridgeWiring wiring, system::Runtime&) {
                     return std::make_unique<OneToolBridge>(wiring);
                   };
                 }};
}

Variant fanout_fixed_at_run_start() {
  return Variant{"fanout_fixed_at_run_start",
                 "fan-out sent a run's events to the connections its user had when the run started; a tab opened "
                 "mid-run got nothing more of it",
                 "streams", [](system::Components& c) {
                   c.manager = [](const system::AppConfig& config, system::Runtime& rt) {
                     return std::make_unique<SnapshotFanoutManager>(rt.logger, config.outbound_frames_max);
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
