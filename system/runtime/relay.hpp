#pragma once
// The hop between the process that runs an agent and the process that holds
// the user's socket (in production, a pub/sub bus between instances). The
// system publishes every event here and receives it on the socket side; the
// simulated world implements it with reordering, loss and duplication.
#include <cstdint>
#include <functional>
#include <string>

namespace bridgesim::runtime {

struct RelayMessage {
  std::string user_id;
  std::string run_id;
  std::uint64_t seq = 0;
  std::string type;
  std::string frame;
};

class EventRelay {
 public:
  virtual ~EventRelay() = default;
  // Called once, at startup, by the socket side.
  virtual void subscribe(std::function<void(RelayMessage)> receiver) = 0;
  virtual void publish(RelayMessage message) = 0;
};

// One process: publish hands the message straight to the receiver.
class DirectRelay final : public EventRelay {
 public:
  void subscribe(std::function<void(RelayMessage)> receiver) override { receiver_ = std::move(receiver); }
  void publish(RelayMessage message) override {
    if (receiver_) receiver_(std::move(message));
  }

 private:
  std::function<void(RelayMessage)> receiver_;
};

}  // namespace bridgesim::runtime
