// Incident: the manager kept sending a run's events to a connection it had
// already closed (after the client's `disconnect`, or after closing a slow
// consumer), and the framework raised "Cannot call send once a close message
// has been sent" in the middle of the agent's run.
#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

class SendAfterCloseManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;

  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    std::size_t sent = 0;
    for (const auto id : connections_of(user_id)) {
      if (state_of(id) == system::ConnectionState::kConnecting) continue;
      send_unchecked(id, text);  // the bug: CLOSING is treated like OPEN
      ++sent;
    }
    return sent;
  }
};

}  // namespace

Variant send_after_close() {
  return Variant{
      "send_after_close",
      "the manager sent events to connections it had already closed",
      "protocol",
      [](system::Components& c) {
        c.manager = [](const system::AppConfig& config, system::Runtime& rt) {
          return std::make_unique<SendAfterCloseManager>(rt.logger, config.outbound_frames_max);
        };
      },
  };
}

}  // namespace bridgesim::scenarios::regressions
