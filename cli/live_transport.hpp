#pragma once
// The Beast client (system/net/async_client) as the simulated clients'
// transport, so scenarios::UserClient and HostileClient run unchanged
// against a live server in real time.
#include <functional>
#include <memory>
#include <string>

#include "scenarios/client_world.hpp"
#include "system/net/async_client.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::cli {

// In real time a start time may already be behind us when a client asks for
// it: a negative delay fires at once.
class NonNegativeTimers final : public runtime::Timers {
 public:
  explicit NonNegativeTimers(runtime::Timers& inner) : inner_(inner) {}
  runtime::TimerHandle call_after(runtime::Nanos delay_ns, std::function<void()> fn) override;

 private:
  runtime::Timers& inner_;
};

// Connects to the live server's endpoint path, whatever path the workloads
// ask for (they ask for /ws; the URL says where that is).
class LiveTransport final : public scenarios::ClientTransport {
 public:
  LiveTransport(net::AsyncClientTransport& network, std::string target)
      : network_(network), target_(std::move(target)) {}

  std::unique_ptr<scenarios::ClientConnection> connect(std::string client_name, runtime::HandshakeRequest request,
                                                       scenarios::ClientCallbacks callbacks) override;

 private:
  net::AsyncClientTransport& network_;
  std::string target_;
};

}  // namespace bridgesim::cli
