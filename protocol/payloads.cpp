#include "protocol/payloads.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "protocol/fields.hpp"

namespace bridgesim::protocol {

double seconds_from_nanos(std::int64_t nanos) {
  constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
  const bool negative = nanos < 0;
  // Two non-negative parts, so INT64_MIN's magnitude needs no negation.
  const auto whole = static_cast<unsigned long long>(negative ? -(nanos / kNanosPerSecond) : nanos / kNanosPerSecond);
  const auto fraction =
      static_cast<unsigned long long>(negative ? -(nanos % kNanosPerSecond) : nanos % kNanosPerSecond);
  char text[40];
  const int length = std::snprintf(text, sizeof text, "%s%llu.%09llu", negative ? "-" : "", whole, fraction);
  double seconds = 0;
  const auto [end, error] = std::from_chars(text, text + length, seconds);
  if (error != std::errc() || end != text + length) throw std::logic_error("seconds_from_nanos: unparsable decimal");
  return seconds;
}

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
