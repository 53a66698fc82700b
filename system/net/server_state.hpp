#pragma once
// What the server's parts share (Beast's example servers call it the shared
// state): the limits and entry points, the registry of live sockets that
// stop() drains, and the counters the Server reports. Only the io thread
// touches it, except the atomics, which back the Server's any-thread getters.
// Private to system/net (it carries Asio types).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "system/net/beast_common.hpp"
#include "system/net/server.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/random.hpp"

namespace bridgesim::net::detail {

// What the server needs of every socket it tracks, HTTP or WebSocket.
class Socket {
 public:
  virtual ~Socket() = default;
  // stop(): end politely (a 1001 close frame, or close an idle HTTP socket).
  virtual void begin_shutdown() = 0;
  // Close the socket now; pending operations complete with an error.
  virtual void cut() = 0;
  // The Server is going away: never call the App again, then cut.
  virtual void detach() = 0;
  // Outbound bytes this socket lags by and could shed (0 once it is closing
  // or when it is no WebSocket), and whose they are.
  virtual std::size_t sheddable_bytes() const { return 0; }
  virtual std::string_view user() const { return {}; }
  // Over a byte budget: drop what is queued, close 1013 (slow consumer).
  virtual void shed() {}
};

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(asio::io_context& io_context, ServerLimits server_limits, ServerHandlers server_handlers);

  // A socket's entry, by serial (accept order). An upgrade re-tracks the
  // same serial with its new owner.
  void track(std::uint64_t serial, std::weak_ptr<Socket> socket);
  void forget(std::uint64_t serial);
  std::size_t live_sockets() const { return live_.size(); }

  // Admission at accept (listener.cpp): what a new socket from `peer_ip`
  // is, before it is tracked. kRefuse: answer 503 at once and close.
  enum class Admission { kAdmit, kHealthOnly, kRefuse };
  Admission admission(const std::string& peer_ip) const;
  // Counts a tracked socket against its peer (and the health reserve);
  // forget() releases it.
  void count_peer(std::uint64_t serial, std::string peer_ip, bool health_only);
  std::size_t peer_sockets(const std::string& peer_ip) const;

  // Outbound bytes queued or in flight, per user and in all (the byte
  // budgets). Every add is matched by a remove of the same user and size.
  void add_outbound(std::string_view user, std::size_t bytes);
  void remove_outbound(std::string_view user, std::size_t bytes);
  // Sheds the connections lagging most (of `user` while the user's budget
  // is exceeded, of the server while the server's is) until `bytes` more
  // fit both budgets, or none is left to shed; false when `self` was shed.
  bool make_room(const Socket& self, std::string_view user, std::size_t bytes);

  // stop(): every socket is asked to end; `drained` runs (posted) once the
  // registry is empty or shutdown_grace_ms has cut the rest. Again: only
  // `drained` is added.
  void begin_stop(std::function<void()> drained);
  // The Server is being destroyed: no handler is called from now on.
  void detach_all();
  // The system broke the Connection contract: count it, log it.
  void violation(runtime::ConnectionId id, std::string_view what);

  asio::io_context& io;
  const ServerLimits limits;
  const ServerHandlers handlers;
  const runtime::Logger logger;
  bool attached = true;  // false once the Server is destroyed: call no handler
  bool stopping = false;
  std::uint64_t next_serial = 1;
  // A fresh connection id for the socket `serial`: 53 random bits (a JSON
  // number any client reads exactly), never 0, never one in use; released
  // by forget(serial). From OS entropy unless limits.id_seed is set.
  runtime::ConnectionId draw_connection_id(std::uint64_t serial);
  std::atomic<std::size_t> live_count{0};
  std::atomic<std::uint64_t> violations{0};
  std::uint64_t refused = 0;  // sockets answered 503 at accept (over a connection cap)
  std::size_t outbound_total = 0;

 private:
  struct PeerSlot {
    std::string ip;
    bool health_only = false;
  };
  void release_peer(std::uint64_t serial);
  std::shared_ptr<Socket> largest_laggard(std::string_view user) const;

  void check_drained();
  void cut_the_rest();
  std::vector<std::shared_ptr<Socket>> snapshot() const;

  asio::steady_timer grace_timer_;  // stop(): how long close handshakes may take
  std::map<std::uint64_t, std::weak_ptr<Socket>> live_;
  std::vector<std::function<void()>> on_drained_;
  std::map<std::uint64_t, PeerSlot> peer_of_;
  std::map<std::string, std::size_t, std::less<>> per_peer_;
  std::unique_ptr<runtime::Random> id_random_;
  std::map<std::uint64_t, runtime::ConnectionId> id_of_;  // serial -> its connection id
  std::set<runtime::ConnectionId> ids_in_use_;
  std::size_t health_only_ = 0;
  std::map<std::string, std::size_t, std::less<>> outbound_by_user_;
};

}  // namespace bridgesim::net::detail
