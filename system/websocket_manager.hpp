#pragma once
// Who is connected, as whom, and in which state. The only place that sends
// frames to connections. Never sends before accept or after a close was sent.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::system {

using runtime::ConnectionId;

enum class ConnectionState { kConnecting, kOpen, kClosing, kClosed };
std::string_view to_string(ConnectionState state);

// The seam: startup builds one through a factory, so tests can swap in an
// implementation that models a recorded incident.
class ConnectionManager {
 public:
  virtual ~ConnectionManager() = default;
  // An authenticated connection, not yet accepted (CONNECTING).
  virtual void add(std::shared_ptr<runtime::Connection> connection, std::string user_id) = 0;
  // CONNECTING -> OPEN: completes the upgrade and starts delivering events.
  virtual void accept(ConnectionId id, std::string_view subprotocol, runtime::ConnectionEvents events) = 0;
  // A reply to one connection (pong, error). Dropped unless OPEN.
  virtual void send_to_connection(ConnectionId id, std::string text) = 0;
  // Sends to every OPEN connection of `user_id`; returns how many got it.
  virtual std::size_t send_to_user(std::string_view user_id, const std::string& text) = 0;
  // OPEN -> CLOSING: sends a close frame.
  virtual void close(ConnectionId id, std::uint16_t code, std::string_view reason) = 0;
  // The transport reports the connection closed: -> CLOSED, forgotten.
  virtual void on_closed(ConnectionId id) = 0;
  virtual std::optional<std::string> user_of(ConnectionId id) const = 0;
  virtual std::size_t connection_count() const = 0;
};

class WebSocketManager : public ConnectionManager {
 public:
  // A connection lagging more than `outbound_frames_max` frames is closed
  // with 1013 (try again later): the client reconnects and resumes.
  explicit WebSocketManager(runtime::Logger logger, std::size_t outbound_frames_max = 256);

  void add(std::shared_ptr<runtime::Connection> connection, std::string user_id) override;
  void accept(ConnectionId id, std::string_view subprotocol, runtime::ConnectionEvents events) override;
  void send_to_connection(ConnectionId id, std::string text) override;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override;
  void close(ConnectionId id, std::uint16_t code, std::string_view reason) override;
  void on_closed(ConnectionId id) override;
  std::optional<std::string> user_of(ConnectionId id) const override;
  std::size_t connection_count() const override { return entries_.size(); }

  std::optional<ConnectionState> state_of(ConnectionId id) const;

 protected:
  // Seams for implementations that model a recorded incident
  // (scenarios/regressions/); production code uses none of them.

  // Completes the upgrade on the transport once the entry is OPEN: at once.
  virtual void complete_upgrade(const std::shared_ptr<runtime::Connection>& connection, std::string_view subprotocol,
                                runtime::ConnectionEvents events);
  // Every known connection, in id order, in any state.
  std::vector<ConnectionId> connection_ids() const;
  // One user's connections, in id order, in any state.
  std::vector<ConnectionId> connections_of(std::string_view user_id) const;
  // Puts a frame on the wire whatever the state and the outbound queue.
  void send_unchecked(ConnectionId id, std::string text);

 private:
  struct Entry {
    std::shared_ptr<runtime::Connection> connection;
    std::string user_id;
    ConnectionState state = ConnectionState::kConnecting;
  };
  // Sends when OPEN and within the outbound bound; closes a slow consumer
  // instead (false).
  bool send_bounded(ConnectionId id, Entry& entry, std::string text);
  // Ordered containers: iteration order is by id, never by pointer.
  std::map<ConnectionId, Entry> entries_;
  std::map<std::string, std::set<ConnectionId>, std::less<>> by_user_;
  runtime::Logger logger_;
  std::size_t outbound_frames_max_;
};

}  // namespace bridgesim::system
