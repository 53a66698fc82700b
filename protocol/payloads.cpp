#include "protocol/payloads.hpp"

#include <utility>

#include "protocol/fields.hpp"

namespace bridgesim::protocol {

boost::json::object thinking_payload(std::string_view reasoning) { return {{field::kReasoning, reasoning}}; }

boost::json::object tool_executing_payload(std::string_view tool_name, boost::json::object parameters) {
  return {{field::kToolName, tool_name}, {field::kParameters, std::move(parameters)}};
}

boost::json::object tool_completed_payload(std::string_view tool_name, boost::json::value results,
                                           double duration_seconds) {
  return {{field::kToolName, tool_name}, {field::kResults, std::move(results)}, {field::kDuration, duration_seconds}};
}

boost::json::object agent_completed_payload(std::string_view final_response) {
  return {{field::kStatus, kStatusSuccess}, {field::kFinalResponse, final_response}};
}

boost::json::object agent_error_payload(std::string_view reason) { return {{field::kReason, reason}}; }

}  // namespace bridgesim::protocol
