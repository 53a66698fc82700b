#pragma once
// What each simulated client saw and did, rebuilt from the trace: the shared
// first step of every client-side property.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sim/trace.hpp"

namespace bridgesim::properties {

struct Frame {
  std::size_t record_index;
  runtime::Nanos at_ns;
  std::string actor;  // one client: see sim/client_actor.hpp
  std::string user;   // "u1": whose identity the client holds
  std::string conn;
  // The parsed frame, shared with the trace record when its client parsed
  // it already (sim::TraceRecord::parsed_frame: parsed once per run).
  std::shared_ptr<const boost::json::value> json;
  const boost::json::object& body;  // *json's object; empty when the text was not a JSON object
  bool parsed = false;
};

struct EventLatency;  // properties/timeliness.hpp

struct ClientView {
  std::map<std::string, std::string> conn_owner;  // conn id -> user, from "open" records
  std::map<std::string, std::string> token_kind;  // actor -> valid | expired | forged | missing
  std::vector<Frame> received;
  std::vector<Frame> sent;
  // POST execute requests (http_request records): conn is the request's
  // own, body the request body (properties/execute_checks.hpp).
  std::vector<Frame> executed;
  std::vector<std::size_t> opens;                 // record indices of "open"
  std::map<std::size_t, std::string> open_token;  // "open" record index -> token kind of that attempt
  runtime::Nanos heal_by_ns = 0;                  // from the faults' heal_by record
  runtime::Nanos liveness_bound_ns = 0;           // likewise; 0: no bound
  // event_latencies_of's memo (properties/timeliness.hpp): computed once per
  // view, read by the `timeliness` property and the reports' histogram.
  mutable std::shared_ptr<const std::vector<EventLatency>> latencies;
};

ClientView build_client_view(const sim::Trace& trace);
// "" when absent or not a string.
std::string string_field(const boost::json::object& body, std::string_view key);

}  // namespace bridgesim::properties
