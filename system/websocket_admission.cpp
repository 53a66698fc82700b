#include "system/websocket_admission.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "protocol/frames.hpp"

namespace bridgesim::system {

WebSocketAdmission::WebSocketAdmission(Authenticator& auth, ConnectionManager& manager, SessionMiddleware* session,
                                       MessageLoop& loop, runtime::Logger logger)
    : auth_(auth), manager_(manager), session_(session), loop_(loop), logger_(std::move(logger)) {}

WebSocketAdmission::~WebSocketAdmission() { *alive_ = false; }

void WebSocketAdmission::on_connection(std::shared_ptr<runtime::Connection> connection) {
  if (connection->handshake().target != "/ws") {
    connection->reject(404, "not found");
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  try {
    authenticate(connection, alive);
  } catch (const std::exception& e) {
    // An authenticator that throws refuses: fail closed, keep serving.
    logger_->error("authentication of connection {} failed: {}", connection->id(), e.what());
    connection->reject(500, "authentication failed");
  }
}

void WebSocketAdmission::authenticate(const std::shared_ptr<runtime::Connection>& connection,
                                      std::weak_ptr<bool> alive) {
  auth_.authenticate(connection->handshake(), [this, alive, connection](AuthDecision decision) {
    if (alive.expired()) return;
    if (!decision.ok) {
      logger_->info("refused connection {}: {}", connection->id(), decision.reason);
      return connection->reject(decision.http_status, decision.reason);
    }
    if (decision.user_id.empty()) throw std::logic_error("Authenticator admitted an empty identity");
    admit(connection, decision);
  });
}

void WebSocketAdmission::admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision) {
  const runtime::ConnectionId id = connection->id();
  manager_.add(std::move(connection), decision.user_id);
  runtime::ConnectionEvents events;
  events.on_text = [loop = &loop_, id](std::string text) { loop->on_text(id, std::move(text)); };
  events.on_closed = [this, id](std::uint16_t, std::string) { on_closed(id); };
  manager_.accept(id, decision.subprotocol, std::move(events));
  std::string session_id;
  if (session_) session_id = session_->open(id, decision.user_id);
  manager_.send_to_connection(id, protocol::make_connection_established(id, decision.user_id, session_id));
}

void WebSocketAdmission::on_closed(runtime::ConnectionId id) {
  if (session_) session_->close(id);
  manager_.on_closed(id);
}

}  // namespace bridgesim::system
