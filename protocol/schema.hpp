#pragma once
// The schema of a run event (docs/protocol.md): the common fields,
// then the type's own payload. Kept next to the builders that must meet it.
#include <string>

#include <boost/json/object.hpp>

namespace bridgesim::protocol {

// What is wrong with `frame` as a run event, in one sentence; "" when it is
// valid. Frames of other types are judged on the common fields only.
std::string run_event_schema_error(const boost::json::object& frame);

}  // namespace bridgesim::protocol
