#include "cli/probe_live_loop.hpp"

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "cli/duration_text.hpp"
#include "cli/live_transport.hpp"
#include "cli/probe_faults.hpp"
#include "cli/probe_profile.hpp"
#include "cli/probe_watch.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/client_world.hpp"
#include "scenarios/population.hpp"
#include "scenarios/workload_mix.hpp"
#include "sim/rng.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/net/async_client.hpp"
#include "system/net/real_runtime.hpp"

namespace bridgesim::cli {
namespace {

using runtime::Nanos;
namespace rec = sim::record;
namespace rf = sim::record_field;
using sim::make_field;

constexpr Nanos kPollNs = 20 * runtime::kNanosPerMilli;
constexpr Nanos kHeartbeatNs = runtime::kNanosPerSecond;
constexpr Nanos kAttackerWaitNs = 2 * runtime::kNanosPerSecond;

// Follows the trace as it grows: which clients are done, how many frames arrived.
class Watcher {
 public:
  Watcher(const sim::Trace& trace, const scenarios::Population& clients) : trace_(trace), clients_(clients) {
    for (std::size_t i = clients.users.size(); i < clients.actors.size(); ++i) hostile_.emplace(clients.actors[i], 0);
  }

  // New "actor finished" lines since the last call.
  std::vector<std::string> scan() {
    const auto& records = trace_.records();
    for (; seen_ < records.size(); ++seen_) {
      const auto& r = records[seen_];
      if (r.kind == rec::kRecv) ++frames_received_;
      const auto h = hostile_.find(r.actor);
      if (h == hostile_.end()) continue;
      // A hostile client is done once it left, or once both its tokens were refused.
      if (r.kind == rec::kDone) h->second = 2;
      if (r.kind == rec::kRejected) ++h->second;
    }
    std::vector<std::string> newly;
    for (std::size_t i = 0; i < clients_.actors.size(); ++i) {
      const std::string& actor = clients_.actors[i];
      if (done_.count(actor) != 0) continue;
      const bool finished = i < clients_.users.size() ? clients_.users[i]->finished() : hostile_.at(actor) >= 2;
      if (!finished) continue;
      done_.insert(actor);
      newly.push_back(actor);
    }
    return newly;
  }

  bool all_done() const { return done_.size() == clients_.actors.size(); }
  bool done(const std::string& actor) const { return done_.count(actor) != 0; }
  std::size_t done_count() const { return done_.size(); }
  std::size_t frames_received() const { return frames_received_; }

 private:
  const sim::Trace& trace_;
  const scenarios::Population& clients_;
  std::map<std::string, int> hostile_;  // actor -> 2 when done
  std::set<std::string> done_;
  std::size_t seen_ = 0;
  std::size_t frames_received_ = 0;
};

bool is_welcome(std::string_view frame) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(frame, ec);
  if (ec || !v.is_object()) return false;
  const auto* type = v.as_object().if_contains(protocol::field::kType);
  return type != nullptr && type->is_string() && type->as_string() == protocol::event_type::kConnectionEstablished;
}

// What the probe saw when it stopped: who never got in, and why it stopped.
// A socket that opened but was never welcomed (docs/protocol.md: the first
// frame on an admitted socket is connection_established) did not let its
// client in either: the client waits for the welcome before it asks anything.
void record_stop(const ProbeSpec& spec, const scenarios::ClientWorld& world, const scenarios::Population& clients,
                 const Watcher& watcher, LiveRun& run) {
  run.actors = clients.actors;
  for (const auto& actor : clients.actors) {
    if (watcher.done(actor)) run.finished.insert(actor);
  }
  const std::string probe(sim::actor::kProbe);
  std::map<std::string, bool> welcomed;  // actor -> its latest socket got connection_established
  for (const auto& r : world.trace.records()) {
    if (r.kind == rec::kOpen) welcomed[r.actor] = false;
    const auto latest = welcomed.find(r.actor);
    if (r.kind == rec::kRecv && latest != welcomed.end() && is_welcome(r.field(rf::kFrame))) latest->second = true;
  }
  const std::string deadline = "before the probe's deadline (" + seconds_text(spec.deadline_s) + ")";
  for (const auto& c : clients.users) {
    if (c->finished()) continue;
    const auto latest = welcomed.find(c->actor());
    if (latest != welcomed.end() && latest->second) continue;
    const std::string why = latest == welcomed.end()
                                ? "not admitted " + deadline
                                : "its socket opened, but no connection_established came " + deadline;
    world.record(probe, std::string(rec::kNotAdmitted),
                 {make_field(rf::kClient, c->actor()), make_field(rf::kWhy, why)});
  }
  world.record(probe, std::string(rec::kEnd),
               {make_field(rf::kReason, run.all_finished ? "finished" : "deadline"),
                make_field(rf::kClients, std::to_string(clients.actors.size())),
                make_field(rf::kFinished, std::to_string(run.finished.size()))});
}

scenarios::Population populate_live(const ProbeSpec& spec, const scenarios::ClientWorld& world) {
  scenarios::PopulationSpec population;
  population.jwt_secret = spec.token_secret;
  population.now_unix_s = world.start_ns / runtime::kNanosPerSecond;
  population.token_faults = &spec.scenario.faults;
  population.client_faults = &spec.scenario.faults;  // client_close: UserClient enacts it
  population.mix = scenarios::mix_for(spec.scenario.mix, spec.seed);
  population.msg_id_prefix = spec.msg_id_prefix;
  return scenarios::populate(spec.scenario, world, sim::Rng(spec.seed), population);
}

}  // namespace

LiveRun run_live(const ProbeSpec& spec, sim::Trace& trace, const std::function<void(const std::string&)>& say) {
  // Declared first, destroyed last: everything below holds its objects.
  // Destroying the clients detaches their sockets; the io_context then drops
  // the handlers still pending (timers of clients that are gone) unrun.
  boost::asio::io_context io{1};
  net::RealClock clock;
  net::AsioTimers asio_timers(io);
  NonNegativeTimers timers(asio_timers);
  net::AsyncClientOptions network_options;
  network_options.tls = spec.tls;
  net::AsyncClientTransport network(io, spec.url.host, spec.url.port, network_options);
  LiveTransport transport(network, spec.url.target);
  ProfiledClientTransport profiled(transport, spec.profile);  // the clients' frames in the profile's dialect
  const scenarios::ClientWorld world{clock, timers, clock.now_ns(), trace, profiled};
  const scenarios::Population clients = populate_live(spec, world);
  Watcher watcher(trace, clients);
  LiveWatch watch(world, clients, transport, spec.disconnect_timeout_ns, spec.token_secret);
  schedule_probe_faults(plan_live_faults(spec.scenario), world, transport);
  const auto progress = [&](const std::string& what) {
    say(sim::format_virtual_time(world.elapsed_ns()) + " " + what);
  };
  const auto count = [&] { return std::to_string(watcher.done_count()) + "/" + std::to_string(clients.actors.size()); };

  const Nanos deadline_ns = static_cast<Nanos>(spec.deadline_s * static_cast<double>(runtime::kNanosPerSecond));
  LiveRun run;
  Nanos next_heartbeat_ns = kHeartbeatNs;
  std::function<void()> poll = [&] {
    watch.scan();
    for (const auto& actor : watcher.scan()) progress(actor + " finished (" + count() + ")");
    if (watcher.all_done()) {
      run.all_finished = true;
      return io.stop();
    }
    if (world.elapsed_ns() >= next_heartbeat_ns) {
      next_heartbeat_ns += kHeartbeatNs;
      progress(count() + " clients finished, " + std::to_string(watcher.frames_received()) + " frames received");
    }
    timers.call_after(kPollNs, poll);
  };
  timers.call_after(kPollNs, poll);
  // Attackers wait for a run id to aim at, not for ever.
  timers.call_after(std::min(kAttackerWaitNs, deadline_ns / 3), [&] { watch.release_attackers(); });
  timers.call_after(deadline_ns, [&] {
    progress("deadline (" + seconds_text(spec.deadline_s) + "): stopping with " +
             std::to_string(clients.actors.size() - watcher.done_count()) + " client(s) unfinished");
    io.stop();
  });
  io.run();
  watcher.scan();
  record_stop(spec, world, clients, watcher, run);
  return run;
}

}  // namespace bridgesim::cli
