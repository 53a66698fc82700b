#include "system/websocket_admission.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "protocol/fields.hpp"
#include "protocol/frames.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

WebSocketAdmission::WebSocketAdmission(Authenticator& auth, ConnectionManager& manager, SessionMiddleware* session,
                                       MessageLoop& loop, const runtime::Clock& clock, runtime::Timers& timers,
                                       runtime::Logger logger)
    : auth_(auth),
      manager_(manager),
      session_(session),
      loop_(loop),
      clock_(clock),
      timers_(timers),
      logger_(std::move(logger)) {}

WebSocketAdmission::~WebSocketAdmission() {
  *alive_ = false;
  for (auto& [id, expiry] : expiries_) expiry.timer.cancel();
}

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
    // The token may have expired while the auth service was asked.
    if (decision.expires_unix_s > 0 && clock_.now_ns() / runtime::kNanosPerSecond >= decision.expires_unix_s) {
      logger_->info("refused connection {}: token expired during authentication", connection->id());
      return connection->reject(401, "token expired");
    }
    admit(connection, decision);
  });
}

void WebSocketAdmission::admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision) {
  const runtime::ConnectionId id = connection->id();
  manager_.add(std::move(connection), decision.user_id);
  runtime::ConnectionEvents events;
  events.on_text = [this, id](std::string text) { on_text(id, std::move(text)); };
  events.on_closed = [this, id](std::uint16_t, std::string) { on_closed(id); };
  manager_.accept(id, decision.subprotocol, std::move(events));
  std::string session_id;
  if (session_) session_id = session_->open(id, decision.user_id);
  manager_.send_to_connection(id, protocol::make_connection_established(id, decision.user_id, session_id));
  arm_expiry(id, decision.expires_unix_s);
}

void WebSocketAdmission::arm_expiry(runtime::ConnectionId id, std::int64_t expires_unix_s) {
  constexpr std::int64_t kLastRepresentableS = std::numeric_limits<runtime::Nanos>::max() / runtime::kNanosPerSecond;
  if (expires_unix_s <= 0 || expires_unix_s >= kLastRepresentableS) return;  // never, as far as a clock can tell
  BRIDGESIM_ASSERT(expiries_.count(id) == 0, "a connection is admitted once");
  const runtime::Nanos at_ns = expires_unix_s * runtime::kNanosPerSecond;
  std::weak_ptr<bool> alive = alive_;
  auto timer = timers_.call_after(std::max<runtime::Nanos>(0, at_ns - clock_.now_ns()), [this, alive, id] {
    if (!alive.expired()) expire(id);
  });
  expiries_.emplace(id, Expiry{at_ns, std::move(timer)});
}

void WebSocketAdmission::expire(runtime::ConnectionId id) {
  if (expiries_.count(id) == 0) return;  // closed meanwhile
  logger_->info("connection {}: token expired, closing 1008", id);
  manager_.close(id, runtime::close_code::kPolicyViolation, "token expired");
}

void WebSocketAdmission::on_text(runtime::ConnectionId id, std::string text) {
  const auto expiry = expiries_.find(id);
  if (expiry != expiries_.end() && clock_.now_ns() >= expiry->second.at_ns) {
    // Before the request is even parsed: an expired token starts nothing.
    manager_.send_to_connection(id, protocol::make_error_frame(protocol::error_codes::kTokenExpired,
                                                               "the token expired; reconnect with a fresh token"));
    return manager_.close(id, runtime::close_code::kPolicyViolation, "token expired");
  }
  loop_.on_text(id, std::move(text));
}

void WebSocketAdmission::on_closed(runtime::ConnectionId id) {
  if (const auto expiry = expiries_.find(id); expiry != expiries_.end()) {
    expiry->second.timer.cancel();
    expiries_.erase(expiry);
  }
  if (session_) session_->close(id);
  manager_.on_closed(id);
}

}  // namespace bridgesim::system
