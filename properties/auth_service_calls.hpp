#pragma once
// The simulated auth service's answers, per user, as the auth clauses of the
// socket (auth_checks.cpp) and of POST execute (execute_checks.cpp) read
// them: one decoder and one "what had the service said by then" scan.
#include <map>
#include <string>
#include <vector>

#include "sim/trace.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::properties {

// The auth service answers within a few ms (sim/sim_auth_service); a check
// answered before a fault began may still admit this much later.
constexpr runtime::Nanos kAnswerMarginNs = 50 * runtime::kNanosPerMilli;
// The system does not ask the service again about an identity it confirmed
// this recently (docs/architecture.md, bounds): a revocation takes effect
// within this long after the last confirmation.
constexpr runtime::Nanos kConfirmationFreshNs = 1 * runtime::kNanosPerSecond;

struct ServiceCall {
  runtime::Nanos at_ns = 0;
  bool allowing = false;  // the service answered "allowed" (perhaps slowly)
  bool denying = false;   // it answered "denied" at once (revoked)
};

using ServiceCallsByUser = std::map<std::string, std::vector<ServiceCall>>;

// Every auth-service call of the trace, by user, in trace order.
ServiceCallsByUser service_calls_by_user(const sim::Trace& trace);

// The user's calls (none: an empty list that outlives every caller, so the
// pointers of LastAnswers stay valid).
const std::vector<ServiceCall>& calls_of(const ServiceCallsByUser& calls, const std::string& user);

// What the service had said of a user by `at`: its last confirmation, and a
// denial answered at least kAnswerMarginNs before `at` and not followed by a
// confirmation. Both point into `calls`.
struct LastAnswers {
  const ServiceCall* confirmed = nullptr;
  const ServiceCall* denied = nullptr;
};
LastAnswers last_answers(const std::vector<ServiceCall>& calls, runtime::Nanos at);

}  // namespace bridgesim::properties
