#include "protocol/schema.hpp"

#include <cctype>
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

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

// docs/protocol.md: a timestamp is a number (seconds or milliseconds since
// the epoch) or an ISO-8601 date-time string, YYYY-MM-DDTHH:MM:SS with
// optional fraction and zone (Z or +HH:MM / -HH:MM); a space may stand for T.
bool is_iso8601(std::string_view s) {
  if (!digits(s, 0, 4) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2)) {
    return false;
  }
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) ||
      s[16] != ':' || !digits(s, 17, 2)) {
    return false;
  }
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    const std::size_t from = ++at;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])) != 0) ++at;
    if (at == from) return false;
  }
  if (at == s.size()) return true;
  if ((s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) return true;
  return (s[at] == '+' || s[at] == '-') && at + 6 == s.size() && digits(s, at + 1, 2) && s[at + 3] == ':' &&
         digits(s, at + 4, 2);
}

std::string common_fields_error(const boost::json::object& frame) {
  for (const std::string_view key : {field::kRunId, field::kThreadId, field::kUserId, field::kAgentName}) {
    if (!has_string(frame, key)) return "field '" + std::string(key) + "' missing or not a non-empty string";
  }
  const auto* seq = frame.if_contains(field::kSeq);
  if (seq == nullptr || !is_seq(*seq)) return "field 'seq' missing or not a positive integer";
  const auto* ts = frame.if_contains(field::kTimestamp);
  const bool iso = ts != nullptr && ts->is_string() && is_iso8601(ts->get_string());
  if (ts == nullptr || (!ts->is_number() && !iso)) {
    return "field 'timestamp' missing or neither a number nor an ISO-8601 string";
  }
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
