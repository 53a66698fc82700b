// Incident: a batching layer in front of the sockets released a user's
// events at most one per 300 ms. Every event arrived, in order, exactly once,
// and every request ended long before the liveness bound, so only the
// clocks showed it: only `timeliness` sees it.
#include <map>
#include <memory>
#include <string>

#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

constexpr runtime::Nanos kTrickleNs = 300 * runtime::kNanosPerMilli;

class TrickleManager final : public system::WebSocketManager {
 public:
  TrickleManager(runtime::Logger logger, const runtime::Clock& clock, runtime::Timers& timers)
      : WebSocketManager(std::move(logger)), clock_(clock), timers_(timers) {}
  ~TrickleManager() override { *alive_ = false; }

  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    const runtime::Nanos now = clock_.now_ns();
    runtime::Nanos& next = next_release_ns_[std::string(user_id)];
    const runtime::Nanos at = std::max(now, next);
    next = at + kTrickleNs;
    std::weak_ptr<bool> alive = alive_;
    timers_.call_after(at - now, [this, alive, user = std::string(user_id), text] {
      if (!alive.expired()) WebSocketManager::send_to_user(user, text);
    });
    return connections_of(user_id).size();
  }

 private:
  const runtime::Clock& clock_;
  runtime::Timers& timers_;
  std::map<std::string, runtime::Nanos> next_release_ns_;  // by user
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

Variant events_trickle() {
  return Variant{"events_trickle",
                 "a batching layer released each user's events 300 ms apart; all arrived, in order, seconds late",
                 "timeliness", [](system::Components& c) {
                   c.manager = [](const system::AppConfig&, system::Runtime& rt) {
                     return std::make_unique<TrickleManager>(rt.logger, rt.clock, rt.timers);
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
