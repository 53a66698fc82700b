#pragma once
// What each simulated user saw and did, rebuilt from the trace: the shared
// first step of every client-side property.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "sim/trace.hpp"

namespace bridgesim::properties {

struct Frame {
  std::size_t record_index;
  runtime::Nanos at_ns;
  std::string user;  // whose client saw or sent it
  std::string conn;
  boost::json::object body;  // empty when the text was not a JSON object
  bool parsed = false;
};

struct ClientView {
  std::map<std::string, std::string> conn_owner;  // conn id -> user, from "open" records
  std::vector<Frame> received;
  std::vector<Frame> sent;
};

ClientView build_client_view(const sim::Trace& trace);
// "" when absent or not a string.
std::string string_field(const boost::json::object& body, std::string_view key);

}  // namespace bridgesim::properties
