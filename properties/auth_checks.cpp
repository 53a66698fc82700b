// The auth checker. From what clients saw: no connection for a bad token and
// no run for an identity that never held a valid one. From what the
// simulated world recorded (skipped on a live probe's trace, which has none
// of it): every admitted identity was confirmed by the auth service and not
// denied since; a revoked identity is refused while the service can say so;
// a token that expires during a session is closed 1008 at its `exp` and
// starts no run after it.
#include <algorithm>
#include <map>
#include <set>

#include "properties/auth_service_calls.hpp"
#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/execute_checks.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;
namespace rf = sim::record_field;
namespace rec = sim::record;

// The system's expiry timer fires at `exp` itself.
constexpr runtime::Nanos kExpiryMarginNs = 10 * runtime::kNanosPerMilli;

// docs/protocol.md, refusal form 2: an accepted socket closed 1008 before
// any other frame was not admitted. True when the client's record after the
// `open` at `open_index` (same actor and conn) is `closed` 1008, no `recv` between.
bool refused_by_close_1008(const sim::Trace& trace, std::size_t open_index) {
  const auto& records = trace.records();
  const auto& open = records[open_index];
  const std::string_view conn = open.field(rf::kConn);
  for (std::size_t i = open_index + 1; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.actor != open.actor || r.field(rf::kConn) != conn) continue;
    if (r.kind == rec::kRecv) return false;
    if (r.kind == rec::kClosed) return r.field(rf::kCode) == "1008";
  }
  return false;
}

std::optional<Violation> judge_tokens(const sim::Trace& trace, const ClientView& view) {
  std::set<std::string> valid_users;  // users with at least one client holding a valid token
  for (const auto& [actor, kind] : view.token_kind) {
    if (kind == sim::token_kind::kValid) valid_users.insert(sim::user_of_actor(actor));
  }
  const auto& records = trace.records();
  // Judged per connection attempt: the token kind of the attempt that opened
  // it. Frames reach only opened connections, so the opens are enough.
  for (const std::size_t i : view.opens) {
    const auto& r = records[i];
    const std::string& kind = view.open_token.at(i);
    if (kind != sim::token_kind::kValid && !kind.empty() && !refused_by_close_1008(trace, i)) {
      return violation_at("auth", trace, i,
                          sim::client_label(r.actor) + " connected with a " + kind + " token and was accepted");
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto publish = sim::as_publish(records[i]);
    if (publish && valid_users.count(std::string(publish->user)) == 0) {
      return violation_at("auth", trace, i,
                          "a run (" + std::string(publish->run) + ") ran for " + std::string(publish->user) +
                              ", an identity that never presented a valid token");
    }
  }
  return std::nullopt;
}

// One server-side connection of a user's client, as the network recorded it.
struct Conn {
  std::string actor;
  std::size_t accept_index = 0;
  runtime::Nanos accepted_ns = -1;
  std::optional<runtime::Nanos> exp_ns;  // its token's, when it expires in the run
  std::optional<std::size_t> end_index;  // the first close or abort
};

std::map<std::string, Conn> user_conns(const sim::Trace& trace) {
  std::map<std::string, std::optional<runtime::Nanos>> exp_of;  // actor -> its current connect's exp
  std::map<std::string, Conn> conns;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == rec::kConnect && !sim::user_of_actor(r.actor).empty()) {
      exp_of[r.actor] = r.has_field(rf::kExp) ? parse_virtual_time(r.field(rf::kExp)) : std::nullopt;
    }
    const std::string id(r.field(rf::kConn));
    // The connection ended, as whoever saw it first recorded it (a server
    // drop by fault is the network's fault_hit, then the client's closed).
    const bool ends = r.kind == rec::kClose || r.kind == rec::kAbort || r.kind == rec::kClosed ||
                      (r.actor == sim::actor::kNet && r.kind == rec::kFaultHit &&
                       (r.field(rf::kFault) == "server_close" || r.field(rf::kFault) == "reset"));
    if (ends && !id.empty()) {
      if (const auto it = conns.find(id); it != conns.end() && !it->second.end_index) it->second.end_index = i;
    }
    if (r.actor != sim::actor::kNet) continue;
    if (r.kind == rec::kConnect) {
      const std::string client(r.field(rf::kClient));
      if (!sim::user_of_actor(client).empty()) conns[id] = Conn{client, 0, -1, exp_of[client], std::nullopt};
    } else if (const auto it = conns.find(id); it != conns.end()) {
      if (r.kind == rec::kAccept) {
        it->second.accept_index = i;
        it->second.accepted_ns = r.at_ns;
      }
    }
  }
  return conns;
}

// Every admitted identity was confirmed before, and not denied since.
std::optional<Violation> judge_confirmation(const sim::Trace& trace, const std::map<std::string, Conn>& conns) {
  const auto calls = service_calls_by_user(trace);
  std::optional<Violation> first;
  for (const auto& [id, c] : conns) {
    if (c.accepted_ns < 0 || (first && first->record_index <= c.accept_index)) continue;
    const std::string user = sim::user_of_actor(c.actor);
    const auto [confirmed, denied] = last_answers(calls_of(calls, user), c.accepted_ns);
    const std::string who = sim::client_label(c.actor) + " (connection " + id + ") was admitted at " +
                            sim::format_virtual_time(c.accepted_ns);
    if (confirmed == nullptr) {
      first = violation_at("auth", trace, c.accept_index,
                           who + ", but the auth service never confirmed " + user + " before");
    } else if (denied != nullptr) {
      first = violation_at("auth", trace, c.accept_index,
                           who + ", but the auth service denied " + user + " (revoked) at " +
                               sim::format_virtual_time(denied->at_ns) + " and had not confirmed it again");
    }
  }
  return first;
}

// The first send of a request that came in the run's thread before it
// started: all on sockets whose token had expired means the run began
// from one of them.
std::optional<Violation> judge_runs_after_expiry(const sim::Trace& trace, const ClientView& view,
                                                 const std::map<std::string, Conn>& conns) {
  struct Sent {
    runtime::Nanos at_ns;
    std::string conn;
  };
  std::map<std::pair<std::string, std::string>, std::vector<Sent>> asked;  // (user, thread) -> sends
  for (const auto& f : view.sent) {
    if (string_field(f.body, field::kType) != protocol::client_type::kUserMessage) continue;
    asked[{f.user, string_field(f.body, field::kThreadId)}].push_back({f.at_ns, f.conn});
  }
  std::map<std::string, std::string> thread_of;  // run -> thread, as clients received it
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    if (!run.empty()) thread_of.emplace(run, string_field(f.body, field::kThreadId));
  }
  const auto expired_when_sent = [&](const Sent& s) {
    const auto c = conns.find(s.conn);
    return c != conns.end() && c->second.exp_ns && s.at_ns >= *c->second.exp_ns;
  };
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto p = sim::as_publish(records[i]);
    if (!p || p->seq != 1) continue;
    const auto thread = thread_of.find(std::string(p->run));
    if (thread == thread_of.end()) continue;
    const auto sends = asked.find({std::string(p->user), thread->second});
    if (sends == asked.end()) continue;
    std::vector<const Sent*> before;
    for (const auto& s : sends->second) {
      if (s.at_ns < records[i].at_ns) before.push_back(&s);
    }
    if (before.empty() ||
        !std::all_of(before.begin(), before.end(), [&](const Sent* s) { return expired_when_sent(*s); }))
      continue;
    const Sent& s = *before.front();
    return violation_at("auth", trace, i,
                        "run " + std::string(p->run) + " started at " + sim::format_virtual_time(records[i].at_ns) +
                            " for thread " + thread->second + ", asked only on connection " + s.conn + " at " +
                            sim::format_virtual_time(s.at_ns) + ", after its token expired at " +
                            sim::format_virtual_time(*conns.at(s.conn).exp_ns));
  }
  return std::nullopt;
}

// A token that expires during a session: its socket is admitted before
// `exp`, closed 1008 by the server at `exp`, and starts no run after it.
std::optional<Violation> judge_expiry(const sim::Trace& trace, const ClientView& view,
                                      const std::map<std::string, Conn>& conns) {
  const auto& records = trace.records();
  std::optional<Violation> first;
  bool any = false;
  for (const auto& [id, c] : conns) {
    if (!c.exp_ns || c.accepted_ns < 0) continue;
    any = true;
    const runtime::Nanos exp = *c.exp_ns;
    const std::string who = sim::client_label(c.actor) + " (connection " + id + ")";
    std::optional<Violation> v;
    if (c.accepted_ns >= exp) {
      v = violation_at("auth", trace, c.accept_index,
                       who + " was admitted at " + sim::format_virtual_time(c.accepted_ns) +
                           " with a token that expired at " + sim::format_virtual_time(exp));
    } else if (!c.end_index || records[*c.end_index].at_ns >= exp) {
      const sim::TraceRecord* end = c.end_index ? &records[*c.end_index] : nullptr;
      const bool closed_1008 = end != nullptr && end->kind == rec::kClose && end->field(rf::kBy) == "server" &&
                               end->field(rf::kCode) == "1008" && end->at_ns <= exp + kExpiryMarginNs;
      if (!closed_1008) {
        const std::string then = end == nullptr
                                     ? "it was never closed"
                                     : "it ended at " + sim::format_virtual_time(end->at_ns) + " by " +
                                           std::string(end->kind) + " from the " + std::string(end->field(rf::kBy)) +
                                           " (code " + std::string(end->field(rf::kCode)) + ")";
        v = violation_at("auth", trace, end != nullptr ? *c.end_index : c.accept_index,
                         who + " was open when its token expired at " + sim::format_virtual_time(exp) +
                             " and the server did not close it 1008 by " +
                             sim::format_virtual_time(exp + kExpiryMarginNs) + ": " + then);
      }
    }
    if (v && (!first || v->record_index < first->record_index)) first = std::move(v);
  }
  if (!any) return first;
  auto runs = judge_runs_after_expiry(trace, view, conns);
  if (runs && (!first || runs->record_index < first->record_index)) first = std::move(runs);
  return first;
}

// A revoked identity is refused whenever the service could say so.
std::optional<Violation> judge_revocation(const sim::Trace& trace, const std::map<std::string, Conn>& conns,
                                          const std::vector<FaultWindow>& windows) {
  const auto calls = service_calls_by_user(trace);
  // Confirmed by the service so recently that the system need not ask again.
  const auto fresh = [&](const std::string& user, runtime::Nanos at) {
    for (const ServiceCall& c : calls_of(calls, user)) {
      if (c.allowing && c.at_ns <= at && at - c.at_ns <= kConfirmationFreshNs + kAnswerMarginNs) return true;
    }
    return false;
  };
  std::optional<Violation> first;
  for (const auto& w : windows) {
    if (w.kind != "auth_revoked") continue;
    const runtime::Nanos heal = w.to_ns == INT64_MAX ? INT64_MAX : w.to_ns - kFaultSettleNs;
    for (const auto& [id, c] : conns) {
      const std::string user = sim::user_of_actor(c.actor);
      if (c.accepted_ns < w.from_ns + kAnswerMarginNs || c.accepted_ns >= heal) continue;
      if (sim::target_of_user(user) != w.target || (first && first->record_index <= c.accept_index)) continue;
      // An auth-service outage hides the revocation: the cache stands in.
      if (auth_service_degraded(windows, c.accepted_ns) || fresh(user, c.accepted_ns)) continue;
      first = violation_at("auth", trace, c.accept_index,
                           sim::client_label(c.actor) + " (connection " + id + ") was admitted at " +
                               sim::format_virtual_time(c.accepted_ns) + " while " + user + " was revoked " +
                               format_window(w.from_ns, heal) + ", last confirmed more than " +
                               sim::format_virtual_time(kConfirmationFreshNs) +
                               " before; no auth_down, auth_slow or auth_flapping was active then (each counts "
                               "until its heal + " +
                               sim::format_virtual_time(kFaultSettleNs) + ")");
    }
  }
  return first;
}

}  // namespace

std::optional<Violation> check_auth(const sim::Trace& trace) { return check_auth(trace, build_client_view(trace)); }

std::optional<Violation> check_auth(const sim::Trace& trace, const ClientView& view) {
  std::optional<Violation> first = judge_tokens(trace, view);
  const auto keep = [&](std::optional<Violation> v) {
    if (v && (!first || v->record_index < first->record_index)) first = std::move(v);
  };
  const auto conns = user_conns(trace);
  keep(judge_expiry(trace, view, conns));
  keep(judge_execute_auth(trace, view));  // POST execute: properties/execute_checks.cpp
  // The service's answers are recorded only where it is simulated.
  bool simulated = false;
  for (const auto& r : trace.records()) simulated |= sim::is_record(r, sim::actor::kSystem, rec::kStartup);
  if (simulated) {
    keep(judge_confirmation(trace, conns));
    keep(judge_revocation(trace, conns, fault_windows(trace)));
  }
  return first;
}

}  // namespace bridgesim::properties
