// The checkers of each connection's own stream, judged before the client's
// dedupe, resume and resend repair it: streams, cancel.
#include <algorithm>
#include <map>
#include <set>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "properties/relay_repair.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;
namespace rf = sim::record_field;
namespace rec = sim::record;

// A close this soon after a publish may cut the event off in flight.
constexpr runtime::Nanos kCloseMarginNs = 100 * runtime::kNanosPerMilli;

struct Published {
  std::uint64_t seq = 0;
  std::string type;
  runtime::Nanos at_ns = 0;
  std::size_t record_index = 0;
};

struct Run {
  std::string user;
  std::vector<Published> events;  // in publish order
};

struct Conn {
  std::string actor;
  runtime::Nanos admitted_ns = -1;  // the server accepted it
  runtime::Nanos closed_ns = INT64_MAX;
};

struct Got {
  std::uint64_t seq = 0;
  std::size_t record_index = 0;
  runtime::Nanos at_ns = 0;
};

// The relay's faults are the socket side's to repair (relay_repair.hpp): they
// excuse nothing on a connection but for a run it cannot repair.
bool is_relay_fault(std::string_view kind) { return kind.rfind("relay_", 0) == 0; }

std::map<std::string, Run> published_runs(const sim::Trace& trace) {
  std::map<std::string, Run> runs;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto p = sim::as_publish(records[i]);
    if (!p) continue;
    Run& run = runs[std::string(p->run)];
    run.user = std::string(p->user);
    run.events.push_back({p->seq, std::string(p->type), records[i].at_ns, i});
  }
  return runs;
}

// Server-side connections of clients: connect names the client, accept admits
// it, the first close, abort or reset (a fault that killed it with a code) ends it.
std::map<std::string, Conn> admitted_conns(const sim::Trace& trace) {
  std::map<std::string, Conn> conns;
  for (const auto& r : trace.records()) {
    if (r.actor != sim::actor::kNet) continue;
    const std::string id(r.field(rf::kConn));
    if (r.kind == rec::kConnect) {
      conns[id].actor = std::string(r.field(rf::kClient));
    } else if (r.kind == rec::kAccept) {
      conns[id].admitted_ns = r.at_ns;
    } else if (r.kind == rec::kClose || r.kind == rec::kAbort ||
               (r.kind == rec::kFaultHit && !r.field(rf::kCode).empty())) {  // a reset kills it too
      conns[id].closed_ns = std::min(conns[id].closed_ns, r.at_ns);
    }
  }
  return conns;
}

struct StreamJudge {
  const sim::Trace& trace;
  const std::vector<FaultWindow>& windows;     // every fault's
  const std::vector<FaultWindow>& repairable;  // without the relay's (see is_relay_fault)
  const std::vector<FaultWindow>& relay;       // the relay's alone
  const std::set<std::string>& unrepairable;   // runs the relay's faults still excuse
  std::optional<Violation> first;

  void report(std::size_t index, const std::string& message) {
    if (!first || index < first->record_index) first = violation_at("streams", trace, index, message);
  }

  void judge(const std::string& conn_id, const Conn& conn, const std::string& run_id, const Run& run,
             const std::vector<Got>& got);
};

void StreamJudge::judge(const std::string& conn_id, const Conn& conn, const std::string& run_id, const Run& run,
                        const std::vector<Got>& got) {
  const runtime::Nanos from = std::max(conn.admitted_ns, run.events.front().at_ns);
  runtime::Nanos to = std::min(conn.closed_ns, run.events.back().at_ns + kCloseMarginNs);
  if (!got.empty()) to = std::max(to, got.back().at_ns);
  if (from > to) return;  // the run was over before the connection was admitted
  if (fault_explaining(unrepairable.count(run_id) > 0 ? windows : repairable, run.user, from, to) != nullptr) return;
  // Messages are built only for a violation: this runs for every frame.
  const auto say = [&](std::size_t index, const std::string& what) {
    if (first && first->record_index <= index) return;
    report(index, sim::client_label(conn.actor) + " (connection " + conn_id + ") " + what +
                      fault_free_note(run.user, from, to));
  };
  std::set<std::uint64_t> seen;
  std::uint64_t highest = 0;
  for (const Got& g : got) {
    const auto received = [&] {
      return "received seq " + std::to_string(g.seq) + " of run " + run_id + " at " + sim::format_virtual_time(g.at_ns);
    };
    if (!seen.insert(g.seq).second) {
      say(g.record_index, received() + " a second time");
    } else if (g.seq < highest) {
      say(g.record_index, received() + " after seq " + std::to_string(highest) + " (out of order)");
    } else if (highest > 0 && g.seq > highest + 1) {
      say(g.record_index, received() + " right after seq " + std::to_string(highest) + " (a gap)");
    }
    highest = std::max(highest, g.seq);
  }
  for (const Published& p : run.events) {
    if (p.at_ns <= conn.admitted_ns || p.at_ns + kCloseMarginNs >= conn.closed_ns || seen.count(p.seq) > 0) continue;
    if (p.at_ns + kRelayRepairNs + kCloseMarginNs >= conn.closed_ns &&
        fault_explaining(relay, run.user, p.at_ns, p.at_ns) != nullptr) {
      continue;  // closed before the repair of a relay loss was due (kRelayRepairNs): lost for good
    }
    say(p.record_index, "never received seq " + std::to_string(p.seq) + " (" + p.type + ") of run " + run_id +
                            ", published at " + sim::format_virtual_time(p.at_ns) + " while it was open " +
                            format_window(conn.admitted_ns, conn.closed_ns == INT64_MAX ? to : conn.closed_ns));
  }
}

// A resume of one's own run, or a user_message sent again, is the client
// repairing its stream: only a fault may make it necessary.
std::optional<Violation> judge_recovery(const sim::Trace& trace, const ClientView& view,
                                        const std::map<std::string, Run>& runs, const StreamJudge& judge) {
  std::set<std::pair<std::string, std::string>> asked;  // (actor, client_msg_id)
  for (const auto& f : view.sent) {
    const std::string type = string_field(f.body, field::kType);
    std::string what;
    // A resume of a run the receiver could repair is excused by no relay
    // fault; a message sent again may be for a run the receiver never heard of.
    const std::vector<FaultWindow>* windows = &judge.windows;
    if (type == protocol::client_type::kResume) {
      const std::string run = string_field(f.body, field::kRunId);
      const auto it = runs.find(run);
      if (it == runs.end() || it->second.user != f.user) continue;  // not its own run: isolation's business
      what = "resumed run " + run;
      if (judge.unrepairable.count(run) == 0) windows = &judge.repairable;
    } else if (type == protocol::client_type::kUserMessage) {
      const std::string msg = string_field(f.body, field::kClientMsgId);
      if (msg.empty() || asked.insert({f.actor, msg}).second) continue;
      what = "sent message " + msg + " again";
    } else {
      continue;
    }
    if (fault_explaining(*windows, f.user, f.at_ns, f.at_ns) != nullptr) continue;
    return violation_at("streams", trace, f.record_index,
                        sim::client_label(f.actor) + " " + what + " at " + sim::format_virtual_time(f.at_ns) +
                            ", a recovery" + fault_free_note(f.user, f.at_ns, f.at_ns));
  }
  return std::nullopt;
}

// A retried request (a client_msg_id its client sent before) whose run the
// log still holds is answered with that run's events from the first
// (docs/protocol.md): so on the connection that retried, the first event of
// the run published before the connection was admitted -- one that came from
// the log, not live -- is seq 1, unless the client resumed the run there first
// or a relay fault held a live event back until after the admission (swarm
// seeds 433 and 661 of receiver_bounds).
std::optional<Violation> judge_retry_replays(const sim::Trace& trace, const ClientView& view,
                                             const std::map<std::string, Run>& runs,
                                             const std::map<std::string, Conn>& conns, const StreamJudge& judge) {
  std::set<std::pair<std::string, std::string>> asked;                  // (actor, client_msg_id)
  std::map<std::pair<std::string, std::string>, const Frame*> retried;  // (conn, thread) -> its first retry
  std::map<std::pair<std::string, std::string>, std::size_t> resumed;   // (conn, run) -> its first resume
  for (const auto& f : view.sent) {
    const std::string type = string_field(f.body, field::kType);
    if (type == protocol::client_type::kResume) {
      resumed.emplace(std::make_pair(f.conn, string_field(f.body, field::kRunId)), f.record_index);
      continue;
    }
    if (type != protocol::client_type::kUserMessage && type != protocol::client_type::kStartAgent) continue;
    const std::string msg = string_field(f.body, field::kClientMsgId);
    if (msg.empty() || asked.insert({f.actor, msg}).second) continue;
    retried.emplace(std::make_pair(f.conn, string_field(f.body, field::kThreadId)), &f);
  }
  if (retried.empty()) return std::nullopt;
  std::set<std::pair<std::string, std::string>> judged;  // (conn, run): its first replayed event only
  for (const auto& f : view.received) {
    if (!f.parsed || !protocol::event_type::is_run_event(string_field(f.body, field::kType))) continue;
    const auto retry = retried.find({f.conn, string_field(f.body, field::kThreadId)});
    if (retry == retried.end() || retry->second->record_index > f.record_index) continue;
    const std::string run_id = string_field(f.body, field::kRunId);
    const auto run = runs.find(run_id);
    const auto conn = conns.find(f.conn);
    if (run == runs.end() || conn == conns.end() || conn->second.admitted_ns < 0) continue;
    const std::uint64_t seq = protocol::seq_of(f.body);
    const auto published = std::find_if(run->second.events.begin(), run->second.events.end(),
                                        [seq](const Published& p) { return p.seq == seq; });
    if (published == run->second.events.end() || published->at_ns >= conn->second.admitted_ns) continue;  // live
    if (!judged.insert({f.conn, run_id}).second || seq == 1) continue;
    if (const auto r = resumed.find({f.conn, run_id}); r != resumed.end() && r->second < f.record_index) continue;
    if (fault_explaining(judge.relay, run->second.user, published->at_ns, f.at_ns) != nullptr) continue;
    return violation_at("streams", trace, f.record_index,
                        sim::client_label(f.actor) + " (connection " + f.conn + ") retried message " +
                            string_field(retry->second->body, field::kClientMsgId) + " at " +
                            sim::format_virtual_time(retry->second->at_ns) + " and got run " + run_id +
                            " replayed from seq " + std::to_string(seq) +
                            ": a retry is answered with the run's events from the first");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_streams(const sim::Trace& trace) {
  return check_streams(trace, build_client_view(trace));
}

std::optional<Violation> check_streams(const sim::Trace& trace, const ClientView& view) {
  const auto runs = published_runs(trace);
  const auto conns = admitted_conns(trace);
  const auto windows = fault_windows(trace);
  std::map<std::pair<std::string, std::string>, std::vector<Got>> got;  // (conn, run) -> what arrived
  for (const auto& f : view.received) {
    if (!f.parsed || !protocol::event_type::is_run_event(string_field(f.body, field::kType))) continue;
    const std::string run = string_field(f.body, field::kRunId);
    if (runs.count(run) == 0) continue;  // never published: isolation and protocol judge it
    got[{f.conn, run}].push_back({protocol::seq_of(f.body), f.record_index, f.at_ns});
  }
  std::vector<FaultWindow> repairable, relay;
  for (const auto& w : windows) (is_relay_fault(w.kind) ? relay : repairable).push_back(w);
  const auto unrepairable = unrepairable_runs(trace);
  StreamJudge judge{trace, windows, repairable, relay, unrepairable, std::nullopt};
  static const std::vector<Got> kNone;
  // Each user's runs, in run_id order: every admitted connection is judged
  // against its own user's runs only (linear, not connections x all runs).
  std::map<std::string, std::vector<std::map<std::string, Run>::const_iterator>> runs_of;
  for (auto run = runs.begin(); run != runs.end(); ++run) runs_of[run->second.user].push_back(run);
  for (const auto& [conn_id, conn] : conns) {
    if (conn.admitted_ns < 0) continue;
    const auto mine = runs_of.find(sim::user_of_actor(conn.actor));
    if (mine == runs_of.end()) continue;
    for (const auto& run : mine->second) {
      const auto it = got.find({conn_id, run->first});
      judge.judge(conn_id, conn, run->first, run->second, it == got.end() ? kNone : it->second);
    }
  }
  std::optional<Violation> first = judge.first;
  for (auto other : {judge_recovery(trace, view, runs, judge), judge_retry_replays(trace, view, runs, conns, judge)}) {
    if (other && (!first || other->record_index < first->record_index)) first = std::move(other);
  }
  return first;
}

}  // namespace bridgesim::properties
