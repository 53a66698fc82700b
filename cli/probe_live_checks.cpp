#include "cli/probe_live_checks.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "cli/duration_text.hpp"
#include "cli/probe_watch.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;
namespace field = protocol::field;
using properties::Frame;
using properties::string_field;
using properties::Violation;

// One socket of one client, from its welcome on.
struct Socket {
  std::string actor;
  std::string user;
  runtime::Nanos welcomed_ns = -1;
  runtime::Nanos ended_ns = -1;  // first disconnect sent, close or fault; -1: open at the end
  bool judged = true;            // false: the server dropped it (not 1000)
};

// Users a fault aimed at: a fault_hit of one of their clients, or of the probe naming them.
std::set<std::string> faulted_users(const sim::Trace& trace) {
  std::set<std::string> out;
  for (const auto& r : trace.records()) {
    if (r.kind != rec::kFaultHit) continue;
    const std::string user = sim::user_of_actor(r.actor);
    if (!user.empty()) out.insert(user);
    const std::string target(r.field(rf::kTarget));
    if (target.rfind("user:", 0) == 0) out.insert(target.substr(5));
  }
  return out;
}

bool is_client_type(const Frame& f, std::string_view type) { return string_field(f.body, field::kType) == type; }

std::map<std::string, Socket> sockets_of(const sim::Trace& trace, const properties::ClientView& view) {
  std::map<std::string, Socket> sockets;  // conn -> socket
  for (const auto& f : view.received) {
    if (is_client_type(f, protocol::event_type::kConnectionEstablished) && !sockets.count(f.conn)) {
      sockets[f.conn] = Socket{f.actor, f.user, f.at_ns, -1, true};
    }
  }
  const auto end = [&](const std::string& conn, runtime::Nanos at) {
    const auto it = sockets.find(conn);
    if (it != sockets.end() && it->second.ended_ns < 0) it->second.ended_ns = at;
  };
  for (const auto& f : view.sent) {
    if (is_client_type(f, protocol::client_type::kDisconnect)) end(f.conn, f.at_ns);
  }
  for (const auto& r : trace.records()) {
    if (r.kind != rec::kClosed) continue;
    const std::string conn(r.field(rf::kConn));
    end(conn, r.at_ns);
    const auto it = sockets.find(conn);
    if (it != sockets.end() && r.field(rf::kCode) != "1000") it->second.judged = false;
  }
  return sockets;
}

std::string seq_text(const Frame& f) { return std::to_string(protocol::seq_of(f.body)); }

// A (run, seq) received twice on one socket with no resume and no request
// sent on it in between.
std::optional<Violation> duplicate_on_socket(const sim::Trace& trace, const properties::ClientView& view,
                                             const std::set<std::string>& faulted) {
  std::map<std::tuple<std::string, std::string, std::uint64_t>, std::size_t> first;  // (conn, run, seq) -> record
  std::map<std::string, std::vector<std::size_t>> asks;                              // conn -> sends that ask again
  for (const auto& f : view.sent) {
    if (is_client_type(f, protocol::client_type::kResume) || is_client_type(f, protocol::client_type::kUserMessage))
      asks[f.conn].push_back(f.record_index);
  }
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (run.empty() || seq == 0 || faulted.count(f.user) != 0) continue;
    const auto key = std::make_tuple(f.conn, run, seq);
    const auto placed = first.emplace(key, f.record_index);  // not a structured binding: clang 14 cannot capture one
    if (placed.second) continue;
    const std::size_t previous = placed.first->second;
    const auto& between = asks[f.conn];
    const bool asked =
        std::any_of(between.begin(), between.end(), [&](std::size_t i) { return i > previous && i < f.record_index; });
    placed.first->second = f.record_index;
    if (asked) continue;
    return Violation{std::string(kFanout), f.record_index, f.at_ns,
                     sim::client_label(f.actor) + " received run " + run + " seq " + seq_text(f) + " (" +
                         string_field(f.body, field::kType) +
                         ") a second time on one socket without asking again (no resume, no resent request)"};
  }
  (void)trace;
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_fanout(const sim::Trace& trace, const properties::ClientView& view) {
  const std::set<std::string> faulted = faulted_users(trace);
  if (auto v = duplicate_on_socket(trace, view, faulted)) return v;
  const auto sockets = sockets_of(trace, view);
  std::map<std::pair<std::string, std::string>, runtime::Nanos> asked;  // (user, thread) -> first request sent
  for (const auto& f : view.sent) {
    if (is_client_type(f, protocol::client_type::kUserMessage))
      asked.emplace(std::make_pair(f.user, string_field(f.body, field::kThreadId)), f.at_ns);
  }
  std::set<std::tuple<std::string, std::string, std::uint64_t>> got;  // (conn, run, seq)
  for (const auto& f : view.received)
    got.emplace(f.conn, string_field(f.body, field::kRunId), protocol::seq_of(f.body));
  std::set<std::pair<std::string, std::uint64_t>> judged;  // (run, seq), judged once at its first receipt
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (run.empty() || seq == 0 || faulted.count(f.user) != 0 || !judged.emplace(run, seq).second) continue;
    const auto request = asked.find({f.user, string_field(f.body, field::kThreadId)});
    if (request == asked.end()) continue;
    for (const auto& [conn, s] : sockets) {
      if (s.user != f.user || !s.judged || s.welcomed_ns < 0 || s.welcomed_ns >= request->second) continue;
      if (s.ended_ns >= 0 && s.ended_ns <= f.at_ns) continue;
      if (got.count({conn, run, seq}) != 0) continue;
      return Violation{std::string(kFanout), f.record_index, f.at_ns,
                       sim::client_label(s.actor) + " was open from " + sim::format_virtual_time(s.welcomed_ns) +
                           " (before the run was asked for) but never received run " + run + " seq " +
                           std::to_string(seq) + " (" + string_field(f.body, field::kType) + "), which " +
                           sim::client_label(f.actor) + " received at " + sim::format_virtual_time(f.at_ns)};
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_event_gap(const sim::Trace& trace, const properties::ClientView& view,
                                         std::int64_t max_gap_ms) {
  const std::set<std::string> faulted = faulted_users(trace);
  std::map<std::pair<std::string, std::string>, std::pair<std::uint64_t, runtime::Nanos>> last;  // (conn, run)
  const runtime::Nanos bound = max_gap_ms * runtime::kNanosPerMilli;
  for (const auto& f : view.received) {
    const std::string run = string_field(f.body, field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (run.empty() || seq == 0 || faulted.count(f.user) != 0) continue;
    const auto key = std::make_pair(f.conn, run);
    const auto it = last.find(key);
    if (it != last.end() && seq == it->second.first + 1 && f.at_ns - it->second.second > bound) {
      return Violation{std::string(kEventGap), f.record_index, f.at_ns,
                       sim::client_label(f.actor) + " received run " + run + " seq " + std::to_string(seq) + " (" +
                           string_field(f.body, field::kType) + ") " + ms_text(f.at_ns - it->second.second) +
                           " after seq " + std::to_string(it->second.first) + ", over the bound of " +
                           std::to_string(max_gap_ms) + " ms (--max-event-gap-ms)"};
    }
    if (it == last.end() || seq > it->second.first) last[key] = {seq, f.at_ns};
  }
  return std::nullopt;
}

std::optional<Violation> check_disconnect_honoured(const sim::Trace& trace, runtime::Nanos disconnect_timeout_ns) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!sim::is_record(r, sim::actor::kProbe, probe_record::kDisconnectIgnored)) continue;
    return Violation{"protocol", i, r.at_ns,
                     sim::client_label(std::string(r.field(rf::kClient))) + " sent disconnect at " +
                         std::string(r.field(probe_record::kSentAt)) + " and the server had not closed the socket " +
                         ms_text(disconnect_timeout_ns) +
                         " later (docs/protocol.md: it closes with 1000 within 1 s); the probe aborted it"};
  }
  return std::nullopt;
}

std::optional<Violation> check_foreign_cancel(const sim::Trace& trace, const properties::ClientView& view) {
  std::map<std::string, std::set<std::string>> cancelled_by;  // run -> users whose clients sent cancel for it
  for (const auto& f : view.sent) {
    if (is_client_type(f, protocol::client_type::kCancel))
      cancelled_by[string_field(f.body, field::kRunId)].insert(f.user);
  }
  for (const auto& f : view.received) {
    if (!is_client_type(f, protocol::event_type::kAgentError)) continue;
    std::string reason = string_field(f.body, field::kReason);
    std::transform(reason.begin(), reason.end(), reason.begin(), [](unsigned char c) { return std::tolower(c); });
    if (reason.find("cancel") == std::string::npos) continue;
    const std::string run = string_field(f.body, field::kRunId);
    const auto by = cancelled_by.find(run);
    if (by == cancelled_by.end() || by->second.count(f.user) != 0) continue;
    return Violation{"isolation", f.record_index, f.at_ns,
                     "run " + run + " of " + f.user + " ended cancelled (" + string_field(f.body, field::kReason) +
                         "), yet no client of " + f.user + " cancelled it: " + *by->second.begin() +
                         " did (docs/protocol.md: another user's cancel is answered unknown_run)"};
  }
  (void)trace;
  return std::nullopt;
}

}  // namespace bridgesim::cli
