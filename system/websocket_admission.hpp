#pragma once
// A WebSocket handshake's way in: the target must be /ws, the authenticator
// must admit an identity, then the connection is registered, accepted, given
// a session and greeted with `connection_established`; its frames go to the
// message loop. Only built on a valid critical path.
//
// A token that expires during the session: from `exp` on, every frame the
// socket sends is answered by an `error` frame `token_expired` and a close
// 1008 (so no run starts after `exp`), and a timer on the injected clock
// closes the socket 1008 ("token expired") at `exp` even if it stays quiet.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "system/auth.hpp"
#include "system/message_loop.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/session.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

class WebSocketAdmission {
 public:
  // `session` is optional (null: session features off).
  WebSocketAdmission(Authenticator& auth, ConnectionManager& manager, SessionMiddleware* session, MessageLoop& loop,
                     const runtime::Clock& clock, runtime::Timers& timers, runtime::Logger logger);
  // An authentication still pending when this is destroyed decides nothing.
  ~WebSocketAdmission();
  WebSocketAdmission(const WebSocketAdmission&) = delete;
  WebSocketAdmission& operator=(const WebSocketAdmission&) = delete;

  void on_connection(std::shared_ptr<runtime::Connection> connection);
  // Open connections whose token's `exp` it watches (each with its timer).
  std::size_t expiries_watched() const { return expiries_.size(); }

 private:
  void authenticate(const std::shared_ptr<runtime::Connection>& connection, std::weak_ptr<bool> alive);
  void admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision);
  void on_text(runtime::ConnectionId id, std::string text);
  void on_closed(runtime::ConnectionId id);
  // Token expiry: the timer at `exp`, and the refusal of a frame after it.
  void arm_expiry(runtime::ConnectionId id, std::int64_t expires_unix_s);
  void expire(runtime::ConnectionId id);

  Authenticator& auth_;
  ConnectionManager& manager_;
  SessionMiddleware* session_;
  MessageLoop& loop_;
  const runtime::Clock& clock_;
  runtime::Timers& timers_;
  runtime::Logger logger_;
  struct Expiry {
    runtime::Nanos at_ns = 0;
    runtime::TimerHandle timer;
  };
  std::map<runtime::ConnectionId, Expiry> expiries_;  // admitted connections whose token has an `exp`
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace bridgesim::system
