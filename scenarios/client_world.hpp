#pragma once
// What a client workload acts through, so the same workload code drives the
// simulated system (sim::SimNetwork, virtual time) and a live server
// (`bridgesim probe`: real sockets, real time). Both record into a
// sim::Trace, so the same properties judge both.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sim/sim_network.hpp"
#include "sim/trace.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::scenarios {

using sim::ClientCallbacks;

// The client's end of one WebSocket connection.
class ClientConnection {
 public:
  virtual ~ClientConnection() = default;
  virtual runtime::ConnectionId id() const = 0;
  virtual bool is_open() const = 0;
  virtual void send_text(std::string text) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // Drops the connection without a close frame.
  virtual void abort() = 0;
};

class ClientTransport {
 public:
  virtual ~ClientTransport() = default;
  // Starts a handshake; callbacks fire later on the world's single thread.
  virtual std::unique_ptr<ClientConnection> connect(std::string client_name, runtime::HandshakeRequest request,
                                                    ClientCallbacks callbacks) = 0;
  // Sends one HTTP request; `on_answer` fires later on the world's single
  // thread. Returns the request's connection id, or nullopt when this
  // transport has no HTTP path (the client then asks over its socket).
  virtual std::optional<runtime::ConnectionId> post(std::string client_name, sim::HttpExchange request,
                                                    std::function<void(sim::HttpAnswer)> on_answer) {
    (void)client_name, (void)request, (void)on_answer;
    return std::nullopt;
  }
};

struct ClientWorld {
  const runtime::Clock& clock;
  runtime::Timers& timers;
  runtime::Nanos start_ns;  // trace times are relative to this
  sim::Trace& trace;
  ClientTransport& transport;

  runtime::Nanos elapsed_ns() const { return clock.now_ns() - start_ns; }
  void record(const std::string& actor, std::string kind, std::vector<sim::Field> fields) const {
    trace.add(sim::TraceRecord{elapsed_ns(), actor, std::move(kind), std::move(fields)});
  }
};

// The simulated network as a client transport.
class SimClientTransport final : public ClientTransport {
 public:
  explicit SimClientTransport(sim::SimNetwork& network) : network_(network) {}
  std::unique_ptr<ClientConnection> connect(std::string client_name, runtime::HandshakeRequest request,
                                            ClientCallbacks callbacks) override;
  std::optional<runtime::ConnectionId> post(std::string client_name, sim::HttpExchange request,
                                            std::function<void(sim::HttpAnswer)> on_answer) override {
    return network_.http_request(std::move(client_name), std::move(request), std::move(on_answer));
  }

 private:
  sim::SimNetwork& network_;
};

}  // namespace bridgesim::scenarios
