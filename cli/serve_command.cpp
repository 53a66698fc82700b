// `bridgesim serve`: the only CLI file that touches the real transport.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "system/net/serve.hpp"

namespace bridgesim::cli {
namespace {

net::ServeOptions& options() {
  static net::ServeOptions o;
  return o;
}

std::string& profile_name() {
  static std::string name = "bridgesim";
  return name;
}

}  // namespace

// Issue 13 (hostile peers, docs/architecture.md's bounds table): caps,
// deadlines and byte budgets of the transport.
template <typename Options>
void add_hostile_peer_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--max-connections-per-peer", o.limits.connections_per_peer_max,
                  "Sockets one peer address may hold; beyond: 503 at once (0: no cap; raise it behind a proxy)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  cmd->add_option("--request-timeout-ms", o.limits.request_timeout_ms,
                  "Time to send one HTTP request, headers and body (the upgrade too); a slower socket is closed")
      ->capture_default_str()
      ->check(CLI::Range(100, 600'000));
  cmd->add_option("--ws-idle-timeout-ms", o.limits.ws_idle_timeout_ms,
                  "A WebSocket that receives nothing this long is closed; pinged at half of it (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86'400'000));
  cmd->add_option("--outbound-bytes-max", o.limits.outbound_bytes_max,
                  "Bytes one connection may lag; beyond: closed 1013 (slow consumer)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--outbound-user-bytes-max", o.limits.outbound_user_bytes_max,
                  "Bytes all of one user's connections may lag; beyond: the one lagging most is closed 1013")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--outbound-total-bytes-max", o.limits.outbound_total_bytes_max,
                  "Bytes all connections may lag; beyond: the one lagging most is closed 1013")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40));
}

CLI::App* register_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve the system for real on Boost.Beast: /ws, GET /health, POST /api/agent/v2/execute, a chat page at /");
  auto& o = options();
  cmd->add_option("--address", o.address, "Address to bind")->capture_default_str();
  cmd->add_option("-p,--port", o.port, "Port to bind (0: any free port, printed)")->capture_default_str();
  cmd->add_option("--jwt-secret", o.jwt_secret,
                  "HS256 secret for tokens, at least 32 bytes (visible in ps: prefer --jwt-secret-file or JWT_SECRET)");
  cmd->add_option("--jwt-secret-file", o.jwt_secret_file,
                  "Read the HS256 secret from this file (one trailing newline is dropped); else $JWT_SECRET");
  cmd->add_flag("--dev", o.dev,
                "Development mode: the public development secret and GET /dev-token (announced; never expose)");
  cmd->add_option("--seed", o.seed,
                  "Only with --dev: seed run and session ids and the agents' latencies (default: OS entropy)");
  const std::map<std::string, runtime::LogFormat> formats{{"text", runtime::LogFormat::kText},
                                                          {"json", runtime::LogFormat::kJson}};
  cmd->add_option("--log-format", o.log_format, "Log lines on stderr: text, or json (one object per line)")
      ->transform(CLI::CheckedTransformer(formats))
      ->default_str("text");
  cmd->add_option("--max-connections", o.limits.connections_max,
                  "Sockets the server holds; beyond: 503 at once (8 more may ask /health*)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--max-frame-bytes", o.limits.frame_bytes_max,
                  "Transport cap on one incoming WebSocket message: larger ones are closed 1009")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--app-max-frame-bytes", o.app_frame_bytes_max,
                  "The system's own frame limit: larger frames get an error frame frame_too_large, the socket stays")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--max-http-body-bytes", o.limits.http_body_bytes_max, "Larger HTTP request bodies get 413")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option(
         "--outbound-queue-max", o.limits.outbound_frames_max,
         "Frames a connection may lag, in the system and the transport alike; beyond: closed 1013 (slow consumer)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  add_hostile_peer_options(cmd, o);
  cmd->add_option("--shutdown-grace-ms", o.limits.shutdown_grace_ms,
                  "On SIGINT/SIGTERM: wait this long for close handshakes, then cut")
      ->capture_default_str()
      ->check(CLI::Range(0, 600'000));
  cmd->add_option(
         "--protocol-profile", profile_name(),
         "The wire dialect: a shipped profile (bridgesim, platform) or a profile .toml file (docs/protocol.md, "
         "Protocol profiles)")
      ->capture_default_str();
  cmd->add_flag("-v,--verbose", o.verbose, "Debug logging (per connection)");
  cmd->footer(
      "Examples:\n"
      "  bridgesim serve --dev --port 8080    then open http://127.0.0.1:8080/ (chat page; dev token from /dev-token)\n"
      "  JWT_SECRET=... bridgesim serve --port 0 --log-format json   (staging-like: no /dev-token)\n"
      "  bridgesim serve --jwt-secret-file /run/secrets/jwt --address 0.0.0.0\n"
      "  bridgesim serve --dev --protocol-profile platform   (the production platform's dialect; probe it with the "
      "same)\n"
      "Without --dev, serve needs a secret of at least 32 bytes (--jwt-secret, --jwt-secret-file or $JWT_SECRET)\n"
      "and refuses to start (exit 2) without one.\n"
      "SIGINT/SIGTERM: graceful stop (pending events written, close 1001 to every socket); a second signal: at once.\n"
      "Exit codes: 0 stopped by a signal, 2 usage error or no usable secret, 3 cannot start (address, port), 4 the "
      "event loop failed.");
  return cmd;
}

int run_serve_command() {
  auto& o = options();
  // serve itself reads no environment: the CLI hands $JWT_SECRET over.
  if (const char* env = std::getenv("JWT_SECRET"); env != nullptr) o.jwt_secret_env = std::string(env);
  try {
    o.profile = protocol::load_profile(profile_name());
  } catch (const protocol::ProfileError& e) {
    std::fprintf(stderr, "error: --protocol-profile: %s\n", e.what());
    return net::kServeBadConfig;
  }
  return net::serve(o);
}

}  // namespace bridgesim::cli
