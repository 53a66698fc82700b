#pragma once
// A net::AppServer (its own App, io_context and io thread) on 127.0.0.1, an
// ephemeral port: the live server the probe tests drive. Stops by itself.
#include <cstdint>
#include <utility>

#include "system/app.hpp"
#include "system/net/app_server.hpp"
#include "system/net/server.hpp"

namespace bridgesim::probe_test {

inline constexpr char kHost[] = "127.0.0.1";
inline constexpr char kSecret[] = "probe-test-secret";

class LoopbackServer {
 public:
  explicit LoopbackServer(system::Components components = system::Components::defaults())
      : host_({.seed = 7, .log_name = "probe-test-server", .log_to_stderr = false}) {
    host_.make_app(config(), std::move(components));
    host_.listen(kHost, 0, net::ServerLimits{});
    host_.start_thread();
  }

  std::uint16_t port() const { return host_.server().port(); }
  std::uint64_t protocol_violations() const { return host_.server().protocol_violations(); }

  void stop() { host_.stop(); }

 private:
  static system::AppConfig config() {
    system::AppConfig c;
    c.jwt_secret = kSecret;
    return c;
  }

  net::AppServer host_;
};

}  // namespace bridgesim::probe_test
