#include "cli/probe_watch.hpp"

#include <boost/json.hpp>

#include "cli/duration_text.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/auth.hpp"

namespace bridgesim::cli {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;
namespace field = protocol::field;

std::string string_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string frame_type(std::string_view frame, boost::json::object* out = nullptr) {
  boost::system::error_code ec;
  auto v = boost::json::parse(frame, ec);
  if (ec || !v.is_object()) return {};
  std::string type = string_of(v.as_object(), field::kType);
  if (out != nullptr) *out = std::move(v.as_object());
  return type;
}

}  // namespace

LiveWatch::LiveWatch(const scenarios::ClientWorld& world, const scenarios::Population& clients,
                     LiveTransport& transport, runtime::Nanos disconnect_timeout_ns, std::string_view secret)
    : world_(world), clients_(clients), transport_(transport), disconnect_timeout_ns_(disconnect_timeout_ns) {
  for (std::size_t i = clients.users.size(); i < clients.actors.size(); ++i) {
    hostile_actors_.insert(clients.actors[i]);
    transport.hold(clients.actors[i]);
    const std::string user = sim::user_of_actor(clients.actors[i]);
    const std::int64_t exp = world.start_ns / runtime::kNanosPerSecond + scenarios::kTokenLifetimeS;
    attackers_.push_back(std::make_unique<LiveAttacker>(world, user, system::mint_hs256(secret, user, exp)));
    hostile_actors_.insert(sim::ClientActor{user, 3}.to_string());
    attackers_.back()->start();
  }
  if (hostile_actors_.empty()) released_ = true;
}

void LiveWatch::release_attackers() {
  if (released_) return;
  released_ = true;
  world_.record(std::string(sim::actor::kProbe), std::string(probe_record::kAttackersReleased),
                {sim::make_field(probe_record::kCount, std::to_string(learned_.size()))});
  transport_.release_held();
}

// A run id one of the probe's own users received: every attacker learns it.
void LiveWatch::learn(const sim::TraceRecord& r) {
  if (hostile_actors_.count(r.actor) != 0 || sim::user_of_actor(r.actor).empty()) return;
  const std::string frame(r.field(rf::kFrame));
  if (frame.find(field::kRunId) == std::string::npos) return;
  boost::json::object body;
  if (!protocol::event_type::is_run_event(frame_type(frame, &body))) return;
  const std::string run = string_of(body, field::kRunId);
  if (run.empty() || !learned_.insert(run).second) return;
  for (const auto& h : clients_.hostiles) h->learn_run_id(run);
  for (const auto& a : attackers_) a->aim(run);
  release_attackers();
}

void LiveWatch::scan() {
  for (; seen_ < world_.trace.records().size(); ++seen_) {
    // A copy: learning makes the attackers send, which adds records (the vector may move).
    const sim::TraceRecord r = world_.trace.records()[seen_];
    if (r.kind == rec::kRecv) learn(r);
    const auto key = std::make_pair(r.actor, std::string(r.field(rf::kConn)));
    if (r.kind == rec::kSend && frame_type(r.field(rf::kFrame)) == protocol::client_type::kDisconnect) {
      disconnects_.emplace(key, r.at_ns);
    }
    if (r.kind == rec::kClosed) disconnects_.erase(key);
  }
  const runtime::Nanos now = world_.elapsed_ns();
  for (auto it = disconnects_.begin(); it != disconnects_.end();) {
    if (now - it->second < disconnect_timeout_ns_) {
      ++it;
      continue;
    }
    const auto [client, conn] = it->first;
    const runtime::Nanos sent = it->second;
    it = disconnects_.erase(it);
    if (conn.empty()) continue;
    world_.record(std::string(sim::actor::kProbe), std::string(probe_record::kDisconnectIgnored),
                  {sim::make_field(rf::kClient, client), sim::make_field(rf::kConn, conn),
                   sim::make_field(probe_record::kSentAt, sim::format_virtual_time(sent))});
    transport_.abort_connection(client, static_cast<runtime::ConnectionId>(std::stoull(conn)));
  }
}

}  // namespace bridgesim::cli
