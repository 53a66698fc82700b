#pragma once
// `bridgesim serve`: the system on real sockets and real time, until SIGINT
// or SIGTERM. The first signal stops gracefully (events already handed to a
// socket are written, then close 1001 to every open WebSocket, up to
// ServerLimits::shutdown_grace_ms); a second one at once.
//
// Routes: GET /ws (the WebSocket), GET /health, POST /api/agent/v2/execute,
// GET / (a chat page for a browser, system/net/chat_page.hpp) and, only in
// development mode (--dev), GET /dev-token?user=NAME.
//
// Fails closed on its configuration: without --dev it needs a real HS256
// secret (at least system::kHs256SecretBytesMin bytes) from --jwt-secret,
// --jwt-secret-file or $JWT_SECRET, and refuses to start (exit 2) without
// one. The secret is never logged.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/profile.hpp"
#include "system/app.hpp"
#include "system/net/server.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::net {

// serve's transport limits: ServerLimits' defaults, except the outbound
// bound, which starts at the system's own (AppConfig::outbound_frames_max).
ServerLimits serve_default_limits();

struct ServeOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port (printed)
  // Where the HS256 secret comes from, first given wins: --jwt-secret,
  // --jwt-secret-file (the file's bytes, one trailing newline dropped),
  // $JWT_SECRET (the CLI copies it here; serve reads no environment).
  std::optional<std::string> jwt_secret;
  std::optional<std::string> jwt_secret_file;
  std::optional<std::string> jwt_secret_env;
  // Development mode: the public development secret and GET /dev-token,
  // announced on stderr; excludes every secret source above.
  bool dev = false;
  // Run and session ids and the scripted agents' latencies: OS entropy when
  // empty; a seed (predictable ids) only with `dev`.
  std::optional<std::uint64_t> seed;
  bool verbose = false;  // debug logging (per connection)
  runtime::LogFormat log_format = runtime::LogFormat::kText;
  // Frames larger than this get an `error` frame `frame_too_large` from the
  // system and the connection stays open (as in the simulated world); frames
  // larger than limits.frame_bytes_max are closed 1009 by the transport.
  std::size_t app_frame_bytes_max = 64 * 1024;
  // limits.outbound_frames_max (`--outbound-queue-max`) is the one source of
  // truth for the slow-consumer bound: the transport and the system both
  // close 1013 at it.
  ServerLimits limits = serve_default_limits();
  // The wire dialect (--protocol-profile): bridgesim's own by default, the
  // system's frames untouched; another re-spells them (profiled_connection.hpp).
  protocol::Profile profile;
};

// The secret serve will verify tokens with, or why it will not start.
struct ServeSecret {
  std::string secret;  // when error is empty
  bool dev = false;    // the development secret (and /dev-token)
  std::string source;  // "--jwt-secret", "--jwt-secret-file PATH", "JWT_SECRET" or "--dev"
  std::string error;   // non-empty: refuse to start (exit 2) with this message
};

// Applies the rules: --dev alone, or exactly one secret source whose secret
// is long enough (system::hs256_secret_problem) and is not the public
// development secret; --seed only with --dev. Reads --jwt-secret-file.
ServeSecret resolve_serve_secret(const ServeOptions& options);

// The system's configuration for `options` and its resolved secret: the JWT
// secret, the frame limit (at most the transport's) and the outbound bound
// (the transport's).
system::AppConfig app_config_for(const ServeOptions& options, const ServeSecret& secret);

// Exit codes.
constexpr int kServeStopped = 0;      // stopped by a signal
constexpr int kServeBadConfig = 2;    // no usable secret, conflicting options (as usage errors)
constexpr int kServeCannotStart = 3;  // bad address, port in use, ...
constexpr int kServeFailed = 4;       // the event loop failed

// Prints "listening on http://ADDRESS:PORT" (flushed) to stdout once the
// port is bound, logs to stderr, and runs on the calling thread.
int serve(const ServeOptions& options);

}  // namespace bridgesim::net
