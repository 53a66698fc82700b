#pragma once
// The real transport: HTTP and WebSocket on Boost.Beast, one io_context run
// by one thread (the system's single thread). Each WebSocket upgrade becomes
// a runtime::Connection handed to App::on_connection; every other request
// goes to App::handle_http. Beast stays behind this header (pimpl).
//
// Like sim::SimNetwork (set_acceptor), the server only needs an entry point
// for connections and one for HTTP requests (ServerHandlers): the App is the
// usual one, a test may hand connections to its own code instead.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bridgesim::system {
class App;
struct HttpRequest;
struct HttpResponse;
}  // namespace bridgesim::system

namespace bridgesim::net {

namespace detail {
class ServerState;
class Listener;
}  // namespace detail

struct ServerLimits {
  // The transport's cap on one incoming WebSocket message: a larger one is
  // closed 1009 (it bounds the memory a connection may hold). Smaller ones
  // reach the system, whose own limit (AppConfig::frame_bytes_max, 64 KiB by
  // default) answers an `error` frame `frame_too_large` and keeps the
  // connection, exactly as in the simulated world, which has no transport cap.
  std::size_t frame_bytes_max = 256 * 1024;
  std::size_t http_body_bytes_max = 64 * 1024;    // a larger HTTP request body: 413
  std::size_t http_header_bytes_max = 16 * 1024;  // request line and headers; larger: 431
  // Live sockets (HTTP and WebSocket). A socket beyond is answered 503 at
  // once and closed, except kHealthReserve more, which may ask /health*.
  std::size_t connections_max = 10'000;
  // Live sockets from one peer address; beyond: 503 at once, closed. 0: no
  // cap (behind a reverse proxy every socket has the proxy's address).
  // serve's default is kServePerPeerDefault; embedders (tests, bench) opt in.
  std::size_t connections_per_peer_max = 0;
  std::size_t outbound_frames_max = 1024;  // frames queued per connection; beyond: drop them, close 1013
  // Bytes a connection may lag (queued and in flight); beyond: drop them, close 1013.
  std::size_t outbound_bytes_max = 2 * 1024 * 1024;
  // Bytes all of one user's connections may lag together, and all
  // connections of the server: beyond, the connection lagging most (of the
  // user, of the server) is closed 1013, the others keep going.
  std::size_t outbound_user_bytes_max = 8 * 1024 * 1024;
  std::size_t outbound_total_bytes_max = 256 * 1024 * 1024;
  // Not a limit, set with them: connection ids come from OS entropy, or,
  // when this is set (serve --dev --seed, tests), from a generator seeded
  // with it, so that a development server is reproducible.
  std::optional<std::uint64_t> id_seed;
  // To receive one HTTP request, headers and body (an upgrade included): a
  // socket that sends nothing, or too slowly, is closed then.
  std::int64_t request_timeout_ms = 5'000;
  // The same for a socket of the health reserve (beyond connections_max).
  std::int64_t health_request_timeout_ms = 1'000;
  // An open WebSocket that receives nothing (no frame, no pong) for this
  // long is closed; it is pinged at half of it. 0: never.
  std::int64_t ws_idle_timeout_ms = 60'000;
  std::int64_t shutdown_grace_ms = 2'000;  // stop(): wait this long for close handshakes, then cut
};

inline constexpr std::size_t kServePerPeerDefault = 256;

// Sockets beyond connections_max kept only to answer /health, /health/live
// and /health/ready (within health_request_timeout_ms), so probes still get
// through at capacity.
inline constexpr std::size_t kHealthReserve = 8;

// Where the server hands what it receives. Called on the io thread only.
struct ServerHandlers {
  std::function<void(std::shared_ptr<runtime::Connection>)> on_connection;  // required
  std::function<system::HttpResponse(const system::HttpRequest&)> on_http;  // required
  // For the per-connection logs only: the user an accepted connection belongs to.
  std::function<std::optional<std::string>(runtime::ConnectionId)> user_of;
  runtime::Logger logger;  // required
};

// The App's entry points: on_connection, handle_http, its manager's user_of
// and its logger.
ServerHandlers handlers_for(system::App& app);

class Server {
 public:
  // Binds and listens at once (throws std::runtime_error naming the address
  // on failure); accepts once `io` runs. `port` 0 picks an ephemeral port.
  // Lifetimes: `io` outlives the App and the Server; the Server is destroyed
  // while `io` is not running (after run() returned); it calls nothing of
  // `app` after its destructor.
  Server(boost::asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
         system::App& app);
  // The same with any entry points (the `app` form is handlers_for(app)):
  // the handlers are not called after the destructor.
  Server(boost::asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
         ServerHandlers handlers);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port. Any thread.
  std::uint16_t port() const;

  // Any thread. Stops accepting, sends a 1001 close frame to every open
  // WebSocket and closes other sockets; once every socket is closed (or
  // after shutdown_grace_ms, having cut the rest) runs `on_drained` on the io
  // thread. A typical `on_drained` stops the io_context. Frames the system
  // handed over before the close frame went out (events of runs that have
  // finished) are written first: the 1001 close follows the last of them.
  void stop(std::function<void()> on_drained = {});

  // Any thread. Sockets open now (HTTP and WebSocket).
  std::size_t live_connections() const;
  // Any thread. Calls the system made against the Connection contract
  // (send before accept, send after close, a second accept, ...): each is
  // dropped and logged as an error. Zero in a correct system.
  std::uint64_t protocol_violations() const;

 private:
  // Shared with every socket's completion handlers, which may outlive the
  // Server (they see ServerState::attached false and call nothing).
  std::shared_ptr<detail::ServerState> state_;
  std::shared_ptr<detail::Listener> listener_;
};

}  // namespace bridgesim::net
