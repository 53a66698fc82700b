// Incidents at the outbound bound: a manager that shed a slow consumer one
// frame before its bound (a reader that kept up was dropped), and one that
// never shed it at all (its queue grew without limit). Only `bounds` sees
// either: the client reconnects and resumes after a 1013 whenever it comes,
// and a queue that is never cut still delivers everything in the end.
#include <map>
#include <memory>

#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

// Keeps each connection so it can read its lag (buffered_frames()).
class LagReadingManager : public system::WebSocketManager {
 public:
  LagReadingManager(runtime::Logger logger, std::size_t outbound_frames_max)
      : WebSocketManager(std::move(logger), outbound_frames_max), max_(outbound_frames_max) {}

  void add(std::shared_ptr<runtime::Connection> connection, std::string user_id) override {
    connections_[connection->id()] = connection;
    WebSocketManager::add(std::move(connection), std::move(user_id));
  }
  void on_closed(system::ConnectionId id) override {
    connections_.erase(id);
    WebSocketManager::on_closed(id);
  }

 protected:
  std::size_t lag(system::ConnectionId id) const { return connections_.at(id)->buffered_frames(); }
  bool open(system::ConnectionId id) const { return state_of(id) == system::ConnectionState::kOpen; }
  std::size_t max_;

 private:
  std::map<system::ConnectionId, std::shared_ptr<runtime::Connection>> connections_;
};

class EarlyShedManager final : public LagReadingManager {
 public:
  using LagReadingManager::LagReadingManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    for (const auto id : connections_of(user_id)) {
      // The bug: `lag + 1 >= max`, one frame short of the bound.
      if (open(id) && lag(id) + 1 >= max_) close(id, runtime::close_code::kTryAgainLater, "slow consumer");
    }
    return WebSocketManager::send_to_user(user_id, text);
  }
};

class NeverShedManager final : public LagReadingManager {
 public:
  using LagReadingManager::LagReadingManager;
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    std::size_t sent = 0;
    for (const auto id : connections_of(user_id)) {
      if (!open(id)) continue;
      send_unchecked(id, text);  // the bug: the outbound bound is never consulted
      ++sent;
    }
    return sent;
  }
};

template <typename Manager>
std::function<void(system::Components&)> use_manager() {
  return [](system::Components& c) {
    c.manager = [](const system::AppConfig& config, system::Runtime& rt) {
      return std::make_unique<Manager>(rt.logger, config.outbound_frames_max);
    };
  };
}

}  // namespace

Variant outbound_closed_early() {
  return Variant{"outbound_closed_early",
                 "the manager closed a lagging connection 1013 one frame before outbound_frames_max", "bounds",
                 use_manager<EarlyShedManager>()};
}

Variant outbound_never_closed() {
  return Variant{"outbound_never_closed",
                 "the manager never closed a slow consumer: its outbound queue grew past outbound_frames_max", "bounds",
                 use_manager<NeverShedManager>()};
}

}  // namespace bridgesim::scenarios::regressions
