#pragma once
// The wire protocol's server -> client frames (DESIGN.md, "Wire protocol").
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "system/context.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::system {

namespace event_type {
constexpr std::string_view kAgentStarted = "agent_started";
constexpr std::string_view kAgentThinking = "agent_thinking";
constexpr std::string_view kToolExecuting = "tool_executing";
constexpr std::string_view kToolCompleted = "tool_completed";
constexpr std::string_view kAgentCompleted = "agent_completed";
constexpr std::string_view kAgentError = "agent_error";
constexpr std::string_view kConnectionEstablished = "connection_established";
constexpr std::string_view kPong = "pong";
constexpr std::string_view kError = "error";
// A run's last event: exactly one of these ends every started run.
constexpr bool is_terminal(std::string_view type) { return type == kAgentCompleted || type == kAgentError; }
}  // namespace event_type

// An agent lifecycle event: the common fields every such event carries, plus
// the type's own payload fields (`payload` is merged flat into the frame).
struct AgentEvent {
  std::string_view type;
  const UserExecutionContext& ctx;
  std::string_view agent_name;
  std::uint64_t seq;
  runtime::Nanos timestamp_ns;
  boost::json::object payload;
};

std::string serialize(const AgentEvent& event);
std::string make_error_frame(std::string_view code, std::string_view message);
// `session_id` is left out when empty (session middleware missing).
std::string make_connection_established(std::uint64_t connection_id, std::string_view user_id,
                                        std::string_view session_id = {});
std::string make_pong();

}  // namespace bridgesim::system
