#pragma once
// The clauses that judge POST /api/agent/v2/execute, each called by the
// property it belongs to (a few lines in client_checks.cpp and
// auth_checks.cpp), judged from the clients' http_request / http_response
// records and, where simulated, the network's `http` record of when the
// server answered (sim/trace_schema.hpp):
//   delivery:  a 202 is followed by its run's whole lifecycle on the
//              caller's sockets, in seq order, as the client accepts it;
//   protocol:  every answer is a documented status with a JSON object body
//              (docs/protocol.md); a 202 names the run, the thread asked
//              and the caller, and answers a body with thread_id and input;
//              a 422 is validation_error naming only fields the body has
//              wrong (a missing or empty thread_id or input, an agent_name);
//   isolation: a 202 names the caller's own identity, whatever the body
//              claimed, and no other user receives anything of that run;
//   auth:      no 202 for a token that is not valid, and (simulated) none
//              for an identity the auth service never confirmed, denied
//              since, or has revoked for longer than a confirmation stays
//              fresh.
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties {

// One execute request and the answer to it.
struct ExecuteCall {
  const Frame* request = nullptr;           // from view.executed: actor, user, conn, body
  std::string token;                        // the kind the client says it presented
  std::optional<std::size_t> served_index;  // the network's `http` record
  runtime::Nanos served_ns = -1;
  std::optional<std::size_t> response_index;  // the client's `http_response`
  int status = 0;                             // as the client got it (0: no answer yet)
  boost::json::object answer;                 // its body, when a JSON object
  bool answer_parsed = false;
};

// Every execute request of the trace, in request order.
std::vector<ExecuteCall> execute_calls(const sim::Trace& trace, const ClientView& view);

class LostForGood;
// `lost`: what delivery excuses (relay_repair.hpp), built once per trace by check_delivery.
std::optional<Violation> judge_execute_delivery(const sim::Trace& trace, const ClientView& view,
                                                const LostForGood& lost);
std::optional<Violation> judge_execute_answers(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> judge_execute_isolation(const sim::Trace& trace, const ClientView& view);
std::optional<Violation> judge_execute_auth(const sim::Trace& trace, const ClientView& view);

}  // namespace bridgesim::properties
