#pragma once
// `bridgesim serve`: the system on real sockets and real time, until SIGINT
// or SIGTERM. The first signal stops gracefully (events already handed to a
// socket are written, then close 1001 to every open WebSocket, up to
// ServerLimits::shutdown_grace_ms); a second one at once.
//
// Routes: GET /ws (the WebSocket), GET /health, POST /api/agent/v2/execute,
// GET / (a chat page for a browser, system/net/chat_page.hpp) and, only with
// the development secret, GET /dev-token?user=NAME.
#include <cstddef>
#include <cstdint>
#include <string>

#include "system/app.hpp"
#include "system/net/server.hpp"

namespace bridgesim::net {

// serve's transport limits: ServerLimits' defaults, except the outbound
// bound, which starts at the system's own (AppConfig::outbound_frames_max).
ServerLimits serve_default_limits();

struct ServeOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port (printed)
  std::string jwt_secret;     // empty: the development secret (a warning says so; /dev-token is on)
  std::uint64_t seed = 1;     // run ids and the scripted agents' latencies
  bool verbose = false;       // debug logging (per connection)
  // Frames larger than this get an `error` frame `frame_too_large` from the
  // system and the connection stays open (as in the simulated world); frames
  // larger than limits.frame_bytes_max are closed 1009 by the transport.
  std::size_t app_frame_bytes_max = 64 * 1024;
  // limits.outbound_frames_max (`--outbound-queue-max`) is the one source of
  // truth for the slow-consumer bound: the transport and the system both
  // close 1013 at it.
  ServerLimits limits = serve_default_limits();
};

// The system's configuration for `options`: the JWT secret (the development
// one when empty), the frame limit (at most the transport's) and the
// outbound bound (the transport's).
system::AppConfig app_config_for(const ServeOptions& options);

// Exit codes.
constexpr int kServeStopped = 0;      // stopped by a signal
constexpr int kServeCannotStart = 3;  // bad address, port in use, ...
constexpr int kServeFailed = 4;       // the event loop failed

// Prints "listening on http://ADDRESS:PORT" (flushed) to stdout once the
// port is bound, logs to stderr, and runs on the calling thread.
int serve(const ServeOptions& options);

}  // namespace bridgesim::net
