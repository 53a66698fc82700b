// The Chrome/Perfetto trace export of one run (ui.perfetto.dev,
// chrome://tracing): a process per node (the server, the relay, the auth
// service, each client, the harness), a track per connection on both ends,
// an instant per trace record on its track, flow arrows from each relay
// publish to every client receive of that event, a slice per run from
// agent_started to its terminal event, and an instant at each violation.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "protocol/message_types.hpp"
#include "reports/reports.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::reports {
namespace {

double micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Assigns processes and tracks, naming each once (metadata events).
class Tracks {
 public:
  explicit Tracks(boost::json::array& events) : events_(events) {}

  struct Where {
    int pid = 0;
    int tid = 0;
  };

  Where at(const std::string& process, const std::string& track) {
    const int pid = pid_of(process);
    const auto [it, added] = tids_.try_emplace({process, track}, static_cast<int>(tids_.size()) + 1);
    if (added) meta("thread_name", pid, it->second, track);
    return {pid, it->second};
  }

  // The client a server-side connection belongs to ("net connect" names it).
  std::map<std::string, std::string> conn_client;

 private:
  int pid_of(const std::string& process) {
    const auto [it, added] = pids_.try_emplace(process, static_cast<int>(pids_.size()) + 1);
    if (added) {
      meta("process_name", it->second, 0, process);
      events_.push_back(boost::json::object{{"ph", "M"},
                                            {"name", "process_sort_index"},
                                            {"pid", it->second},
                                            {"args", boost::json::object{{"sort_index", it->second}}}});
    }
    return it->second;
  }

  void meta(const char* what, int pid, int tid, const std::string& name) {
    boost::json::object e{{"ph", "M"}, {"name", what}, {"pid", pid}, {"args", boost::json::object{{"name", name}}}};
    if (tid != 0) e["tid"] = tid;
    events_.push_back(std::move(e));
  }

  boost::json::array& events_;
  std::map<std::string, int> pids_;
  std::map<std::pair<std::string, std::string>, int> tids_;
};

bool is_client(std::string_view actor) { return actor.rfind("user:", 0) == 0; }

// The process and track of one record.
Tracks::Where place(Tracks& tracks, const sim::TraceRecord& r) {
  const std::string conn(r.field(sim::record_field::kConn));
  if (r.actor == sim::actor::kNet) {
    if (r.kind == sim::record::kConnect) tracks.conn_client[conn] = std::string(r.field(sim::record_field::kClient));
    const auto client = tracks.conn_client.find(conn);
    return tracks.at("server",
                     "conn " + conn + (client != tracks.conn_client.end() ? " (" + client->second + ")" : ""));
  }
  if (is_client(r.actor)) return tracks.at("client " + r.actor, conn.empty() ? "client" : "conn " + conn);
  if (r.actor == sim::actor::kSystem) return tracks.at("server", "system");
  if (r.actor == sim::actor::kRelay || r.actor == sim::actor::kAuthService) return tracks.at(r.actor, r.actor);
  return tracks.at("harness", r.actor);  // faults, world, probe
}

// (run, seq) of an event frame a client received; nullopt for other frames.
std::optional<std::pair<std::string, std::uint64_t>> received_event(const sim::TraceRecord& r) {
  if (!is_client(r.actor) || r.kind != sim::record::kRecv) return std::nullopt;
  boost::system::error_code ec;
  const auto frame = boost::json::parse(r.field(sim::record_field::kFrame), ec);
  if (ec || !frame.is_object()) return std::nullopt;
  const auto* run = frame.as_object().if_contains("run_id");
  const auto* seq = frame.as_object().if_contains("seq");
  if (run == nullptr || seq == nullptr || !run->is_string() || !seq->is_int64()) return std::nullopt;
  return std::make_pair(std::string(run->as_string()), static_cast<std::uint64_t>(seq->as_int64()));
}

struct Published {
  std::int64_t at_ns;
  Tracks::Where where;
};

void add_flow(boost::json::array& events, int id, const Published& from, std::int64_t to_ns, Tracks::Where to) {
  events.push_back(boost::json::object{{"ph", "s"},
                                       {"name", "deliver"},
                                       {"cat", "event"},
                                       {"id", id},
                                       {"ts", micros(from.at_ns)},
                                       {"pid", from.where.pid},
                                       {"tid", from.where.tid}});
  events.push_back(boost::json::object{{"ph", "f"},
                                       {"bp", "e"},
                                       {"name", "deliver"},
                                       {"cat", "event"},
                                       {"id", id},
                                       {"ts", micros(to_ns)},
                                       {"pid", to.pid},
                                       {"tid", to.tid}});
}

}  // namespace

std::string to_perfetto(const sim::Trace& trace, const std::vector<TraceMarker>& violations) {
  boost::json::array events;
  Tracks tracks(events);
  std::map<std::string, std::int64_t> run_start_ns;
  std::map<std::pair<std::string, std::uint64_t>, Published> published;
  std::vector<Tracks::Where> record_track;
  int flows = 0;
  for (const auto& r : trace.records()) {
    boost::json::object args;
    for (const auto& [key, value] : r.fields) args[key] = value;
    const auto where = place(tracks, r);
    record_track.push_back(where);
    // Publishes and receives are 1 µs slices: flow arrows bind to slices.
    const auto publish = sim::as_publish(r);
    const auto received = received_event(r);
    boost::json::object e{
        {"name", r.kind}, {"ts", micros(r.at_ns)}, {"pid", where.pid}, {"tid", where.tid}, {"args", std::move(args)}};
    if (publish || received) {
      e["ph"] = "X";
      e["cat"] = "record";
      e["dur"] = 1;
    } else {
      e["ph"] = "i";
      e["s"] = "t";
    }
    events.push_back(std::move(e));
    if (received) {
      const auto from = published.find(*received);
      if (from != published.end()) add_flow(events, ++flows, from->second, r.at_ns, where);
    }
    if (!publish) continue;
    const std::string run(publish->run);
    published[{run, publish->seq}] = {r.at_ns, where};
    const std::string_view type = publish->type;
    if (type == protocol::event_type::kAgentStarted) run_start_ns[run] = r.at_ns;
    if (protocol::event_type::is_terminal(type) && run_start_ns.count(run)) {
      const auto start = run_start_ns[run];
      const auto runs = tracks.at("server", "runs of " + std::string(publish->user));
      events.push_back(boost::json::object{{"name", run + " (" + std::string(publish->user) + ")"},
                                           {"ph", "X"},
                                           {"cat", "run"},
                                           {"ts", micros(start)},
                                           {"dur", micros(r.at_ns - start)},
                                           {"pid", runs.pid},
                                           {"tid", runs.tid},
                                           {"args", boost::json::object{{"outcome", type}}}});
    }
  }
  for (const auto& v : violations) {
    // On the track of the record it was found at, and across the whole view.
    const auto where =
        v.record_index < record_track.size() ? record_track[v.record_index] : tracks.at("harness", "checks");
    events.push_back(boost::json::object{
        {"name", "VIOLATION " + v.property},
        {"ph", "i"},
        {"s", "g"},
        {"ts", micros(v.at_ns)},
        {"pid", where.pid},
        {"tid", where.tid},
        {"args",
         boost::json::object{{"property", v.property}, {"message", v.message}, {"record_index", v.record_index}}}});
  }
  return boost::json::serialize(boost::json::object{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}}) +
         "\n";
}

}  // namespace bridgesim::reports
