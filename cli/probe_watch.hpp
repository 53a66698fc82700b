#pragma once
// What the probe does as its clients' trace grows, beyond counting who is
// done: it teaches the attackers the run ids its own users received (and
// lets their connects through once there is one to aim at), and it ends
// the sockets of clients the server left open after their `disconnect`.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "cli/live_transport.hpp"
#include "cli/probe_attacker.hpp"
#include "scenarios/client_world.hpp"
#include "scenarios/population.hpp"

namespace bridgesim::cli {

namespace probe_record {
// {client, conn, sent_at}: `client` sent `disconnect` on `conn` at sent_at and
// the server had not closed the socket `disconnect_timeout` later; the probe
// aborted it (judged under `protocol`).
inline constexpr std::string_view kDisconnectIgnored = "disconnect_ignored";
inline constexpr std::string_view kSentAt = "sent_at";
// {count}: the attackers were let through, knowing `count` run ids.
inline constexpr std::string_view kAttackersReleased = "attackers_released";
inline constexpr std::string_view kCount = "count";
}  // namespace probe_record

class LiveWatch {
 public:
  // Holds the hostile clients' connects in `transport` until release_attackers().
  // Starts one LiveAttacker per hostile client, on a token minted with `secret`.
  LiveWatch(const scenarios::ClientWorld& world, const scenarios::Population& clients, LiveTransport& transport,
            runtime::Nanos disconnect_timeout_ns, std::string_view secret);

  // Reads the records added since the last call, acts on them.
  void scan();
  // Lets the attackers connect (at the first run id learned, or when the
  // probe stops waiting for one).
  void release_attackers();
  std::size_t run_ids_learned() const { return learned_.size(); }

 private:
  void learn(const sim::TraceRecord& r);

  const scenarios::ClientWorld& world_;
  const scenarios::Population& clients_;
  LiveTransport& transport_;
  runtime::Nanos disconnect_timeout_ns_;
  std::set<std::string> hostile_actors_;
  std::vector<std::unique_ptr<LiveAttacker>> attackers_;
  std::set<std::string> learned_;
  bool released_ = false;
  std::map<std::pair<std::string, std::string>, runtime::Nanos> disconnects_;  // (client, conn) -> sent at
  std::size_t seen_ = 0;
};

}  // namespace bridgesim::cli
