// The progress checker: once faults heal, every client holding a valid
// token finishes its whole workload and leaves. Without it, a server that
// accepts no connection at all passes: its clients never ask anything, so
// no request is judged (found by scripts/mutation-score.sh).
#include <map>
#include <string>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;

struct ClientProgress {
  bool finished = false;  // done or gave_up (delivery judges a valid client that gave up)
  std::size_t last = 0;   // its last record
  std::size_t opens = 0;  // sockets that opened
  bool welcomed = false;  // got connection_established
};

}  // namespace

std::optional<Violation> check_progress(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  std::map<std::string, ClientProgress> clients;  // judged clients, by actor
  std::map<std::string, ClientProgress> skipped;
  const std::string welcome = '"' + std::string(protocol::event_type::kConnectionEstablished) + '"';
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    // The system is down by plan (a missing component): see `health`.
    if (sim::is_record(r, sim::actor::kSystem, rec::kHealth) && r.field(rf::kStatus) == "503") return std::nullopt;
    if (sim::user_of_actor(r.actor).empty()) continue;
    // Judged: clients whose first connect held a valid token (an attacker
    // that starts with a forged one and a client under a token fault are
    // judged by `auth` and `delivery`).
    if (r.kind == rec::kConnect && !clients.count(r.actor) && !skipped.count(r.actor)) {
      (r.field(rf::kToken) == sim::token_kind::kValid ? clients[r.actor] : skipped[r.actor]).last = i;
    }
    const auto it = clients.find(r.actor);
    if (it == clients.end()) continue;
    ClientProgress& c = it->second;
    c.last = i;
    if (r.kind == rec::kDone || r.kind == rec::kGaveUp) c.finished = true;
    if (r.kind == rec::kOpen) ++c.opens;
    if (r.kind == rec::kRecv && r.field(rf::kFrame).find(welcome) != std::string_view::npos) {
      c.welcomed = true;
    }
  }
  for (const auto& [actor, c] : clients) {
    if (c.finished) continue;
    const auto& last = records[c.last];
    const std::string state = c.opens == 0  ? "no socket of it ever opened"
                              : !c.welcomed ? "its socket opened but it was never welcomed"
                                            : "it was welcomed but never got through its messages";
    return violation_at("progress", trace, c.last,
                        sim::client_label(actor) + " holds a valid token and never finished its workload: " + state +
                            "; its last record is " + last.kind + " at " + std::to_string(last.at_ns) + " ns");
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
