#pragma once
// `bridgesim serve`: the system on real sockets and real time, until SIGINT
// or SIGTERM. The first signal stops gracefully (close 1001 to every open
// WebSocket, up to ServerLimits::shutdown_grace_ms); a second one at once.
#include <cstdint>
#include <string>

#include "system/net/server.hpp"

namespace bridgesim::net {

struct ServeOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port (printed)
  std::string jwt_secret;     // empty: the development secret (a warning says so)
  std::uint64_t seed = 1;     // run ids and the scripted agents' latencies
  bool verbose = false;       // debug logging (per connection)
  ServerLimits limits;
};

// Exit codes.
constexpr int kServeStopped = 0;     // stopped by a signal
constexpr int kServeCannotStart = 3;  // bad address, port in use, ...
constexpr int kServeFailed = 4;       // the event loop failed

// Prints "listening on http://ADDRESS:PORT" (flushed) to stdout once the
// port is bound, logs to stderr, and runs on the calling thread.
int serve(const ServeOptions& options);

}  // namespace bridgesim::net
