// Incidents at the socket edge: frames sent before the upgrade was accepted
// (the early-close race: "Need to call accept first"), and a relay path with
// no sequence numbers that forwarded events as they came.
#include <boost/json.hpp>

#include "protocol/fields.hpp"

#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

// Completes the upgrade on the next turn of the loop, but lets frames
// through at once.
class LazyAcceptManager final : public system::WebSocketManager {
 public:
  LazyAcceptManager(runtime::Logger logger, std::size_t queue_max, runtime::Timers& timers)
      : WebSocketManager(std::move(logger), queue_max), timers_(timers) {}

  // The entry is already OPEN, so frames go out before the upgrade completes.
  void complete_upgrade(const std::shared_ptr<runtime::Connection>& connection, std::string_view subprotocol,
                        runtime::ConnectionEvents events) override {
    timers_.call_after(0, [connection, sub = std::string(subprotocol), events = std::move(events)] {
      connection->accept(sub, events);
    });
  }

 private:
  runtime::Timers& timers_;
};

// Forwards relay events in arrival order, without their seq.
class UnsequencedReceiver final : public system::EventReceiver {
 public:
  explicit UnsequencedReceiver(Deliver deliver) : deliver_(std::move(deliver)) {}
  void on_message(runtime::RelayMessage message) override {
    boost::system::error_code ec;
    auto frame = boost::json::parse(message.frame, ec);
    if (!ec && frame.is_object()) frame.as_object().erase(protocol::field::kSeq);
    message.frame = boost::json::serialize(frame);
    deliver_(message);
  }
  std::size_t runs_tracked() const override { return 0; }

 private:
  Deliver deliver_;
};

}  // namespace

Variant send_before_accept() {
  return Variant{"send_before_accept", "frames were sent on a connection whose upgrade was not yet accepted",
                 "protocol", [](system::Components& c) {
                   c.manager = [](const system::AppConfig& config, system::Runtime& rt) {
                     return std::make_unique<LazyAcceptManager>(rt.logger, config.outbound_frames_max, rt.timers);
                   };
                 }};
}

Variant relay_without_seq() {
  return Variant{"relay_without_seq", "a relay path without sequence numbers forwarded events as they came", "protocol",
                 [](system::Components& c) {
                   c.receiver = [](runtime::Timers&, const system::RunLog&, const system::AppConfig&,
                                   system::EventReceiver::Deliver deliver, runtime::BoundObserver*) {
                     return std::make_unique<UnsequencedReceiver>(std::move(deliver));
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
