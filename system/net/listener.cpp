#include "system/net/listener.hpp"

#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "system/net/http_session.hpp"

namespace bridgesim::net::detail {

namespace {

// How long to wait before accepting again after accept failed.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

constexpr std::string_view kRefusal =
    "HTTP/1.1 503 Service Unavailable\r\nServer: bridgesim\r\nContent-Type: application/json\r\n"
    "Cache-Control: no-store\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 32\r\n\r\n"
    "{\"error\":\"too many connections\"}";

std::string ip_of(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("?") : endpoint.address().to_string();
}

}  // namespace

Listener::Listener(std::shared_ptr<ServerState> state)
    : state_(std::move(state)), acceptor_(state_->io), retry_timer_(state_->io) {}

void Listener::listen(const std::string& address, std::uint16_t wanted_port) {
  error_code ec;
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error("server: cannot listen on " + address + ":" + std::to_string(wanted_port) + " (" +
                             std::string(step) + "): " + ec.message());
  };
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) fail("address");
  const tcp::endpoint endpoint(ip, wanted_port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("reuse_address");
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) fail("local_endpoint");
}

void Listener::accept_next() {
  acceptor_.async_accept(
      [self = shared_from_this()](error_code ec, tcp::socket socket) { self->on_accept(ec, std::move(socket)); });
}

void Listener::close() {
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void Listener::on_accept(error_code ec, tcp::socket socket) {
  if (state_->stopping || !state_->attached || !acceptor_.is_open()) return;
  if (ec) return retry_later(ec);
  // Events are small frames that must leave at once: without TCP_NODELAY a
  // frame can wait for the peer's delayed ACK (40 ms on Linux), which put the
  // saturated emit-to-receive tail above the 50 ms bound (docs/benchmarks.md).
  error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  if (nodelay_ec) state_->logger->debug("TCP_NODELAY not set: {}", nodelay_ec.message());
  std::string ip = ip_of(socket);
  const auto admission = state_->admission(ip);
  if (admission == ServerState::Admission::kRefuse) {
    refuse(std::move(socket), ip);
    return accept_next();
  }
  const bool health_only = admission == ServerState::Admission::kHealthOnly;
  const std::uint64_t serial = state_->next_serial++;
  auto session = std::make_shared<HttpSession>(state_, serial, std::move(socket), health_only);
  state_->track(serial, session);
  state_->count_peer(serial, std::move(ip), health_only);
  session->start();
  accept_next();
}

void Listener::refuse(tcp::socket socket, const std::string& ip) {
  // Never held: one non-blocking write of the answer (a fresh socket's send
  // buffer has room for it), then closed. A client that already sent its
  // request may see a reset instead of the 503.
  error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.write_some(asio::buffer(kRefusal), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  const std::uint64_t refused = ++state_->refused;
  // Logged at 1, 2, 4, 8, ...: a flood of sockets must not flood the log.
  if ((refused & (refused - 1)) == 0) {
    state_->logger->warn("refused a socket from {} (max {} sockets, {} per peer): {} refused so far", ip,
                         state_->limits.connections_max, state_->limits.connections_per_peer_max, refused);
  }
}

void Listener::retry_later(error_code ec) {
  state_->logger->warn("accept failed: {}; retrying in 100 ms", ec.message());
  retry_timer_.expires_after(kAcceptRetryDelay);
  retry_timer_.async_wait([self = shared_from_this()](error_code timer_ec) {
    if (!timer_ec && !self->state_->stopping) self->accept_next();
  });
}

}  // namespace bridgesim::net::detail
