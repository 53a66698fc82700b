#pragma once
// The names of every message type on the wire (docs/protocol.md),
// and the run lifecycle they make up.
#include <algorithm>
#include <iterator>
#include <string_view>

namespace bridgesim::protocol {

// Server -> client.
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

// The five lifecycle events of a successful run, in the seq order a user
// must see them.
inline constexpr std::string_view kLifecycle[] = {kAgentStarted, kAgentThinking, kToolExecuting, kToolCompleted,
                                                  kAgentCompleted};

constexpr bool is_lifecycle(std::string_view type) {
  return std::find(std::begin(kLifecycle), std::end(kLifecycle), type) != std::end(kLifecycle);
}
// A run's last event: exactly one of these ends every started run.
constexpr bool is_terminal(std::string_view type) { return type == kAgentCompleted || type == kAgentError; }
// An event that belongs to a run (carries run_id, seq, ...), as opposed to
// connection_established, pong and error.
constexpr bool is_run_event(std::string_view type) { return is_lifecycle(type) || type == kAgentError; }
}  // namespace event_type

// Client -> server.
namespace client_type {
constexpr std::string_view kUserMessage = "user_message";
constexpr std::string_view kStartAgent = "start_agent";
constexpr std::string_view kResume = "resume";
constexpr std::string_view kCancel = "cancel";
constexpr std::string_view kPing = "ping";
constexpr std::string_view kDisconnect = "disconnect";
}  // namespace client_type

}  // namespace bridgesim::protocol
