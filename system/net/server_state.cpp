#include "system/net/server_state.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>

namespace bridgesim::net::detail {

ServerState::ServerState(asio::io_context& io_context, ServerLimits server_limits, ServerHandlers server_handlers)
    : io(io_context),
      limits(server_limits),
      handlers(std::move(server_handlers)),
      logger(handlers.logger),
      grace_timer_(io_context) {}

void ServerState::track(std::uint64_t serial, std::weak_ptr<Socket> socket) {
  live_[serial] = std::move(socket);
  live_count = live_.size();
}

void ServerState::forget(std::uint64_t serial) {
  live_.erase(serial);
  live_count = live_.size();
  check_drained();
}

std::vector<std::shared_ptr<Socket>> ServerState::snapshot() const {
  std::vector<std::shared_ptr<Socket>> sockets;
  for (const auto& [serial, weak] : live_) {
    if (auto socket = weak.lock()) sockets.push_back(std::move(socket));
  }
  return sockets;
}

void ServerState::begin_stop(std::function<void()> drained) {
  if (drained) on_drained_.push_back(std::move(drained));
  if (!stopping) {
    stopping = true;
    logger->info("server stopping: {} sockets open", live_.size());
    // Armed first: check_drained() cancels it as soon as the last socket goes.
    grace_timer_.expires_after(std::chrono::milliseconds(limits.shutdown_grace_ms));
    grace_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->live_.empty()) return;
      self->cut_the_rest();
    });
    for (const auto& socket : snapshot()) socket->begin_shutdown();
  }
  check_drained();
}

void ServerState::cut_the_rest() {
  logger->warn("{} sockets still open after {} ms: cutting them", live_.size(), limits.shutdown_grace_ms);
  for (const auto& socket : snapshot()) socket->cut();
  live_.clear();  // entries whose session is already gone count as closed
  live_count = 0;
  check_drained();
}

void ServerState::check_drained() {
  if (!stopping || !live_.empty() || on_drained_.empty()) return;
  grace_timer_.cancel();
  // Posted: completions of the sockets just closed run first.
  asio::post(io, [callbacks = std::exchange(on_drained_, {})] {
    for (const auto& callback : callbacks) callback();
  });
}

void ServerState::detach_all() {
  attached = false;
  stopping = true;
  on_drained_.clear();
  grace_timer_.cancel();
  for (const auto& socket : snapshot()) socket->detach();
}

void ServerState::violation(runtime::ConnectionId id, std::string_view what) {
  ++violations;
  logger->error("protocol violation on connection {}: {}", id, what);
}

}  // namespace bridgesim::net::detail
