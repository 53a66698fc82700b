#pragma once
// A runtime::Connection that records what the system did to it and counts
// breaches of the transport contract (send before accept or after close,
// accept/reject twice) instead of trusting the system to keep it.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "system/runtime/connection.hpp"

namespace bridgesim::testsupport {

class FakeConnection final : public runtime::Connection {
 public:
  FakeConnection(runtime::ConnectionId id, runtime::HandshakeRequest request = {"/ws", "", {}})
      : id_(id), request_(std::move(request)) {}

  runtime::ConnectionId id() const override { return id_; }
  const runtime::HandshakeRequest& handshake() const override { return request_; }

  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override {
    if (accepted || rejected) ++contract_breaches;
    accepted = true;
    this->subprotocol = std::string(subprotocol);
    this->events = std::move(events);
  }
  void reject(int http_status, std::string_view body) override {
    if (accepted || rejected) ++contract_breaches;
    rejected = true;
    reject_status = http_status;
    reject_body = std::string(body);
  }
  void send_text(std::string text) override {
    if (!accepted || !closes.empty()) {
      ++contract_breaches;
      return;
    }
    frames.push_back(std::move(text));
  }
  void close(std::uint16_t code, std::string_view reason) override {
    if (!accepted || !closes.empty()) ++contract_breaches;
    closes.emplace_back(code, std::string(reason));
  }
  std::size_t buffered_frames() const override { return buffered; }

  // The transport side: the peer sent text / the connection is gone.
  void deliver_text(std::string text) {
    if (events.on_text) events.on_text(std::move(text));
  }
  void deliver_closed(std::uint16_t code = runtime::close_code::kNormal) {
    if (events.on_closed) events.on_closed(code, "closed");
  }

  bool accepted = false;
  bool rejected = false;
  int reject_status = 0;
  std::string reject_body;
  std::string subprotocol;
  runtime::ConnectionEvents events;
  std::vector<std::string> frames;
  std::vector<std::pair<std::uint16_t, std::string>> closes;
  std::size_t buffered = 0;
  int contract_breaches = 0;

 private:
  runtime::ConnectionId id_;
  runtime::HandshakeRequest request_;
};

}  // namespace bridgesim::testsupport
