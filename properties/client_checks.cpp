// The checkers of what clients saw: delivery, isolation, protocol (auth: auth_checks.cpp).
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/execute_checks.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "properties/relay_repair.hpp"
#include "protocol/fields.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/message_types.hpp"
#include "protocol/schema.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;
namespace rf = sim::record_field;
namespace rec = sim::record;
using protocol::event_type::is_run_event;

// One request (a user_message), judged as its client accepts events: the
// next seq only; lower is a duplicate, higher a gap the client asks to have
// resumed.
// The run events each client received, per (actor, thread_id), in trace
// order: built once, so judging every request reads only its own thread's
// frames instead of every received frame (linear, not quadratic, in the trace).
using ThreadFrames = std::map<std::pair<std::string, std::string>, std::vector<const Frame*>>;

ThreadFrames run_events_by_thread(const ClientView& view) {
  ThreadFrames out;
  for (const auto& f : view.received) {
    if (!is_run_event(string_field(f.body, field::kType))) continue;
    const std::string thread = string_field(f.body, field::kThreadId);
    if (!thread.empty()) out[{f.actor, thread}].push_back(&f);
  }
  return out;
}

std::optional<Violation> judge_request(const sim::Trace& trace, const ClientView& view, const Frame& request,
                                       const std::set<std::pair<std::string, std::string>>& cancels,
                                       const ThreadFrames& by_thread, const LostForGood& lost) {
  const std::string thread = string_field(request.body, field::kThreadId);
  const std::string msg = string_field(request.body, field::kClientMsgId);
  const std::string who = sim::client_label(request.actor);
  std::vector<std::string> accepted;
  std::string run;
  std::uint64_t expected = 1;
  protocol::LifecycleOrder order;  // one to three tool calls, thinking between them: docs/protocol.md
  const Frame* terminal = nullptr;
  static const std::vector<const Frame*> kNone;
  const auto mine = by_thread.find({request.actor, thread});
  const auto& frames = mine == by_thread.end() ? kNone : mine->second;
  const auto from = std::lower_bound(frames.begin(), frames.end(), request.record_index,
                                     [](const Frame* f, std::size_t index) { return f->record_index < index; });
  for (auto it = from; it != frames.end(); ++it) {
    const Frame& f = **it;
    const std::string type = string_field(f.body, field::kType);
    const std::string this_run = string_field(f.body, field::kRunId);
    if (run.empty()) run = this_run;
    if (this_run != run) {
      return violation_at("delivery", trace, f.record_index,
                          who + "'s message " + msg + " started more than one run (" + run + ", " + this_run + ")");
    }
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (seq != expected) continue;
    if (type == protocol::event_type::kAgentError &&
        string_field(f.body, field::kReason) == protocol::reasons::kCancelledByTheUser &&
        cancels.count({request.user, run}) == 0) {
      return violation_at(
          "delivery", trace, f.record_index,
          "run " + run + " of " + who + " was cancelled, but " + request.user + " never asked to cancel it");
    }
    if (const std::string why = order.next(type, string_field(f.body, field::kToolName)); !why.empty()) {
      return violation_at("delivery", trace, f.record_index,
                          who + "'s message " + msg + " got " + type + " as seq " + std::to_string(seq) +
                              "; expected " + order.expected() + " (accepted so far: " + join(accepted) + ")");
    }
    accepted.push_back(type);
    ++expected;
    if (order.ended()) {
      terminal = &f;
      break;
    }
  }
  if (terminal == nullptr) {
    if (lost.excuses(run, request.user, request.at_ns)) return std::nullopt;
    return violation_at("delivery", trace, request.record_index,
                        who + "'s message " + msg + " (thread " + thread + ") received " + join(accepted) +
                            " and never " + join(order.shortest_rest()));
  }
  if (view.liveness_bound_ns > 0) {
    const runtime::Nanos bound = std::max(request.at_ns, view.heal_by_ns) + view.liveness_bound_ns;
    if (terminal->at_ns > bound) {
      return violation_at("delivery", trace, terminal->record_index,
                          who + "'s message " + msg + " ended at " + sim::format_virtual_time(terminal->at_ns) +
                              ", later than its liveness bound " + sim::format_virtual_time(bound));
    }
  }
  return std::nullopt;
}

// A client holding a valid token must get in once faults heal, unless the
// system itself is down (a planned missing component: see `health`).
std::optional<Violation> judge_admission(const sim::Trace& trace, const ClientView& view) {
  const auto& records = trace.records();
  for (const auto& r : records) {
    if (sim::is_record(r, sim::actor::kSystem, rec::kHealth) && r.field(rf::kStatus) == "503") return std::nullopt;
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind != rec::kGaveUp || sim::user_of_actor(r.actor).empty()) continue;
    const auto kind = view.token_kind.find(r.actor);
    if (kind != view.token_kind.end() && kind->second == sim::token_kind::kValid) {
      return violation_at("delivery", trace, i,
                          sim::client_label(r.actor) +
                              " holds a valid token and was never admitted: " + std::string(r.field(rf::kWhy)));
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<Violation> check_isolation(const sim::Trace& trace) {
  return check_isolation(trace, build_client_view(trace));
}

std::optional<Violation> check_isolation(const sim::Trace& trace, const ClientView& view) {
  std::map<std::string, std::set<std::string>> threads_of;  // user -> threads they asked in
  for (const auto* frames : {&view.sent, &view.executed}) {
    for (const auto& f : *frames) {
      if (const auto t = string_field(f.body, field::kThreadId); !t.empty()) threads_of[f.user].insert(t);
    }
  }
  std::map<std::string, std::string> run_owner;  // run_id -> the user who first received it
  for (const auto& f : view.received) {
    if (!f.parsed) continue;
    const auto owner = view.conn_owner.find(f.conn);
    const std::string& conn_user = owner == view.conn_owner.end() ? f.user : owner->second;
    const std::string type = string_field(f.body, field::kType);
    const std::string event_user = string_field(f.body, field::kUserId);
    if (!event_user.empty() && event_user != conn_user) {
      return violation_at("isolation", trace, f.record_index,
                          "user " + conn_user + " received " + type + " of user " + event_user + " (run " +
                              string_field(f.body, field::kRunId) + ", thread " +
                              string_field(f.body, field::kThreadId) + ") on connection " + f.conn);
    }
    if (!is_run_event(type)) continue;
    const std::string thread = string_field(f.body, field::kThreadId);
    if (threads_of[conn_user].count(thread) == 0) {
      return violation_at("isolation", trace, f.record_index,
                          "user " + conn_user + " received " + type + " for thread '" + thread +
                              "', which is not one of theirs, on connection " + f.conn);
    }
    const std::string run = string_field(f.body, field::kRunId);
    const auto [it, first] = run_owner.emplace(run, conn_user);
    if (!first && it->second != conn_user) {
      return violation_at("isolation", trace, f.record_index,
                          "run " + run + " reached both user " + it->second + " and user " + conn_user);
    }
  }
  return judge_execute_isolation(trace, view);
}

std::optional<Violation> check_delivery(const sim::Trace& trace) {
  return check_delivery(trace, build_client_view(trace));
}

std::optional<Violation> check_delivery(const sim::Trace& trace, const ClientView& view) {
  if (auto v = judge_admission(trace, view)) return v;
  std::set<std::pair<std::string, std::string>> cancels;  // (user, run_id) the user itself cancelled
  std::set<std::pair<std::string, std::string>> judged;   // (actor, client_msg_id): retries are one request
  for (const auto& f : view.sent) {
    if (string_field(f.body, field::kType) == protocol::client_type::kCancel) {
      cancels.insert({f.user, string_field(f.body, field::kRunId)});
    }
  }
  const ThreadFrames by_thread = run_events_by_thread(view);
  const LostForGood lost(trace);
  for (const auto& request : view.sent) {
    if (string_field(request.body, field::kType) != protocol::client_type::kUserMessage) continue;
    const std::string msg = string_field(request.body, field::kClientMsgId);
    // A malformed request is answered with an error, not a run.
    if (string_field(request.body, field::kThreadId).empty() || msg.empty() ||
        string_field(request.body, field::kText).empty()) {
      continue;
    }
    if (!judged.insert({request.actor, msg}).second) continue;
    if (auto v = judge_request(trace, view, request, cancels, by_thread, lost)) return v;
  }
  return judge_execute_delivery(trace, view, lost);
}

namespace {

// --- protocol: every refused frame is answered -----------------------------
// What the server must answer a frame with (docs/protocol.md, "Errors"):
// "error:<code>" or "pong"; "" when this clause does not judge it (a frame
// the handlers judge field by field).
std::string expected_answer(std::string_view text, std::size_t frame_bytes_max) {
  // A client records a frame over 256 bytes as "<N bytes>" (scenarios/workloads.cpp).
  if (text.size() > 7 && text.front() == '<' && text.substr(text.size() - 7) == " bytes>") {
    const std::string digits(text.substr(1, text.size() - 8));
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoull(digits) > frame_bytes_max ? "error:" + std::string(protocol::error_codes::kFrameTooLarge) : "";
    }
  }
  if (text.size() > frame_bytes_max) return "error:" + std::string(protocol::error_codes::kFrameTooLarge);
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) return "error:" + std::string(protocol::error_codes::kInvalidJson);
  const auto* type = parsed.is_object() ? parsed.as_object().if_contains(field::kType) : nullptr;
  if (type == nullptr || !type->is_string()) return "error:" + std::string(protocol::error_codes::kInvalidMessage);
  const std::string_view name = type->as_string();
  if (name == protocol::client_type::kPing) return std::string(protocol::event_type::kPong);
  for (const auto known :
       {protocol::client_type::kUserMessage, protocol::client_type::kStartAgent, protocol::client_type::kResume,
        protocol::client_type::kCancel, protocol::client_type::kDisconnect}) {
    if (name == known) return {};
  }
  return "error:" + std::string(protocol::error_codes::kUnknownType);
}

// Each frame refused before any handler (too large, not JSON, not an object,
// no type, an unknown type) gets its `error` frame and a ping its pong, in
// the order sent, on that connection -- where the answer was due: the
// connection stayed open 100 ms after the frame, or the client went on to
// send `disconnect` (answered in order, before the close), and no fault for
// the user was active.
std::optional<Violation> judge_refused_frames(const sim::Trace& trace, const ClientView& view) {
  const auto& records = trace.records();
  std::size_t frame_bytes_max = protocol::kFrameBytesMaxDefault;
  std::map<std::string, runtime::Nanos> closed;  // conn -> its first close, abort or closed record
  // Simulated traces only: a live server's frame cap and its answer to a
  // frame past it (an error, a 1009 close) are its own (docs/probe.md).
  bool simulated = false;
  for (const auto& r : records) simulated |= sim::is_record(r, sim::actor::kSystem, rec::kStartup);
  if (!simulated) return std::nullopt;
  for (const auto& r : records) {
    if (sim::is_record(r, sim::actor::kSystem, rec::kLimits) && r.has_field("frame_bytes_max"))
      frame_bytes_max = std::stoull(std::string(r.field("frame_bytes_max")));
    if (r.kind == rec::kClose || r.kind == rec::kAbort || r.kind == rec::kClosed) {
      const std::string conn(r.field(rf::kConn));
      if (!conn.empty()) closed.emplace(conn, r.at_ns);
    }
  }
  std::map<std::string, std::vector<const Frame*>> sent_on, received_on;
  for (const auto& f : view.sent) sent_on[f.conn].push_back(&f);
  for (const auto& f : view.received) received_on[f.conn].push_back(&f);
  const auto windows = fault_windows(trace);
  constexpr runtime::Nanos kDueNs = 100 * runtime::kNanosPerMilli;
  static const std::vector<const Frame*> kNone;
  for (const auto& [conn, sent] : sent_on) {
    const auto close = closed.find(conn);
    const runtime::Nanos closed_ns = close == closed.end() ? INT64_MAX : close->second;
    bool disconnect_follows = false;
    std::vector<std::pair<const Frame*, std::string>> due;  // newest first while walking back
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      const Frame& f = **it;
      const std::string want = expected_answer(records[f.record_index].field(rf::kFrame), frame_bytes_max);
      if (f.parsed && string_field(f.body, field::kType) == protocol::client_type::kDisconnect)
        disconnect_follows = true;
      if (want.empty() || (!disconnect_follows && f.at_ns + kDueNs > closed_ns)) continue;
      if (fault_explaining(windows, f.user, f.at_ns, f.at_ns) != nullptr) continue;
      due.emplace_back(&f, want);
    }
    if (due.empty()) continue;
    std::reverse(due.begin(), due.end());
    std::size_t next = 0;
    const auto got = received_on.find(conn);
    for (const Frame* r : got == received_on.end() ? kNone : got->second) {
      if (next == due.size()) break;
      if (r->record_index < due[next].first->record_index) continue;
      const std::string type = string_field(r->body, field::kType);
      const std::string answer =
          type == protocol::event_type::kError ? "error:" + string_field(r->body, field::kCode) : type;
      if (answer == due[next].second) ++next;
    }
    if (next == due.size()) continue;
    const Frame& f = *due[next].first;
    const std::string_view text = records[f.record_index].field(rf::kFrame);
    return violation_at("protocol", trace, f.record_index,
                        sim::client_label(f.actor) + " sent a frame of " + std::to_string(text.size()) +
                            " bytes on connection " + conn + " (" + std::string(text.substr(0, 40)) +
                            (text.size() > 40 ? "..." : "") + ") and never got its answer, " + due[next].second);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_protocol(const sim::Trace& trace) {
  return check_protocol(trace, build_client_view(trace));
}

std::optional<Violation> check_protocol(const sim::Trace& trace, const ClientView& view) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == rec::kViolation) {
      return violation_at("protocol", trace, i,
                          "the server broke the WebSocket state machine on connection " +
                              std::string(r.field(rf::kConn)) + ": " + std::string(r.field(rf::kWhat)));
    }
  }
  // With the session middleware installed (health names it degraded when
  // not), every welcome carries its session_id; without, none does.
  std::optional<bool> sessions;
  for (const auto& r : records) {
    if (!sim::is_record(r, sim::actor::kSystem, rec::kHealth)) continue;
    boost::system::error_code ec;
    const auto health = boost::json::parse(r.field(rf::kBody), ec);
    sessions = true;
    const auto* degraded = !ec && health.is_object() ? health.as_object().if_contains("degraded") : nullptr;
    if (degraded != nullptr && degraded->is_array()) {
      for (const auto& d : degraded->as_array())
        if (d.is_string() && d.as_string().starts_with("session")) sessions = false;
    }
    break;
  }
  for (const auto& f : view.received) {
    if (!f.parsed) {
      return violation_at("protocol", trace, f.record_index,
                          "user " + f.user + " received a frame that is not a JSON object");
    }
    const std::string type = string_field(f.body, field::kType);
    if (type.empty())
      return violation_at("protocol", trace, f.record_index, "user " + f.user + " received a frame without 'type'");
    if (type == protocol::event_type::kConnectionEstablished && sessions) {
      const auto* session = f.body.if_contains(field::kSessionId);
      const bool has = session != nullptr && session->is_string() && !session->as_string().empty();
      if (has != *sessions) {
        return violation_at("protocol", trace, f.record_index,
                            "user " + f.user + " was welcomed " + (has ? "with" : "without") +
                                " a session_id while the session middleware was " +
                                (*sessions ? "installed" : "not installed (health: degraded)"));
      }
    }
    if (!is_run_event(type)) continue;
    if (const std::string error = protocol::run_event_schema_error(f.body); !error.empty()) {
      return violation_at("protocol", trace, f.record_index,
                          "user " + f.user + " received an invalid " + type + ": " + error);
    }
  }
  if (auto refused = judge_refused_frames(trace, view)) return refused;
  return judge_execute_answers(trace, view);
}

}  // namespace bridgesim::properties
