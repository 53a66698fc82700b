// The facade: builds the shared state and the listener, and is the only
// thing outside system/net that reaches them (server.hpp).
#include "system/net/server.hpp"

#include <stdexcept>
#include <utility>

#include <boost/asio/post.hpp>

#include "system/app.hpp"
#include "system/net/beast_common.hpp"
#include "system/net/listener.hpp"
#include "system/net/server_state.hpp"

namespace bridgesim::net {

ServerHandlers handlers_for(system::App& app) {
  ServerHandlers handlers;
  handlers.on_connection = [&app](std::shared_ptr<runtime::Connection> connection) {
    app.on_connection(std::move(connection));
  };
  handlers.on_http = [&app](const system::HttpRequest& request) { return app.handle_http(request); };
  handlers.user_of = [&app](runtime::ConnectionId id) -> std::optional<std::string> { return app.user_of(id); };
  handlers.logger = app.runtime().logger;
  return handlers;
}

Server::Server(asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
               system::App& app)
    : Server(io, address, port, limits, handlers_for(app)) {}

Server::Server(asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
               ServerHandlers handlers) {
  if (limits.frame_bytes_max == 0 || limits.connections_max == 0 || limits.outbound_frames_max == 0 ||
      limits.http_body_bytes_max == 0 || limits.http_header_bytes_max == 0 || limits.outbound_bytes_max == 0 ||
      limits.outbound_user_bytes_max == 0 || limits.outbound_total_bytes_max == 0 || limits.request_timeout_ms <= 0 ||
      limits.health_request_timeout_ms <= 0 || limits.ws_idle_timeout_ms < 0) {
    throw std::invalid_argument(
        "ServerLimits: the frame, body, header, connection and outbound bounds and request_timeout_ms must be > 0 "
        "(ws_idle_timeout_ms >= 0)");
  }
  if (!handlers.on_connection || !handlers.on_http || !handlers.logger) {
    throw std::invalid_argument("ServerHandlers: on_connection, on_http and logger are required");
  }
  state_ = std::make_shared<detail::ServerState>(io, limits, std::move(handlers));
  listener_ = std::make_shared<detail::Listener>(state_);
  listener_->listen(address, port);
  listener_->accept_next();
  state_->logger->info(
      "listening on {}:{} (max_connections={} per_peer={} max_frame_bytes={} max_http_body_bytes={} "
      "outbound_bytes={}/{}/{} request_timeout_ms={} ws_idle_timeout_ms={})",
      address, listener_->port(), limits.connections_max, limits.connections_per_peer_max, limits.frame_bytes_max,
      limits.http_body_bytes_max, limits.outbound_bytes_max, limits.outbound_user_bytes_max,
      limits.outbound_total_bytes_max, limits.request_timeout_ms, limits.ws_idle_timeout_ms);
}

Server::~Server() {
  listener_->close();
  state_->detach_all();
}

std::uint16_t Server::port() const { return listener_->port(); }

void Server::stop(std::function<void()> on_drained) {
  asio::post(state_->io, [state = state_, listener = listener_, on_drained = std::move(on_drained)]() mutable {
    listener->close();
    state->begin_stop(std::move(on_drained));
  });
}

std::size_t Server::live_connections() const { return state_->live_count; }

std::uint64_t Server::protocol_violations() const { return state_->violations; }

}  // namespace bridgesim::net
