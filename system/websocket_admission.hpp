#pragma once
// A WebSocket handshake's way in: the target must be /ws, the authenticator
// must admit an identity, then the connection is registered, accepted, given
// a session and greeted with `connection_established`; its frames go to the
// message loop. Only built on a valid critical path.
#include <memory>

#include "system/auth.hpp"
#include "system/message_loop.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/session.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

class WebSocketAdmission {
 public:
  // `session` is optional (null: session features off).
  WebSocketAdmission(Authenticator& auth, ConnectionManager& manager, SessionMiddleware* session, MessageLoop& loop,
                     runtime::Logger logger);
  // An authentication still pending when this is destroyed decides nothing.
  ~WebSocketAdmission();
  WebSocketAdmission(const WebSocketAdmission&) = delete;
  WebSocketAdmission& operator=(const WebSocketAdmission&) = delete;

  void on_connection(std::shared_ptr<runtime::Connection> connection);

 private:
  void authenticate(const std::shared_ptr<runtime::Connection>& connection, std::weak_ptr<bool> alive);
  void admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision);
  void on_closed(runtime::ConnectionId id);

  Authenticator& auth_;
  ConnectionManager& manager_;
  SessionMiddleware* session_;
  MessageLoop& loop_;
  runtime::Logger logger_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace bridgesim::system
