#include "system/net/server_state.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>

#include "system/net/real_runtime.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::net::detail {

ServerState::ServerState(asio::io_context& io_context, ServerLimits server_limits, ServerHandlers server_handlers)
    : io(io_context),
      limits(server_limits),
      handlers(std::move(server_handlers)),
      logger(handlers.logger),
      grace_timer_(io_context),
      id_random_(make_real_random(limits.id_seed)) {}

runtime::ConnectionId ServerState::draw_connection_id(std::uint64_t serial) {
  constexpr std::uint64_t kJsonExact = (std::uint64_t{1} << 53) - 1;  // Number.MAX_SAFE_INTEGER
  runtime::ConnectionId id = 0;
  while (id == 0 || ids_in_use_.contains(id)) id = id_random_->next_u64() & kJsonExact;
  const bool fresh = id_of_.emplace(serial, id).second;
  BRIDGESIM_ASSERT(fresh, "a socket is given one connection id");
  ids_in_use_.insert(id);
  return id;
}

void ServerState::track(std::uint64_t serial, std::weak_ptr<Socket> socket) {
  live_[serial] = std::move(socket);
  live_count = live_.size();
}

void ServerState::forget(std::uint64_t serial) {
  live_.erase(serial);
  live_count = live_.size();
  release_peer(serial);
  if (const auto id = id_of_.find(serial); id != id_of_.end()) {
    ids_in_use_.erase(id->second);
    id_of_.erase(id);
  }
  check_drained();
}

ServerState::Admission ServerState::admission(const std::string& peer_ip) const {
  const std::size_t per_peer_max = limits.connections_per_peer_max;
  if (per_peer_max != 0 && peer_sockets(peer_ip) >= per_peer_max) return Admission::kRefuse;
  if (live_.size() < limits.connections_max + health_only_) return Admission::kAdmit;
  return health_only_ < kHealthReserve ? Admission::kHealthOnly : Admission::kRefuse;
}

void ServerState::count_peer(std::uint64_t serial, std::string peer_ip, bool health_only) {
  ++per_peer_[peer_ip];
  if (health_only) ++health_only_;
  peer_of_[serial] = PeerSlot{std::move(peer_ip), health_only};
}

std::size_t ServerState::peer_sockets(const std::string& peer_ip) const {
  const auto it = per_peer_.find(peer_ip);
  return it == per_peer_.end() ? 0 : it->second;
}

void ServerState::release_peer(std::uint64_t serial) {
  const auto slot = peer_of_.find(serial);
  if (slot == peer_of_.end()) return;
  const auto count = per_peer_.find(slot->second.ip);
  BRIDGESIM_ASSERT(count != per_peer_.end() && count->second > 0, "a counted socket's peer has a count");
  if (--count->second == 0) per_peer_.erase(count);
  if (slot->second.health_only) --health_only_;
  peer_of_.erase(slot);
}

void ServerState::add_outbound(std::string_view user, std::size_t bytes) {
  outbound_total += bytes;
  const auto it = outbound_by_user_.find(user);
  if (it == outbound_by_user_.end()) {
    outbound_by_user_.emplace(std::string(user), bytes);
  } else {
    it->second += bytes;
  }
}

void ServerState::remove_outbound(std::string_view user, std::size_t bytes) {
  const auto it = outbound_by_user_.find(user);
  BRIDGESIM_ASSERT(it != outbound_by_user_.end() && it->second >= bytes && outbound_total >= bytes,
                   "outbound bytes removed were added before, for the same user");
  outbound_total -= bytes;
  if ((it->second -= bytes) == 0) outbound_by_user_.erase(it);
}

std::shared_ptr<Socket> ServerState::largest_laggard(std::string_view user) const {
  std::shared_ptr<Socket> largest;
  std::size_t most = 0;
  for (const auto& socket : snapshot()) {
    if (!user.empty() && socket->user() != user) continue;
    const std::size_t bytes = socket->sheddable_bytes();
    if (bytes > most) {
      most = bytes;
      largest = socket;
    }
  }
  return largest;
}

bool ServerState::make_room(const Socket& self, std::string_view user, std::size_t bytes) {
  while (true) {
    const auto by_user = outbound_by_user_.find(user);
    const std::size_t user_bytes = by_user == outbound_by_user_.end() ? 0 : by_user->second;
    const bool user_over = user_bytes + bytes > limits.outbound_user_bytes_max;
    const bool total_over = outbound_total + bytes > limits.outbound_total_bytes_max;
    if (!user_over && !total_over) return true;
    auto victim = largest_laggard(user_over ? user : std::string_view{});
    // Nothing left to shed (every lagging byte is a close in flight): the
    // frame goes, the overshoot is at most one frame per connection.
    if (!victim) return true;
    logger->warn("outbound bytes over the {} budget ({} bytes lagging): shedding the connection lagging most",
                 user_over ? "user's" : "server's", user_over ? user_bytes : outbound_total);
    victim->shed();
    if (victim.get() == &self) return false;
  }
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
  peer_of_.clear();
  per_peer_.clear();
  health_only_ = 0;
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
