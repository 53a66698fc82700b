// The checkers of what clients saw: delivery, isolation, protocol (auth: auth_checks.cpp).
#include <algorithm>
#include <map>
#include <set>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/execute_checks.hpp"
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
  for (const auto& f : view.received) {
    if (!f.parsed) {
      return violation_at("protocol", trace, f.record_index,
                          "user " + f.user + " received a frame that is not a JSON object");
    }
    const std::string type = string_field(f.body, field::kType);
    if (type.empty())
      return violation_at("protocol", trace, f.record_index, "user " + f.user + " received a frame without 'type'");
    if (!is_run_event(type)) continue;
    if (const std::string error = protocol::run_event_schema_error(f.body); !error.empty()) {
      return violation_at("protocol", trace, f.record_index,
                          "user " + f.user + " received an invalid " + type + ": " + error);
    }
  }
  return judge_execute_answers(trace, view);
}

}  // namespace bridgesim::properties
