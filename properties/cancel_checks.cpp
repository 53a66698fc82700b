// The cancel checker: a run its own user cancels ends in one agent_error
// with the cancel reason, at the source and on every connection.
#include <map>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;

// A run that completes this soon after its cancel was sent may have
// completed before the cancel arrived. 50 ms is well above the
// shipped fault-free links (at most 20 ms); slower links come with faults.
constexpr runtime::Nanos kCancelArrivalNs = 50 * runtime::kNanosPerMilli;

struct Cancelled {
  std::string user;
  std::string who;  // the client that cancelled
  runtime::Nanos at_ns = 0;
};

struct Source {
  std::string user;
  std::optional<std::size_t> terminal;  // record index of the first terminal publish
};

// What the relay carried of each cancelled run after its first terminal event.
std::optional<Violation> judge_source(const sim::Trace& trace, const std::map<std::string, Cancelled>& cancels,
                                      std::map<std::string, Source>& sources) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto p = sim::as_publish(records[i]);
    if (!p) continue;
    const std::string run(p->run);
    Source& source = sources[run];
    source.user = std::string(p->user);
    if (source.terminal && cancels.count(run) > 0) {
      const auto& first = records[*source.terminal];
      return violation_at("cancel", trace, i,
                          "cancelled run " + run + " published " + std::string(p->type) + " (seq " +
                              std::to_string(p->seq) + ") after its " + std::string(first.field("type")) + " at " +
                              sim::format_virtual_time(first.at_ns));
    }
    if (!source.terminal && protocol::event_type::is_terminal(p->type)) source.terminal = i;
  }
  return std::nullopt;
}

// Every connection: the cancel's agent_error carries the cancel reason, and
// nothing of the run follows it.
std::optional<Violation> judge_clients(const sim::Trace& trace, const ClientView& view,
                                       const std::map<std::string, Cancelled>& cancels,
                                       const std::vector<FaultWindow>& windows) {
  std::map<std::pair<std::string, std::string>, runtime::Nanos> ended;  // (conn, run) -> its agent_error
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    const auto c = cancels.find(run);
    if (c == cancels.end() || !protocol::event_type::is_run_event(string_field(f.body, field::kType))) continue;
    // Without a fault nothing else ends a run in agent_error, however soon
    // after the cancel it came.
    if (fault_explaining(windows, c->second.user, c->second.at_ns, f.at_ns) != nullptr) continue;
    const std::string who = sim::client_label(f.actor) + " (connection " + f.conn + ")";
    const std::string note = fault_free_note(c->second.user, c->second.at_ns, f.at_ns);
    if (const auto it = ended.find({f.conn, run}); it != ended.end()) {
      return violation_at("cancel", trace, f.record_index,
                          who + " received " + string_field(f.body, field::kType) + " of cancelled run " + run +
                              " after its agent_error at " + sim::format_virtual_time(it->second) + note);
    }
    if (string_field(f.body, field::kType) != protocol::event_type::kAgentError) continue;
    const std::string reason = string_field(f.body, field::kReason);
    if (reason != protocol::reasons::kCancelledByTheUser) {
      return violation_at("cancel", trace, f.record_index,
                          who + " got agent_error of run " + run + ", cancelled by " + c->second.who + " at " +
                              sim::format_virtual_time(c->second.at_ns) + ", with reason '" + reason +
                              "' instead of '" + std::string(protocol::reasons::kCancelledByTheUser) + "'" + note);
    }
    ended[{f.conn, run}] = f.at_ns;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_cancel(const sim::Trace& trace) { return check_cancel(trace, build_client_view(trace)); }

std::optional<Violation> check_cancel(const sim::Trace& trace, const ClientView& view) {
  std::map<std::string, Source> sources;
  for (const auto& r : trace.records()) {
    if (const auto p = sim::as_publish(r)) sources[std::string(p->run)].user = std::string(p->user);
  }
  std::map<std::string, Cancelled> cancels;  // run -> its user's first cancel of it
  for (const auto& f : view.sent) {
    if (string_field(f.body, field::kType) != protocol::client_type::kCancel) continue;
    const std::string run = string_field(f.body, field::kRunId);
    const auto s = sources.find(run);
    if (s == sources.end() || s->second.user != f.user) continue;  // another user's run: isolation's business
    cancels.emplace(run, Cancelled{f.user, sim::client_label(f.actor), f.at_ns});
  }
  if (cancels.empty()) return std::nullopt;
  sources.clear();
  if (auto v = judge_source(trace, cancels, sources)) return v;
  const auto windows = fault_windows(trace);
  for (const auto& [run, c] : cancels) {
    const Source& s = sources.at(run);
    if (!s.terminal) continue;  // never ended: the runs property says so
    const auto& terminal = trace.records()[*s.terminal];
    if (fault_explaining(windows, c.user, c.at_ns, terminal.at_ns) != nullptr) continue;
    if (terminal.field("type") != protocol::event_type::kAgentError && terminal.at_ns >= c.at_ns + kCancelArrivalNs) {
      return violation_at("cancel", trace, *s.terminal,
                          "run " + run + " was cancelled by " + c.who + " at " + sim::format_virtual_time(c.at_ns) +
                              " but ended with " + std::string(terminal.field("type")) +
                              fault_free_note(c.user, c.at_ns, terminal.at_ns));
    }
  }
  return judge_clients(trace, view, cancels, windows);
}

}  // namespace bridgesim::properties
