#include "system/bridge.hpp"

#include <stdexcept>

#include "protocol/message_types.hpp"
#include "protocol/payloads.hpp"
#include "system/events.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

UserEmitter::UserEmitter(AgentWebSocketBridge& bridge, UserExecutionContext ctx, std::string agent_name)
    : bridge_(bridge), ctx_(std::move(ctx)), agent_name_(std::move(agent_name)) {
  if (ctx_.user_id.empty() || ctx_.run_id.empty())
    throw std::invalid_argument("UserEmitter: context without user or run");
}

void UserEmitter::emit(std::string_view type, boost::json::object payload) {
  // Check before changing anything: a refused event leaves the emitter as it was.
  if (finished_) throw std::logic_error("UserEmitter: event after the run's terminal event");
  if ((next_seq_ == 1) != (type == protocol::event_type::kAgentStarted)) {
    throw std::logic_error("UserEmitter: agent_started must come first, and only once");
  }
  BRIDGESIM_ASSERT(protocol::event_type::is_run_event(type), "an emitter emits lifecycle events only");
  const std::uint64_t seq = next_seq_++;
  if (protocol::event_type::is_terminal(type)) finished_ = true;
  const AgentEvent event{type, ctx_, agent_name_, seq, bridge_.clock().now_ns(), std::move(payload)};
  bridge_.deliver(ctx_, seq, type, serialize(event));
}

void UserEmitter::notify_agent_started() { emit(protocol::event_type::kAgentStarted, {}); }

void UserEmitter::notify_agent_thinking(std::string_view reasoning) {
  emit(protocol::event_type::kAgentThinking, protocol::thinking_payload(reasoning));
}

void UserEmitter::notify_tool_executing(std::string_view tool_name, boost::json::object parameters) {
  emit(protocol::event_type::kToolExecuting, protocol::tool_executing_payload(tool_name, std::move(parameters)));
}

void UserEmitter::notify_tool_completed(std::string_view tool_name, boost::json::value results,
                                        runtime::Nanos duration_ns) {
  emit(protocol::event_type::kToolCompleted,
       protocol::tool_completed_payload(tool_name, std::move(results), protocol::seconds_from_nanos(duration_ns)));
}

void UserEmitter::notify_agent_completed(std::string_view final_response) {
  emit(protocol::event_type::kAgentCompleted, protocol::agent_completed_payload(final_response));
}

void UserEmitter::notify_agent_error(std::string_view reason) {
  emit(protocol::event_type::kAgentError, protocol::agent_error_payload(reason));
}

AgentWebSocketBridge::AgentWebSocketBridge(BridgeWiring wiring) : wiring_(wiring) {}

std::unique_ptr<UserEmitter> AgentWebSocketBridge::create_user_emitter(UserExecutionContext ctx,
                                                                       std::string agent_name) {
  return std::make_unique<UserEmitter>(*this, std::move(ctx), std::move(agent_name));
}

void AgentWebSocketBridge::deliver(const UserExecutionContext& ctx, std::uint64_t seq, std::string_view type,
                                   std::string frame) {
  BRIDGESIM_ASSERT(!ctx.user_id.empty() && !ctx.run_id.empty(), "every event is addressed to one user's run");
  BRIDGESIM_ASSERT(seq >= 1, "seq counts from 1");
  BRIDGESIM_ASSERT(!frame.empty(), "an event has a frame");
  ++frames_delivered_;
  runtime::RelayMessage message{ctx.user_id, ctx.run_id, seq, std::string(type), std::move(frame)};
  const bool terminal = protocol::event_type::is_terminal(type);
  // A full log only costs resume for this run; the live path still delivers.
  (void)wiring_.run_log.append(message, terminal);
  wiring_.relay.publish(std::move(message));
}

}  // namespace bridgesim::system
