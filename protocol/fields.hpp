#pragma once
// The field names of the wire protocol's JSON objects, and the error codes an
// `error` frame carries (part of the protocol: a client acts on them).
#include <cstddef>
#include <string_view>

namespace bridgesim::protocol {

// The application's frame cap (`frame_too_large` beyond it; a frame of
// exactly this many bytes is served): the default of [system] frame_bytes_max.
constexpr std::size_t kFrameBytesMaxDefault = 64 * 1024;

namespace field {
constexpr std::string_view kType = "type";
// Every run event.
constexpr std::string_view kRunId = "run_id";
constexpr std::string_view kThreadId = "thread_id";
constexpr std::string_view kUserId = "user_id";
constexpr std::string_view kAgentName = "agent_name";
constexpr std::string_view kSeq = "seq";
constexpr std::string_view kTimestamp = "timestamp";
// Run event payloads, by type.
constexpr std::string_view kReasoning = "reasoning";           // agent_thinking
constexpr std::string_view kToolName = "tool_name";            // tool_executing, tool_completed
constexpr std::string_view kParameters = "parameters";         // tool_executing
constexpr std::string_view kResults = "results";               // tool_completed
constexpr std::string_view kDuration = "duration";             // tool_completed, seconds
constexpr std::string_view kStatus = "status";                 // agent_completed
constexpr std::string_view kFinalResponse = "final_response";  // agent_completed
constexpr std::string_view kReason = "reason";                 // agent_error
// error, connection_established.
constexpr std::string_view kCode = "code";
constexpr std::string_view kMessage = "message";
constexpr std::string_view kConnectionId = "connection_id";
constexpr std::string_view kSessionId = "session_id";
// Client messages.
constexpr std::string_view kText = "text";                  // user_message
constexpr std::string_view kClientMsgId = "client_msg_id";  // user_message, start_agent
constexpr std::string_view kAgent = "agent";                // start_agent
constexpr std::string_view kInput = "input";                // start_agent
constexpr std::string_view kAfterSeq = "after_seq";         // resume
}  // namespace field

namespace error_codes {
constexpr std::string_view kBadRequest = "bad_request";
constexpr std::string_view kInvalidJson = "invalid_json";
constexpr std::string_view kInvalidMessage = "invalid_message";
constexpr std::string_view kUnknownType = "unknown_type";
constexpr std::string_view kFrameTooLarge = "frame_too_large";
constexpr std::string_view kInternalError = "internal_error";   // retry the request
constexpr std::string_view kRunNotStarted = "run_not_started";  // retry later
constexpr std::string_view kUnknownRun = "unknown_run";         // give up on the run
constexpr std::string_view kRunFinished = "run_finished";
constexpr std::string_view kTokenExpired = "token_expired";  // the socket's token expired: reconnect with a fresh one
}  // namespace error_codes

// agent_completed's status.
constexpr std::string_view kStatusSuccess = "success";

// agent_error reasons a checker must tell apart.
namespace reasons {
constexpr std::string_view kCancelledByTheUser = "cancelled by the user";
}  // namespace reasons

}  // namespace bridgesim::protocol
