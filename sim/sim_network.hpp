#pragma once
// A simulated network of WebSocket connections between simulated clients and
// the system. Each direction of a connection is FIFO (it models TCP); frames
// take a latency drawn from the network's rng. The server side implements
// runtime::Connection and enforces the WebSocket state machine strictly: a
// send before accept or after a close frame is dropped and recorded as a
// `violation` trace record, with the error real frameworks raise.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::sim {

struct NetworkConfig {
  runtime::Nanos latency_min_ns = 200 * runtime::kNanosPerMicro;
  runtime::Nanos latency_max_ns = 5 * runtime::kNanosPerMilli;
  // The system's outbound bound, for the `outbound` witness record of a send
  // beyond it (0: no witness; a close 1013 is witnessed whatever this is).
  std::size_t outbound_frames_max = 0;
};

using runtime::ClientCallbacks;

// One HTTP request as the simulated network carries it, and its answer.
struct HttpExchange {
  std::string method;
  std::string target;
  std::string authorization;  // the raw Authorization header, may be empty
  std::string body;
};
struct HttpAnswer {
  int status = 0;
  std::string body;
};

struct Link;

// The client's end of one connection.
class ClientSocket {
 public:
  explicit ClientSocket(std::shared_ptr<Link> link) : link_(std::move(link)) {}
  runtime::ConnectionId id() const;
  bool is_open() const;
  void send_text(std::string text);
  // A close frame; the server echoes it.
  void close(std::uint16_t code, std::string reason);
  // Drops the TCP connection without a close frame (also during the handshake).
  void abort();

 private:
  std::shared_ptr<Link> link_;
};

class SimNetwork {
 public:
  using Acceptor = std::function<void(std::shared_ptr<runtime::Connection>)>;
  using HttpServer = std::function<HttpAnswer(const HttpExchange&)>;

  // `faults` (may be null) is consulted on every frame: latency, spikes,
  // jitter, reordering, partitions and slow consumers.
  SimNetwork(Scheduler& scheduler, Rng rng, Trace& trace, NetworkConfig config, const FaultPlan* faults = nullptr);
  ~SimNetwork();

  // Where new server-side connections go (the system's entry point).
  void set_acceptor(Acceptor acceptor) { acceptor_ = std::move(acceptor); }
  // Where HTTP requests go (the system's handle_http).
  void set_http_server(HttpServer server) { http_server_ = std::move(server); }

  // Sends one HTTP request from `client_name` on a connection of its own (a
  // fresh conn id, returned): it reaches the server after a frame's latency
  // under the user's faults (a partition holds it until heal: late, never
  // lost; a server_close or reset does not reach it), the server answers on
  // arrival (a `net http` record), and the answer travels back the same way
  // to `on_answer`, on the scheduler. Without an HTTP server: 503.
  runtime::ConnectionId http_request(std::string client_name, HttpExchange request,
                                     std::function<void(HttpAnswer)> on_answer);

  // Starts a handshake from `client_name` ("user:<id>" or "user:<id>/tab<n>":
  // faults aimed at a user hit all of that user's tabs); callbacks fire on
  // the scheduler.
  ClientSocket connect(std::string client_name, runtime::HandshakeRequest request, ClientCallbacks callbacks);

  // The server side drops every live connection of `user_id`: with a close
  // frame (1001, going away) or as an abrupt reset (1006 both ways). `kind`
  // is the fault doing it (a server_close may drop without a close frame),
  // named in the fault_hit record.
  void drop_user_connections(const std::string& user_id, FaultKind kind, bool with_close_frame);

  // Schedules the plan's server_close and reset faults (drop_user_connections
  // at their `at`).
  void schedule_server_drops();

  // The fault kinds this network applies (its rows name Injector::kNetwork).
  static constexpr FaultKind kFaultKinds[] = {
      FaultKind::kLatency,   FaultKind::kLatencySpike, FaultKind::kJitter,      FaultKind::kReorder,
      FaultKind::kPartition, FaultKind::kSlowConsumer, FaultKind::kServerClose, FaultKind::kReset};

  // Connections whose server side has not yet seen on_closed.
  std::size_t open_server_sides() const;

  // Implementation detail shared with Link.
  void deliver(Link& link, bool to_server, std::function<void()> fn);
  runtime::Nanos frame_delay(const Link& link, bool to_server);
  void violation(const Link& link, std::string what);
  Scheduler& scheduler() { return scheduler_; }
  Trace& trace() { return trace_; }
  const Acceptor& acceptor() const { return acceptor_; }
  std::size_t outbound_frames_max() const { return config_.outbound_frames_max; }

 private:
  Scheduler& scheduler_;
  Rng rng_;
  Trace& trace_;
  NetworkConfig config_;
  const FaultPlan* faults_;
  Acceptor acceptor_;
  HttpServer http_server_;
  runtime::ConnectionId next_id_ = 1;
  std::vector<std::shared_ptr<Link>> links_;
  std::set<std::pair<const Fault*, runtime::ConnectionId>> hits_;  // first effect of a fault on a link is traced
  void hit(const Fault& fault, const Link& link);
};

}  // namespace bridgesim::sim
