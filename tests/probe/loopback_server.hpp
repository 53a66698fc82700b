#pragma once
// A Server with its own App, io_context and io thread on 127.0.0.1 (an
// ephemeral port): the live server the probe tests drive. Stops by itself.
#include <cstdint>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "system/app.hpp"
#include "system/net/real_runtime.hpp"
#include "system/net/server.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::probe_test {

inline constexpr char kHost[] = "127.0.0.1";
inline constexpr char kSecret[] = "probe-test-secret";

class LoopbackServer {
 public:
  explicit LoopbackServer(system::Components components = system::Components::defaults())
      : app_(config(), system::Runtime{clock_, timers_, random_, logger_}, std::move(components)),
        server_(io_, kHost, 0, net::ServerLimits{}, app_),
        thread_([this] { io_.run(); }) {}

  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return server_.port(); }
  std::uint64_t protocol_violations() const { return server_.protocol_violations(); }

  void stop() {
    if (!thread_.joinable()) return;
    server_.stop([this] { io_.stop(); });
    thread_.join();
  }

 private:
  static system::AppConfig config() {
    system::AppConfig c;
    c.jwt_secret = kSecret;
    return c;
  }

  boost::asio::io_context io_{1};
  net::RealClock clock_;
  net::AsioTimers timers_{io_};
  net::SeededRandom random_{7};
  runtime::Logger logger_ = runtime::make_logger("probe-test-server", clock_, false);
  system::App app_;
  net::Server server_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace bridgesim::probe_test
