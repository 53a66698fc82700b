#include "protocol/schema.hpp"

#include <string_view>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"

namespace bridgesim::protocol {
namespace {

bool has_string(const boost::json::object& frame, std::string_view key) {
  const auto* v = frame.if_contains(key);
  return v != nullptr && v->is_string() && !v->get_string().empty();
}

std::string need_string(const boost::json::object& frame, std::string_view key) {
  return has_string(frame, key) ? "" : "payload field '" + std::string(key) + "' missing or empty";
}

std::string common_fields_error(const boost::json::object& frame) {
  for (const std::string_view key : {field::kRunId, field::kThreadId, field::kUserId, field::kAgentName}) {
    if (!has_string(frame, key)) return "field '" + std::string(key) + "' missing or not a non-empty string";
  }
  const auto* seq = frame.if_contains(field::kSeq);
  if (seq == nullptr || !is_seq(*seq)) return "field 'seq' missing or not a positive integer";
  const auto* ts = frame.if_contains(field::kTimestamp);
  if (ts == nullptr || !ts->is_number()) return "field 'timestamp' missing or not a number";
  return "";
}

std::string payload_error(const boost::json::object& frame, std::string_view type) {
  if (type == event_type::kAgentThinking) return need_string(frame, field::kReasoning);
  if (type == event_type::kToolExecuting) {
    if (auto e = need_string(frame, field::kToolName); !e.empty()) return e;
    const auto* p = frame.if_contains(field::kParameters);
    return p != nullptr && p->is_object() ? "" : "payload field 'parameters' missing or not an object";
  }
  if (type == event_type::kToolCompleted) {
    if (auto e = need_string(frame, field::kToolName); !e.empty()) return e;
    if (frame.if_contains(field::kResults) == nullptr) return "payload field 'results' missing";
    const auto* d = frame.if_contains(field::kDuration);
    return d != nullptr && d->is_number() ? "" : "payload field 'duration' missing or not a number";
  }
  if (type == event_type::kAgentCompleted) {
    if (auto e = need_string(frame, field::kStatus); !e.empty()) return e;
    return need_string(frame, field::kFinalResponse);
  }
  if (type == event_type::kAgentError) return need_string(frame, field::kReason);
  return "";
}

}  // namespace

std::string run_event_schema_error(const boost::json::object& frame) {
  if (auto error = common_fields_error(frame); !error.empty()) return error;
  const auto* type = frame.if_contains(field::kType);
  return payload_error(frame, type != nullptr && type->is_string() ? std::string_view(type->get_string()) : "");
}

}  // namespace bridgesim::protocol
