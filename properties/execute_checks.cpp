// The execute endpoint's clauses of delivery, protocol, isolation and auth
// (properties/execute_checks.hpp).
#include "properties/execute_checks.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "properties/auth_service_calls.hpp"
#include "properties/checker_support.hpp"
#include "properties/fault_windows.hpp"
#include "properties/relay_repair.hpp"
#include "protocol/fields.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;
namespace rf = sim::record_field;
namespace rec = sim::record;

// docs/protocol.md, section 5: what POST /api/agent/v2/execute may answer.
bool documented_status(int status) {
  for (const int s : {202, 401, 403, 409, 413, 422, 500, 503})
    if (s == status) return true;
  return false;
}

std::string who_asked(const ExecuteCall& c) {
  return sim::client_label(c.request->actor) + "'s execute request (thread " +
         string_field(c.request->body, field::kThreadId) + ", connection " + c.request->conn + ")";
}

std::size_t index_of(const ExecuteCall& c) { return c.response_index.value_or(c.request->record_index); }

// What the endpoint must say of one field of the request body (docs/protocol.md
// section 5): "" when it is fine, else why it is bad. thread_id and input are
// required non-empty strings; agent_name is optional, and when present may
// still be refused (an agent the trace cannot know is unregistered).
std::string bad_field(const Frame& request, std::string_view name) {
  if (!request.parsed) return "the body is not a JSON object";
  const auto* v = request.body.if_contains(name);
  if (name == field::kAgentName) return v == nullptr ? "" : "present";
  if (v == nullptr) return "missing";
  if (!v->is_string() || v->as_string().empty()) return "not a non-empty string";
  return {};
}

// A 422 names only fields that are bad (at least one), and is validation_error;
// a 202 answers a body whose required fields are all good. "" when so.
std::string judge_validation(const ExecuteCall& c, const std::string& error) {
  if (c.status == 202) {
    for (const std::string_view name : {field::kThreadId, field::kInput}) {
      if (const std::string why = bad_field(*c.request, name); !why.empty())
        return "was answered 202, but its " + std::string(name) + " is " + why;
    }
    return {};
  }
  if (c.status != 422) return {};
  const auto* fields = c.answer.if_contains("fields");
  if (error != "validation_error" || fields == nullptr || !fields->is_object() || fields->as_object().empty())
    return "was answered 422 without error validation_error and the fields it refused: " +
           boost::json::serialize(c.answer);
  for (const auto& named : fields->as_object()) {
    const std::string_view name = named.key();
    const bool known = name == "body" || name == field::kThreadId || name == field::kInput || name == field::kAgentName;
    const bool bad = name == "body" ? !c.request->parsed : known && !bad_field(*c.request, name).empty();
    if (!bad)
      return "was answered 422 naming field '" + std::string(name) + "', which " +
             (known ? "its body has right: " : "is no field of the request: ") + boost::json::serialize(c.answer);
  }
  // And every bad field is named (a body that is no object has none).
  for (const std::string_view name : {field::kThreadId, field::kInput}) {
    if (!c.request->parsed || fields->as_object().contains(name)) continue;
    if (const std::string why = bad_field(*c.request, name); !why.empty())
      return "was answered 422 without naming " + std::string(name) + ", which is " + why + ": " +
             boost::json::serialize(c.answer);
  }
  return {};
}

}  // namespace

std::vector<ExecuteCall> execute_calls(const sim::Trace& trace, const ClientView& view) {
  std::vector<ExecuteCall> out;
  std::map<std::string, std::size_t> by_conn;  // the request's conn -> its call
  const auto& records = trace.records();
  for (const Frame& f : view.executed) {
    by_conn[f.conn] = out.size();
    ExecuteCall call;
    call.request = &f;
    call.token = std::string(records[f.record_index].field(rf::kToken));
    out.push_back(std::move(call));
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind != rec::kHttp && r.kind != rec::kHttpResponse) continue;
    const auto it = by_conn.find(std::string(r.field(rf::kConn)));
    if (it == by_conn.end()) continue;
    ExecuteCall& c = out[it->second];
    if (const auto served = sim::as_http_served(r)) {
      c.served_index = i;
      c.served_ns = r.at_ns;
    } else if (const auto answer = sim::as_http_response(r); answer && !c.response_index) {
      c.response_index = i;
      c.status = answer->status;
      boost::system::error_code ec;
      auto parsed = boost::json::parse(answer->body, ec);
      if (!ec && parsed.is_object()) {
        c.answer = std::move(parsed.as_object());
        c.answer_parsed = true;
      }
    }
  }
  return out;
}

// --- protocol: documented answers ------------------------------------------

namespace {

// The `error` each refusal status names (docs/protocol.md section 5), "a|b"
// for several; "" where another clause judges it (422) or none is fixed.
std::string documented_errors(int status) {
  switch (status) {
    case 401: return "unauthorized";
    case 409: return std::string(protocol::error_codes::kRunNotStarted);
    case 500: return "authentication failed";
    case 503: return "identity not confirmed|service unavailable|" + std::string(protocol::error_codes::kRunNotStarted);
    default: return "";
  }
}

bool names_one_of(const std::string& alternatives, const std::string& error) {
  std::size_t at = 0;
  while (at <= alternatives.size()) {
    const std::size_t bar = std::min(alternatives.find('|', at), alternatives.size());
    if (alternatives.compare(at, bar - at, error) == 0) return true;
    at = bar + 1;
  }
  return false;
}

// "a|b|c" -> "a, b or c".
std::string spelled(std::string alternatives) {
  const auto last = alternatives.rfind('|');
  if (last != std::string::npos) alternatives.replace(last, 1, " or ");
  for (auto at = alternatives.find('|'); at != std::string::npos; at = alternatives.find('|')) {
    alternatives.replace(at, 1, ", ");
  }
  return alternatives;
}

}  // namespace

std::optional<Violation> judge_execute_answers(const sim::Trace& trace, const ClientView& view) {
  // A broken critical path answers every request 503 before anything else
  // (docs/protocol.md section 5), whatever its token or body.
  bool broken = false;
  for (const auto& r : trace.records()) {
    if (!sim::is_record(r, sim::actor::kSystem, rec::kStartup)) continue;
    broken = r.field(rf::kOk) != "true";
    break;
  }
  for (const ExecuteCall& c : execute_calls(trace, view)) {
    if (!c.response_index) continue;
    const std::size_t at = *c.response_index;
    const std::string status = std::to_string(c.status);
    if (!documented_status(c.status))
      return violation_at("protocol", trace, at,
                          who_asked(c) + " was answered " + status + ", not a documented status");
    if (!c.answer_parsed)
      return violation_at("protocol", trace, at, who_asked(c) + " was answered " + status + " without a JSON object");
    const std::string error = string_field(c.answer, "error");
    if (broken && (c.status != 503 || error != "service unavailable")) {
      return violation_at("protocol", trace, at,
                          who_asked(c) + " was answered " + status + " '" + error +
                              "' while the system's critical path is broken (startup ok=false): every execute "
                              "request is answered 503 'service unavailable' then");
    }
    if (const std::string why = judge_validation(c, error); !why.empty())
      return violation_at("protocol", trace, at, who_asked(c) + " " + why);
    if (c.status == 202) {
      if (string_field(c.answer, field::kRunId).empty() || string_field(c.answer, field::kUserId).empty() ||
          string_field(c.answer, field::kThreadId) != string_field(c.request->body, field::kThreadId)) {
        return violation_at("protocol", trace, at,
                            who_asked(c) + " was answered 202 without its run_id, user_id and thread_id: " +
                                boost::json::serialize(c.answer));
      }
    } else if (error.empty()) {
      return violation_at("protocol", trace, at, who_asked(c) + " was answered " + status + " without an error");
    } else if (const std::string want = documented_errors(c.status); !want.empty() && !names_one_of(want, error)) {
      return violation_at("protocol", trace, at,
                          who_asked(c) + " was answered " + status + " '" + error + "', not " + spelled(want));
    }
  }
  return std::nullopt;
}

// --- delivery: a 202's run reaches the caller ------------------------------

std::optional<Violation> judge_execute_delivery(const sim::Trace& trace, const ClientView& view,
                                                const LostForGood& lost) {
  const auto& records = trace.records();
  // Indexed once (linear in the trace): each actor's last gave_up record, and
  // the frames each actor received per run_id, in trace order.
  std::map<std::string, std::size_t> last_gave_up;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (records[i].kind == rec::kGaveUp) last_gave_up[records[i].actor] = i;
  std::map<std::pair<std::string, std::string>, std::vector<const Frame*>> by_run;
  for (const Frame& f : view.received) by_run[{f.actor, string_field(f.body, field::kRunId)}].push_back(&f);
  static const std::vector<const Frame*> kNone;
  for (const ExecuteCall& c : execute_calls(trace, view)) {
    if (c.status != 202 || !c.answer_parsed) continue;
    const std::string run = string_field(c.answer, field::kRunId);
    // A client that gave up stopped listening (`delivery` judges why it had to).
    const auto gave_up = last_gave_up.find(c.request->actor);
    if (gave_up != last_gave_up.end() && gave_up->second >= *c.response_index) continue;
    protocol::LifecycleOrder order;
    std::vector<std::string> accepted;
    const Frame* terminal = nullptr;
    const auto mine = by_run.find({c.request->actor, run});
    const auto& frames = mine == by_run.end() ? kNone : mine->second;
    const auto from = std::lower_bound(frames.begin(), frames.end(), c.request->record_index,
                                       [](const Frame* f, std::size_t index) { return f->record_index < index; });
    for (auto it = from; it != frames.end(); ++it) {
      const Frame& f = **it;
      if (protocol::seq_of(f.body) != accepted.size() + 1) continue;
      const std::string type = string_field(f.body, field::kType);
      if (const std::string why = order.next(type, string_field(f.body, field::kToolName)); !why.empty()) {
        return violation_at("delivery", trace, f.record_index,
                            who_asked(c) + " got " + type + " of run " + run + " as seq " +
                                std::to_string(accepted.size() + 1) + "; expected " + order.expected());
      }
      accepted.push_back(type);
      if (order.ended()) {
        terminal = &f;
        break;
      }
    }
    if (terminal == nullptr) {
      if (lost.excuses(run, c.request->user, c.request->at_ns)) continue;
      return violation_at("delivery", trace, *c.response_index,
                          who_asked(c) + " was answered 202 for run " + run + ", whose events it received " +
                              join(accepted) + " and never " + join(order.shortest_rest()));
    }
    if (view.liveness_bound_ns > 0) {
      const runtime::Nanos bound = std::max(c.request->at_ns, view.heal_by_ns) + view.liveness_bound_ns;
      if (terminal->at_ns > bound) {
        return violation_at("delivery", trace, terminal->record_index,
                            who_asked(c) + " ended at " + sim::format_virtual_time(terminal->at_ns) +
                                ", later than its liveness bound " + sim::format_virtual_time(bound));
      }
    }
  }
  return std::nullopt;
}

// --- isolation: the caller's run, and the caller's only --------------------

std::optional<Violation> judge_execute_isolation(const sim::Trace& trace, const ClientView& view) {
  std::map<std::string, const ExecuteCall*> run_caller;  // run -> the 202 that named it
  const auto calls = execute_calls(trace, view);
  for (const ExecuteCall& c : calls) {
    if (c.status != 202 || !c.answer_parsed) continue;
    const std::string named = string_field(c.answer, field::kUserId);
    if (named != c.request->user) {
      const std::string claimed = string_field(c.request->body, field::kUserId);
      return violation_at("isolation", trace, *c.response_index,
                          who_asked(c) + " holds " + c.request->user + "'s token but was answered 202 for user " +
                              named + (claimed.empty() ? "" : " (its body claimed user_id " + claimed + ")"));
    }
    run_caller.emplace(string_field(c.answer, field::kRunId), &c);
  }
  for (const Frame& f : view.received) {
    const auto it = run_caller.find(string_field(f.body, field::kRunId));
    if (it == run_caller.end() || f.user == it->second->request->user) continue;
    return violation_at("isolation", trace, f.record_index,
                        "user " + f.user + " received " + string_field(f.body, field::kType) + " of run " + it->first +
                            ", which " + who_asked(*it->second) + " started");
  }
  return std::nullopt;
}

// --- auth: only a valid, confirmed, unrevoked identity starts a run --------

namespace {

// Why the simulated system should not have admitted `user` at `at` ("" when it may have).
std::string unconfirmed(const std::vector<ServiceCall>& calls, const std::vector<FaultWindow>& windows,
                        const std::string& user, runtime::Nanos at) {
  const auto [confirmed, denied] = last_answers(calls, at);
  if (confirmed == nullptr) return "the auth service never confirmed " + user + " before";
  if (denied != nullptr)
    return "the auth service denied " + user + " at " + sim::format_virtual_time(denied->at_ns) + " (revoked)";
  if (at - confirmed->at_ns <= kConfirmationFreshNs + kAnswerMarginNs) return {};
  // As for a handshake: an auth-service outage hides the revocation, the cache stands in.
  if (auth_service_degraded(windows, at)) return {};
  for (const FaultWindow& w : windows) {
    if (w.kind != "auth_revoked" || (w.target != "*" && w.target != sim::target_of_user(user))) continue;
    const runtime::Nanos heal = w.to_ns == INT64_MAX ? INT64_MAX : w.to_ns - kFaultSettleNs;
    if (at < w.from_ns + kConfirmationFreshNs + kAnswerMarginNs || at >= heal) continue;
    return user + " was revoked " + format_window(w.from_ns, heal) + " and last confirmed at " +
           sim::format_virtual_time(confirmed->at_ns) + ", more than " +
           sim::format_virtual_time(kConfirmationFreshNs) + " before";
  }
  return {};
}

// Whether the system's memory of denials (one per identity, at most
// known_identities_max of them) can hold every identity the service denied
// in this trace: only then must each execute find its user's.
bool denials_all_remembered(const sim::Trace& trace, const ServiceCallsByUser& by_user) {
  std::size_t denied_users = 0;
  for (const auto& [user, calls] : by_user) {
    denied_users += std::any_of(calls.begin(), calls.end(), [](const ServiceCall& c) { return c.denying; }) ? 1 : 0;
  }
  for (const auto& r : trace.records()) {
    if (!sim::is_record(r, sim::actor::kSystem, rec::kLimits)) continue;
    const auto max = r.field(runtime::bound::kKnownIdentities);
    if (!max.empty() && std::stoull(std::string(max)) < std::max<std::size_t>(denied_users, 1)) return false;
  }
  return true;
}

// docs/protocol.md section 3: POST execute does not ask the service again
// about an identity it denied less than 1 s ago; it refuses 401 at once.
// Why `status` breaks that ("" when it does not).
std::string forgot_denial(const std::vector<ServiceCall>& calls, const std::string& user, runtime::Nanos at,
                          std::string_view status) {
  const auto [confirmed, denied] = last_answers(calls, at);
  if (denied == nullptr || at - denied->at_ns >= kConfirmationFreshNs - kAnswerMarginNs || status == "401") return {};
  return "the auth service denied " + user + " at " + sim::format_virtual_time(denied->at_ns) +
         ", less than 1 s before: a denial heard that recently is refused 401 at once, not asked about again";
}

}  // namespace

std::optional<Violation> judge_execute_auth(const sim::Trace& trace, const ClientView& view) {
  const auto calls = execute_calls(trace, view);
  if (calls.empty()) return std::nullopt;
  const auto by_user = service_calls_by_user(trace);
  const auto windows = fault_windows(trace);
  // The service's answers are recorded only where it is simulated.
  bool simulated = false;
  for (const auto& r : trace.records()) simulated |= sim::is_record(r, sim::actor::kSystem, rec::kStartup);
  const bool remembered = simulated && denials_all_remembered(trace, by_user);
  for (const ExecuteCall& c : calls) {
    const std::string_view served =
        c.served_index ? trace.records()[*c.served_index].field(rf::kStatus) : std::string_view();
    const bool admitted = c.status == 202 || served == "202";
    if (!admitted) {  // (a 202 within 1 s of a denial is judged below, as an admission)
      if (!remembered || !c.served_index || c.token != sim::token_kind::kValid) continue;
      const std::string why = forgot_denial(calls_of(by_user, c.request->user), c.request->user, c.served_ns, served);
      if (why.empty()) continue;
      return violation_at("auth", trace, *c.served_index,
                          who_asked(c) + " was answered " + std::string(served) + " at " +
                              sim::format_virtual_time(c.served_ns) + ", but " + why);
    }
    const std::size_t at = c.served_index.value_or(index_of(c));
    if (c.token != sim::token_kind::kValid) {
      return violation_at("auth", trace, at, who_asked(c) + " carried a " + c.token + " token and was admitted (202)");
    }
    if (!simulated || !c.served_index) continue;
    const std::string why = unconfirmed(calls_of(by_user, c.request->user), windows, c.request->user, c.served_ns);
    if (!why.empty()) {
      return violation_at(
          "auth", trace, at,
          who_asked(c) + " was admitted (202) at " + sim::format_virtual_time(c.served_ns) + ", but " + why);
    }
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
