#include "properties/auth_service_calls.hpp"

#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::properties {

ServiceCallsByUser service_calls_by_user(const sim::Trace& trace) {
  namespace rf = sim::record_field;
  ServiceCallsByUser out;
  for (const auto& r : trace.records()) {
    if (!sim::is_record(r, sim::actor::kAuthService, sim::record::kCall)) continue;
    const std::string state(r.field(rf::kState));
    const bool up = state.rfind("up", 0) == 0 || state.rfind("flapping-up", 0) == 0;
    const bool revoked = state.find("revoked") != std::string::npos;
    const bool slow = state.find("slow") != std::string::npos;
    auto& calls = out[std::string(r.field(rf::kUser))];
    BRIDGESIM_ASSERT(calls.empty() || calls.back().at_ns <= r.at_ns, "a user's service calls are in time order");
    calls.push_back({r.at_ns, up && !revoked, up && revoked && !slow});
  }
  return out;
}

const std::vector<ServiceCall>& calls_of(const ServiceCallsByUser& calls, const std::string& user) {
  static const std::vector<ServiceCall> kNone;
  const auto it = calls.find(user);
  return it == calls.end() ? kNone : it->second;
}

LastAnswers last_answers(const std::vector<ServiceCall>& calls, runtime::Nanos at) {
  LastAnswers answers;
  for (const ServiceCall& call : calls) {
    if (call.at_ns > at) break;
    if (call.allowing) answers = {&call, nullptr};
    if (call.denying && call.at_ns + kAnswerMarginNs <= at) answers.denied = &call;
  }
  return answers;
}

}  // namespace bridgesim::properties
