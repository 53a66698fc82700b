#include "system/websocket_manager.hpp"
#include "system/runtime/invariant.hpp"

#include <stdexcept>

namespace bridgesim::system {

std::string_view to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::kConnecting: return "CONNECTING";
    case ConnectionState::kOpen: return "OPEN";
    case ConnectionState::kClosing: return "CLOSING";
    case ConnectionState::kClosed: return "CLOSED";
  }
  return "?";
}

WebSocketManager::WebSocketManager(runtime::Logger logger, std::size_t outbound_frames_max)
    : logger_(std::move(logger)), outbound_frames_max_(outbound_frames_max) {
  if (outbound_frames_max_ == 0) throw std::invalid_argument("WebSocketManager: outbound_queue_max must be > 0");
}

bool WebSocketManager::send_bounded(ConnectionId id, Entry& entry, std::string text) {
  BRIDGESIM_ASSERT(entry.state == ConnectionState::kOpen, "never send before accept or after close");
  if (entry.connection->buffered_frames() >= outbound_frames_max_) {
    logger_->warn("connection {} lags {} frames: closing it (slow consumer)", id, entry.connection->buffered_frames());
    entry.state = ConnectionState::kClosing;
    entry.connection->close(runtime::close_code::kTryAgainLater, "slow consumer: reconnect and resume");
    return false;
  }
  entry.connection->send_text(std::move(text));
  return true;
}

void WebSocketManager::add(std::shared_ptr<runtime::Connection> connection, std::string user_id) {
  if (!connection) throw std::invalid_argument("WebSocketManager::add: null connection");
  if (user_id.empty()) throw std::invalid_argument("WebSocketManager::add: empty user id (unauthenticated)");
  const ConnectionId id = connection->id();
  const auto [it, inserted] = entries_.emplace(id, Entry{std::move(connection), user_id, ConnectionState::kConnecting});
  if (!inserted) throw std::logic_error("WebSocketManager::add: connection id reused");
  by_user_[user_id].insert(id);
}

void WebSocketManager::accept(ConnectionId id, std::string_view subprotocol, runtime::ConnectionEvents events) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) throw std::logic_error("WebSocketManager::accept: unknown connection");
  if (it->second.state != ConnectionState::kConnecting)
    throw std::logic_error("WebSocketManager::accept: not CONNECTING");
  it->second.state = ConnectionState::kOpen;
  complete_upgrade(it->second.connection, subprotocol, std::move(events));
}

void WebSocketManager::complete_upgrade(const std::shared_ptr<runtime::Connection>& connection,
                                        std::string_view subprotocol, runtime::ConnectionEvents events) {
  connection->accept(subprotocol, std::move(events));
}

void WebSocketManager::send_to_connection(ConnectionId id, std::string text) {
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.state != ConnectionState::kOpen) {
    logger_->debug("drop frame for connection {}: not open", id);
    return;
  }
  send_bounded(id, it->second, std::move(text));
}

std::size_t WebSocketManager::send_to_user(std::string_view user_id, const std::string& text) {
  const auto user = by_user_.find(user_id);
  if (user == by_user_.end()) return 0;
  std::size_t sent = 0;
  for (const ConnectionId id : user->second) {
    Entry& entry = entries_.at(id);
    BRIDGESIM_ASSERT(entry.user_id == user_id, "by_user_ and entries_ agree on the owner");
    if (entry.state != ConnectionState::kOpen) continue;
    if (send_bounded(id, entry, text)) ++sent;
  }
  return sent;
}

void WebSocketManager::close(ConnectionId id, std::uint16_t code, std::string_view reason) {
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.state != ConnectionState::kOpen) return;
  it->second.state = ConnectionState::kClosing;
  it->second.connection->close(code, reason);
}

void WebSocketManager::on_closed(ConnectionId id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second.state = ConnectionState::kClosed;
  const auto user = by_user_.find(it->second.user_id);
  if (user != by_user_.end()) {
    user->second.erase(id);
    if (user->second.empty()) by_user_.erase(user);
  }
  entries_.erase(it);
}

std::optional<std::string> WebSocketManager::user_of(ConnectionId id) const {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.user_id;
}

std::optional<ConnectionState> WebSocketManager::state_of(ConnectionId id) const {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.state;
}

std::vector<ConnectionId> WebSocketManager::connection_ids() const {
  std::vector<ConnectionId> ids;
  ids.reserve(entries_.size());
  for (const auto& kv : entries_) ids.push_back(kv.first);
  return ids;
}

std::vector<ConnectionId> WebSocketManager::connections_of(std::string_view user_id) const {
  const auto user = by_user_.find(user_id);
  if (user == by_user_.end()) return {};
  return {user->second.begin(), user->second.end()};
}

void WebSocketManager::send_unchecked(ConnectionId id, std::string text) {
  entries_.at(id).connection->send_text(std::move(text));
}

}  // namespace bridgesim::system
