#pragma once
// Each run event type's own payload (docs/protocol.md), built in
// the field order the wire carries; protocol/schema.hpp checks exactly these
// fields. make_run_event merges a payload after the common fields.
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace bridgesim::protocol {

// `duration` in seconds: the double nearest to nanos / 10^9, read from its
// exact decimal text by std::from_chars (compiled into the standard library)
// rather than divided here, where -ffast-math may multiply by a rounded
// reciprocal instead and change the traced bytes.
double seconds_from_nanos(std::int64_t nanos);

// agent_started carries no payload: an empty object.
boost::json::object thinking_payload(std::string_view reasoning);
boost::json::object tool_executing_payload(std::string_view tool_name, boost::json::object parameters);
boost::json::object tool_completed_payload(std::string_view tool_name, boost::json::value results,
                                           double duration_seconds);
// status "success": the only status a completed run reports.
boost::json::object agent_completed_payload(std::string_view final_response);
boost::json::object agent_error_payload(std::string_view reason);

}  // namespace bridgesim::protocol
