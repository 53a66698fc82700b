#pragma once
// An asynchronous WebSocket client on Beast, for many connections on one
// io_context: what `bridgesim probe` drives a live server with. Beast stays
// behind this header (a forward-declared io_context, the session in the .cpp).
//
// Callback contract (the same as the simulated network's, sim/sim_network.cpp,
// so client workloads cannot tell the two apart):
//  * callbacks run on the thread that runs the io_context, never from inside
//    connect(), send_text(), close() or abort();
//  * a handshake ends in exactly one of on_open / on_rejected. A refused
//    upgrade reports the HTTP status and body (401, 503, ...); a handshake
//    that never got an HTTP answer (name not resolved, TCP refused or reset,
//    timed out, not a WebSocket server) reports status 0 and a sentence
//    naming the address and the error — a retryable refusal, not a close;
//  * after on_open: on_text per text frame, then on_closed exactly once
//    (1006 when the connection ended without a close frame);
//  * abort() at any point, even during the handshake, ends in on_closed(1006,
//    "aborted") unless the connection had already ended;
//  * after on_rejected or on_closed nothing more is called.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "system/net/tls.hpp"
#include "system/runtime/connection.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace bridgesim::net {

namespace detail {
class AsyncSession;
}  // namespace detail

using AsyncClientCallbacks = runtime::ClientCallbacks;

struct AsyncClientOptions {
  std::int64_t connect_timeout_ms = 5'000;  // TCP connect (name resolution has the resolver's own limits)
  // The HTTP upgrade exchange, and likewise the close handshake (Beast uses
  // one limit for both); past it the socket is cut.
  std::int64_t handshake_timeout_ms = 5'000;
  std::size_t read_message_max = 16 * 1024 * 1024;
  // wss://: a TLS handshake (SNI, the certificate verified unless insecure)
  // before the upgrade; a refused certificate is on_rejected(0, "TLS
  // handshake with HOST:PORT failed: certificate verify failed: ...").
  TlsClientOptions tls = {};
};

// The client's end of one connection. Destroying it detaches: no callback
// runs afterwards, and a connection that has not ended is cut (no close frame).
class AsyncClientConnection {
 public:
  explicit AsyncClientConnection(std::shared_ptr<detail::AsyncSession> session);
  ~AsyncClientConnection();
  AsyncClientConnection(const AsyncClientConnection&) = delete;
  AsyncClientConnection& operator=(const AsyncClientConnection&) = delete;

  runtime::ConnectionId id() const;
  // Open and no close started: send_text() will send.
  bool is_open() const;
  // Queued behind earlier frames (one write in flight at a time); dropped
  // when the connection is not open.
  void send_text(std::string text);
  // A close frame after the queued frames; on_closed(code, reason) follows
  // once the peer answers (1006 if it does not within handshake_timeout_ms).
  // Frames arriving meanwhile are dropped.
  void close(std::uint16_t code, std::string reason);
  // Cuts the TCP connection without a close frame (also during the handshake).
  void abort();
  // As abort(), with a TCP reset (RST, SO_LINGER 0) instead of a FIN.
  void reset();
  // Waits `ms` after each frame before reading the next (0: at once), so
  // the kernel's buffers fill and TCP backpressure reaches the server.
  void set_read_interval(std::int64_t ms);

 private:
  std::shared_ptr<detail::AsyncSession> session_;
};

// Opens connections to one server. Call it, and run `io`, on one thread.
// `io` must outlive every connection; the transport itself may go first.
class AsyncClientTransport {
 public:
  // Throws ClientError when TLS is asked for and its CA file cannot be loaded.
  AsyncClientTransport(boost::asio::io_context& io, std::string host, std::uint16_t port,
                       AsyncClientOptions options = {});

  // Starts resolve, connect and the upgrade for `request` (target,
  // Authorization header when non-empty, Sec-WebSocket-Protocol when any).
  // Connection ids count from 1 per transport.
  std::unique_ptr<AsyncClientConnection> connect(runtime::HandshakeRequest request, AsyncClientCallbacks callbacks);

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context& io_;
  std::string host_;
  std::uint16_t port_;
  AsyncClientOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // when options_.tls.enabled
  runtime::ConnectionId next_id_ = 1;
};

}  // namespace bridgesim::net
