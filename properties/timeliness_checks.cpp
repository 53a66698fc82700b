// The timeliness checker: events and answers arrive in time, judged in
// virtual time wherever no fault for the user (or everyone) explains a delay.
// `delivery` and `streams` would pass a system that sends every event
// seconds late, in order and exactly once; this one does not.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "properties/timeliness.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;

std::string ms_text(runtime::Nanos ns) { return std::to_string(ns / runtime::kNanosPerMilli) + " ms"; }

struct Judge {
  const sim::Trace& trace;
  const std::vector<FaultWindow>& windows;
  std::optional<Violation> first;

  // Reports at `index` unless a fault for `user` explains [from, to].
  void unless_fault(std::size_t index, const std::string& user, runtime::Nanos from, runtime::Nanos to,
                    const std::function<std::string()>& message) {
    if (first && first->record_index <= index) return;
    if (fault_explaining(windows, user, from, to) != nullptr) return;
    first = violation_at("timeliness", trace, index, message() + fault_free_note(user, from, to));
  }
};

using Published = std::map<std::pair<std::string, std::uint64_t>, std::pair<runtime::Nanos, std::string>>;

// (run, seq) -> (published at, user), from the relay's publish records.
Published published_events(const sim::Trace& trace) {
  Published out;
  for (const auto& r : trace.records()) {
    if (const auto p = sim::as_publish(r)) {
      out.emplace(std::make_pair(std::string(p->run), p->seq), std::make_pair(r.at_ns, std::string(p->user)));
    }
  }
  return out;
}

// When each client connection opened (the client's own `open` record).
std::map<std::string, runtime::Nanos> opened_at(const sim::Trace& trace, const ClientView& view) {
  std::map<std::string, runtime::Nanos> out;
  for (const std::size_t i : view.opens) {
    const auto& r = trace.records()[i];
    out.emplace(std::string(r.field(sim::record_field::kConn)), r.at_ns);
  }
  return out;
}

// Consecutive live events of one run on one connection.
void judge_gaps(Judge& judge, const ClientView& view, const Published& published,
                const std::map<std::string, runtime::Nanos>& opened) {
  std::map<std::pair<std::string, std::string>, const Frame*> previous;  // (conn, run) -> last event
  for (const auto& f : view.received) {
    const std::string type = string_field(f.body, field::kType);
    if (!f.parsed || !protocol::event_type::is_run_event(type)) continue;
    const std::string run = string_field(f.body, field::kRunId);
    const auto pub = published.find({run, protocol::seq_of(f.body)});
    const auto open = opened.find(f.conn);
    // A replay to a connection opened after the event was published is not
    // the live stream: its gap says nothing of the system's pace.
    if (pub != published.end() && open != opened.end() && pub->second.first < open->second) continue;
    const Frame*& prev = previous[{f.conn, run}];
    if (prev != nullptr && f.at_ns - prev->at_ns > kEventGapBoundNs) {
      const Frame& p = *prev;
      judge.unless_fault(f.record_index, f.user, p.at_ns, f.at_ns, [&] {
        return sim::client_label(f.actor) + " (connection " + f.conn + ") received " + type + " (seq " +
               std::to_string(protocol::seq_of(f.body)) + ") of run " + run + " " + ms_text(f.at_ns - p.at_ns) +
               " after " + string_field(p.body, field::kType) + " (seq " + std::to_string(protocol::seq_of(p.body)) +
               "), over the " + ms_text(kEventGapBoundNs) + " bound between consecutive events";
      });
    }
    prev = &f;
  }
}

void judge_latencies(Judge& judge, const std::vector<EventLatency>& latencies) {
  for (const auto& l : latencies) {
    if (!l.live || l.received_ns - l.published_ns <= kEventLatencyBoundNs) continue;
    judge.unless_fault(l.record_index, l.user, l.published_ns, l.received_ns, [&] {
      return sim::client_label(l.actor) + " received seq " + std::to_string(l.seq) + " of run " + l.run + " " +
             ms_text(l.received_ns - l.published_ns) + " after it was published at " +
             sim::format_virtual_time(l.published_ns) + ", over the " + ms_text(kEventLatencyBoundNs) +
             " emit-to-receive bound";
    });
  }
}

// The latest heal (plus settle margin) of the faults for `user` or everyone
// that overlap [from, to]; nullopt when none does.
std::optional<runtime::Nanos> settled_after(const std::vector<FaultWindow>& windows, const std::string& user,
                                            runtime::Nanos from, runtime::Nanos to) {
  std::optional<runtime::Nanos> out;
  for (const auto& w : windows) {
    const std::vector<FaultWindow> one{w};
    if (fault_explaining(one, user, from, to) != nullptr) out = std::max(out.value_or(0), w.to_ns);
  }
  return out;
}

// Each request (its first send) to the terminal event its client received.
void judge_requests(Judge& judge, const ClientView& view) {
  std::set<std::pair<std::string, std::string>> judged;  // (actor, client_msg_id)
  // The terminal events each client received per (actor, thread_id), in
  // trace order: indexed once, so each request is a lookup, not a scan of
  // every received frame (linear, not quadratic, in the trace).
  std::map<std::pair<std::string, std::string>, std::vector<const Frame*>> terminals;
  for (const auto& f : view.received) {
    if (protocol::event_type::is_terminal(string_field(f.body, field::kType)))
      terminals[{f.actor, string_field(f.body, field::kThreadId)}].push_back(&f);
  }
  for (const auto& request : view.sent) {
    if (string_field(request.body, field::kType) != protocol::client_type::kUserMessage) continue;
    const std::string msg = string_field(request.body, field::kClientMsgId);
    const std::string thread = string_field(request.body, field::kThreadId);
    if (msg.empty() || thread.empty() || !judged.insert({request.actor, msg}).second) continue;
    const Frame* terminal = nullptr;
    if (const auto mine = terminals.find({request.actor, thread}); mine != terminals.end()) {
      const auto it = std::lower_bound(mine->second.begin(), mine->second.end(), request.record_index,
                                       [](const Frame* f, std::size_t index) { return f->record_index < index; });
      if (it != mine->second.end()) terminal = *it;
    }
    if (terminal == nullptr) continue;  // `delivery` judges a request that never ended
    const runtime::Nanos took = terminal->at_ns - request.at_ns;
    const auto settled = settled_after(judge.windows, request.user, request.at_ns, terminal->at_ns);
    const auto say = [&](const std::string& bound) {
      return sim::client_label(request.actor) + "'s message " + msg + " sent at " +
             sim::format_virtual_time(request.at_ns) + " ended at " + sim::format_virtual_time(terminal->at_ns) + " (" +
             ms_text(took) + "), " + bound;
    };
    if (!settled) {
      if (took > kRequestBoundNs) {
        judge.unless_fault(terminal->record_index, request.user, request.at_ns, terminal->at_ns, [&] {
          return say("over the " + ms_text(kRequestBoundNs) + " bound of a fault-free request");
        });
      }
      continue;
    }
    // Under faults: within the liveness bound once the faults that could
    // explain it settled (heal + margin).
    if (view.liveness_bound_ns <= 0) continue;
    const runtime::Nanos bound = std::max(request.at_ns, *settled) + view.liveness_bound_ns;
    if (terminal->at_ns > bound && (!judge.first || terminal->record_index < judge.first->record_index)) {
      judge.first = violation_at("timeliness", judge.trace, terminal->record_index,
                                 say("later than " + sim::format_virtual_time(bound) + ": the liveness bound " +
                                     ms_text(view.liveness_bound_ns) + " after the faults for " + request.user +
                                     " or everyone settled at " + sim::format_virtual_time(*settled)));
    }
  }
}

}  // namespace

std::vector<EventLatency> event_latencies(const sim::Trace& trace, const ClientView& view) {
  const Published published = published_events(trace);
  const auto opened = opened_at(trace, view);
  std::vector<EventLatency> out;
  std::set<std::tuple<std::string, std::string, std::uint64_t>> received;  // (actor, run, seq)
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (run.empty() || seq == 0) continue;
    const auto at = published.find({run, seq});
    if (at == published.end() || !received.emplace(f.actor, run, seq).second) continue;
    const auto open = opened.find(f.conn);
    const bool live = open == opened.end() || open->second <= at->second.first;
    out.push_back({f.record_index, f.actor, f.user, run, seq, at->second.first, f.at_ns, live});
  }
  return out;
}

const std::vector<EventLatency>& event_latencies_of(const sim::Trace& trace, const ClientView& view) {
  if (!view.latencies) view.latencies = std::make_shared<const std::vector<EventLatency>>(event_latencies(trace, view));
  return *view.latencies;
}

std::optional<Violation> check_timeliness(const sim::Trace& trace, const ClientView& view) {
  const auto windows = fault_windows(trace);
  const auto& latencies = event_latencies_of(trace, view);
  Judge judge{trace, windows, std::nullopt};
  judge_gaps(judge, view, published_events(trace), opened_at(trace, view));
  judge_latencies(judge, latencies);
  judge_requests(judge, view);
  return judge.first;
}

}  // namespace bridgesim::properties
