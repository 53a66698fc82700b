// Incident: a process-wide manager delivered every event to the connection
// that registered last, not to the event's user — users saw each other's
// agent runs whenever two were connected at once.
#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

class LeakyManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;

  std::size_t send_to_user(std::string_view, const std::string& text) override {
    const auto ids = connection_ids();
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      if (state_of(*it) != system::ConnectionState::kOpen) continue;
      send_unchecked(*it, text);
      return 1;
    }
    return 0;
  }
};

}  // namespace

Variant leaky_manager() {
  return Variant{
      "leaky_manager",
      "a shared manager routed events by connection order (the last one registered), not by user",
      "isolation",
      [](system::Components& c) {
        c.manager = [](const system::AppConfig&, system::Runtime& rt) {
          return std::make_unique<LeakyManager>(rt.logger);
        };
      },
  };
}

}  // namespace bridgesim::scenarios::regressions
