#pragma once
// The replies a request handler may send: frames to the connection that
// asked, and closing it. Handlers get this instead of the connection manager,
// so they cannot add, accept or fan out to connections.
#include <cstdint>
#include <string>
#include <string_view>

#include "system/runtime/connection.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

class Messenger {
 public:
  // `manager` is null only on a broken critical path, where admission
  // refuses every connection, so no handler ever runs to send through it.
  explicit Messenger(ConnectionManager* manager) : manager_(manager) {}

  // One frame to one connection; dropped unless it is OPEN.
  void send(runtime::ConnectionId id, std::string frame);
  // An `error` frame to one connection.
  void send_error(runtime::ConnectionId id, std::string_view code, std::string_view message);
  void close(runtime::ConnectionId id, std::uint16_t code, std::string_view reason);

 private:
  ConnectionManager* manager_;
};

}  // namespace bridgesim::system
