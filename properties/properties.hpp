#pragma once
// Properties judge a run by its trace alone, mostly by what users saw
// (the records of client actors, sim/client_actor.hpp). Each checker reports the first violating
// record with its position and a sentence a person can act on.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace bridgesim::properties {

struct Violation {
  std::string property;
  std::size_t record_index = 0;  // position in the trace
  runtime::Nanos at_ns = 0;
  std::string message;
};

struct ClientView;
// Checkers get the trace and the clients' view of it, built once per run.
using Checker = std::function<std::optional<Violation>(const sim::Trace&, const ClientView&)>;

struct Property {
  std::string name;
  std::string description;
  Checker check;
  // Judged from what clients saw alone, so `probe` can judge it against a
  // live server; otherwise it needs the simulator's view of the system.
  bool judged_live = false;
};

const std::vector<Property>& property_catalog();
// nullptr when unknown.
const Property* find_property(std::string_view name);

// Runs the named properties (all of them when `names` is empty). Throws
// std::invalid_argument for an unknown name.
// `view`, when given, is build_client_view(trace) made by the caller.
std::vector<Violation> check_properties(const sim::Trace& trace, const std::vector<std::string>& names,
                                        const ClientView* view = nullptr);

std::optional<Violation> check_delivery(const sim::Trace& trace);
std::optional<Violation> check_isolation(const sim::Trace& trace);
std::optional<Violation> check_protocol(const sim::Trace& trace);
std::optional<Violation> check_auth(const sim::Trace& trace);
std::optional<Violation> check_delivery(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_isolation(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_protocol(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_auth(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_streams(const sim::Trace& trace);
std::optional<Violation> check_streams(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_cancel(const sim::Trace& trace);
std::optional<Violation> check_cancel(const sim::Trace& trace, const ClientView& view);
// progress: once faults heal, every client holding a valid token finishes its
// whole workload (welcomed, every message answered) and leaves.
std::optional<Violation> check_progress(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> check_health(const sim::Trace& trace);
std::optional<Violation> check_runs(const sim::Trace& trace);
std::optional<Violation> check_resources(const sim::Trace& trace);
std::optional<Violation> check_no_crash(const sim::Trace& trace);
// bounds: each limit of docs/architecture.md's "Bounds" table behaves as
// documented once exceeded (properties/bounds_checks.cpp).
std::optional<Violation> check_bounds(const sim::Trace& trace);
// timeliness (issue 10): bounds in virtual time; see properties/timeliness.hpp.
std::optional<Violation> check_timeliness(const sim::Trace& trace, const ClientView& view);
// refusals (issue 10, item 5): a refused handshake's status and reason (properties/refusal_checks.cpp).
std::optional<Violation> check_refusals(const sim::Trace& trace, const ClientView& view);
// subprotocol (issue 10, item 5): the subprotocol the server selects (properties/handshake_checks.cpp).
std::optional<Violation> check_subprotocol(const sim::Trace& trace, const ClientView& view);
// handshake_time (issue 10, item 5): the auth timeout answers a slow handshake (properties/refusal_checks.cpp).
std::optional<Violation> check_handshake_time(const sim::Trace& trace, const ClientView& view);
// /health answers 200 {"status":"ok"} or 503 {"status":"unhealthy"} (properties/health_status_checks.cpp).
std::optional<Violation> check_health_status(const sim::Trace& trace, const ClientView& view);

}  // namespace bridgesim::properties
