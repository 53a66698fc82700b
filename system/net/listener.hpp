#pragma once
// The acceptor: binds, accepts, and hands each socket to a new HTTP session
// (Beast's example servers' `listener`). Private to system/net.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "system/net/beast_common.hpp"
#include "system/net/server_state.hpp"

namespace bridgesim::net::detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  explicit Listener(std::shared_ptr<ServerState> state);

  // Binds and listens at once; throws std::runtime_error naming the address
  // and the step that failed.
  void listen(const std::string& address, std::uint16_t port);
  // Accepts until close(); each socket becomes an HttpSession.
  void accept_next();
  // Stops accepting (stop(), the Server's destructor). Idempotent.
  void close();

  std::uint16_t port() const { return port_; }

 private:
  void on_accept(error_code ec, tcp::socket socket);
  void retry_later(error_code ec);
  // Over a connection cap: 503 at once, closed, never tracked.
  void refuse(tcp::socket socket, const std::string& ip);

  std::shared_ptr<ServerState> state_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;  // accept failed (e.g. out of file descriptors): try again shortly
  std::atomic<std::uint16_t> port_{0};
};

}  // namespace bridgesim::net::detail
