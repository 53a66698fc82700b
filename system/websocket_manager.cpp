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
  const bool fresh = by_user_[user_id].insert(id).second;
  BRIDGESIM_ASSERT(fresh, "a new connection is in no user's set yet (by_user_ and entries_ agree)");
}

void WebSocketManager::accept(ConnectionId id, std::string_view subprotocol, runtime::ConnectionEvents events) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) throw std::logic_error("WebSocketManager::accept: unknown connection");
  if (it->second.state != ConnectionState::kConnecting)
    throw std::logic_error("WebSocketManager::accept: not CONNECTING");
  const auto user = by_user_.find(it->second.user_id);
  BRIDGESIM_ASSERT(user != by_user_.end() && user->second.count(id) == 1,
                   "a connection being accepted is in its user's set");
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
  BRIDGESIM_ASSERT(!user->second.empty(), "a user in by_user_ has at least one connection");
  for (const ConnectionId id : user->second) {
    const auto found = entries_.find(id);
    BRIDGESIM_ASSERT(found != entries_.end(), "every connection in by_user_ has an entry");
    Entry& entry = found->second;
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
  BRIDGESIM_ASSERT(user != by_user_.end(), "a known connection's user is in by_user_");
  const std::size_t erased = user->second.erase(id);
  BRIDGESIM_ASSERT(erased == 1, "a known connection is in its user's set");
  if (user->second.empty()) by_user_.erase(user);
  entries_.erase(it);
  BRIDGESIM_ASSERT(by_user_.size() <= entries_.size(), "every user in by_user_ still has a connection");
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
  const auto it = entries_.find(id);
  BRIDGESIM_ASSERT(it != entries_.end(), "send_unchecked addresses a connection the manager knows");
  it->second.connection->send_text(std::move(text));
}

}  // namespace bridgesim::system
