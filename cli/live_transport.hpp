#pragma once
// The Beast client (system/net/async_client) as the simulated clients'
// transport, so scenarios::UserClient and HostileClient run unchanged
// against a live server in real time. It also keeps every connection it made
// by its client, so the probe can act on a client's sockets from outside
// the way the simulated network does: reset them (TCP RST), read them
// slowly, hold a client's connect back until the probe lets it through.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/client_world.hpp"
#include "system/net/async_client.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::cli {

// In real time a start time may already be behind us when a client asks for
// it: a negative delay fires at once.
class NonNegativeTimers final : public runtime::Timers {
 public:
  explicit NonNegativeTimers(runtime::Timers& inner) : inner_(inner) {}
  runtime::TimerHandle call_after(runtime::Nanos delay_ns, std::function<void()> fn) override;

 private:
  runtime::Timers& inner_;
};

class LiveConnection;

// Connects to the live server's endpoint path, whatever path the workloads
// ask for (they ask for /ws; the URL says where that is). Must outlive every
// connection it made.
class LiveTransport final : public scenarios::ClientTransport {
 public:
  LiveTransport(net::AsyncClientTransport& network, std::string target);
  ~LiveTransport() override;
  LiveTransport(const LiveTransport&) = delete;
  LiveTransport& operator=(const LiveTransport&) = delete;

  std::unique_ptr<scenarios::ClientConnection> connect(std::string client_name, runtime::HandshakeRequest request,
                                                       scenarios::ClientCallbacks callbacks) override;

  // Resets (RST) every connection the clients of `user` ("u1") hold now,
  // handshakes included; returns the client names ("user:u1/tab2") reset.
  std::vector<std::string> reset_user(const std::string& user);
  // Aborts the connection `conn_id` of `client_name` (no close frame); false
  // when it is not held any more.
  bool abort_connection(const std::string& client_name, runtime::ConnectionId conn_id);
  // The connections of `user`'s clients, now and until set again, read one
  // frame per `ms` (0: as fast as they come).
  void set_read_interval(const std::string& user, std::int64_t ms);
  // Connects of `client_name` wait until release_held(): the socket is
  // opened then, with the request as it was asked for.
  void hold(const std::string& client_name);
  void release_held();

  // For LiveConnection.
  void forget(LiveConnection* connection);

 private:
  void start(LiveConnection& connection, runtime::HandshakeRequest request, scenarios::ClientCallbacks callbacks);

  net::AsyncClientTransport& network_;
  std::string target_;
  std::vector<LiveConnection*> connections_;              // every live one, in creation order
  std::map<std::string, std::int64_t> read_interval_ms_;  // user -> interval
  std::map<std::string, bool> held_;                      // client name -> still held
  struct Pending {
    LiveConnection* connection;
    runtime::HandshakeRequest request;
    scenarios::ClientCallbacks callbacks;
  };
  std::vector<Pending> pending_;
};

}  // namespace bridgesim::cli
