#include "cli/probe_metrics.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <utility>

#include "properties/properties.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {
namespace {
using protocol::event_type::is_run_event;
namespace event = protocol::event_type;
namespace field = protocol::field;
}  // namespace

std::vector<ClientSummary> summarize(const sim::Trace& trace, const properties::ClientView& view,
                                     const std::vector<std::string>& actors, const std::set<std::string>& finished) {
  std::map<std::string, ClientSummary> by_actor;
  for (const auto& actor : actors) {
    ClientSummary& s = by_actor[actor];
    s.actor = actor;
    const auto kind = view.token_kind.find(actor);
    s.token_kind = kind == view.token_kind.end() ? "" : kind->second;
    s.finished = finished.count(actor) != 0;
  }
  std::set<std::pair<std::string, std::string>> asked;  // (actor, client_msg_id)
  for (const auto& f : view.sent) {
    const auto it = by_actor.find(f.actor);
    if (it == by_actor.end() || properties::string_field(f.body, field::kType) != protocol::client_type::kUserMessage)
      continue;
    const std::string msg = properties::string_field(f.body, field::kClientMsgId);
    if (!msg.empty() && asked.emplace(f.actor, msg).second) ++it->second.asked;
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen;  // (actor, run, seq)
  for (const auto& f : view.received) {
    const auto it = by_actor.find(f.actor);
    const std::string type = properties::string_field(f.body, field::kType);
    if (it != by_actor.end() && type == event::kConnectionEstablished) it->second.admitted = true;
    if (it == by_actor.end() || !is_run_event(type)) continue;
    const std::uint64_t seq = protocol::seq_of(f.body);
    const std::string seq_text = seq != 0 ? std::to_string(seq) : "";
    if (!seen.emplace(f.actor, properties::string_field(f.body, field::kRunId), seq_text).second) continue;
    if (type == event::kAgentError) {
      ++it->second.errored;
      continue;
    }
    ++it->second.lifecycle_events;
    if (type == event::kAgentCompleted) ++it->second.completed;
  }
  for (const auto& r : trace.records()) {
    const auto it = by_actor.find(r.actor);
    if (it == by_actor.end() || r.kind != sim::record::kRejected) continue;
    ++it->second.rejected;
    it->second.last_rejection =
        std::string(r.field(sim::record_field::kStatus)) + " " + std::string(r.field(sim::record_field::kBody));
  }
  std::vector<ClientSummary> out;
  for (const auto& actor : actors) out.push_back(by_actor.at(actor));
  return out;
}

void measure_gaps(const properties::ClientView& view, ProbeOutcome& out) {
  struct Last {
    runtime::Nanos at_ns = 0;
    std::uint64_t seq = 0;
  };
  std::map<std::pair<std::string, std::string>, Last> last;  // (actor, run) -> previous event
  std::set<std::tuple<std::string, std::string, std::uint64_t>> seen;
  for (const auto& f : view.received) {
    const std::string type = properties::string_field(f.body, field::kType);
    const std::string run = properties::string_field(f.body, field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (!is_run_event(type) || run.empty() || seq == 0) continue;
    if (!seen.emplace(f.actor, run, seq).second) continue;  // a duplicate or a replay
    const auto key = std::make_pair(f.actor, run);
    const auto it = last.find(key);
    if (it != last.end() && f.at_ns - it->second.at_ns > out.max_event_gap_ns) {
      out.max_event_gap_ns = f.at_ns - it->second.at_ns;
      out.max_event_gap_where = f.actor + " run " + run + " seq " + std::to_string(it->second.seq) + " -> " +
                                std::to_string(seq) + " (" + type + ")";
    }
    last[key] = Last{f.at_ns, seq};
  }
}

void measure_requests(const properties::ClientView& view, ProbeOutcome& out) {
  std::map<std::pair<std::string, std::string>, runtime::Nanos> first_send;  // (actor, thread)
  for (const auto& f : view.sent) {
    if (properties::string_field(f.body, field::kType) != protocol::client_type::kUserMessage) continue;
    const std::string thread = properties::string_field(f.body, field::kThreadId);
    if (!thread.empty()) first_send.emplace(std::make_pair(f.actor, thread), f.at_ns);
  }
  std::set<std::pair<std::string, std::string>> ended;
  for (const auto& f : view.received) {
    if (!protocol::event_type::is_terminal(properties::string_field(f.body, field::kType))) continue;
    const auto key = std::make_pair(f.actor, properties::string_field(f.body, field::kThreadId));
    const auto sent = first_send.find(key);
    if (sent != first_send.end() && ended.insert(key).second)
      out.request_to_terminal_ns.push_back(f.at_ns - sent->second);
  }
  std::sort(out.request_to_terminal_ns.begin(), out.request_to_terminal_ns.end());
}

}  // namespace bridgesim::cli
