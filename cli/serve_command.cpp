// `bridgesim serve`: the only CLI file that touches the real transport.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "system/net/serve.hpp"

namespace bridgesim::cli {
namespace {

net::ServeOptions& options() {
  static net::ServeOptions o;
  return o;
}

}  // namespace

CLI::App* register_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Serve the system for real on Boost.Beast: /ws, GET /health");
  auto& o = options();
  cmd->add_option("--address", o.address, "Address to bind")->capture_default_str();
  cmd->add_option("-p,--port", o.port, "Port to bind (0: any free port, printed)")->capture_default_str();
  cmd->add_option("--jwt-secret", o.jwt_secret, "HS256 secret for tokens (default: the development secret)");
  cmd->add_option("--seed", o.seed, "Seed for run ids and the scripted agents' latencies")->capture_default_str();
  cmd->add_option("--max-connections", o.limits.max_connections, "Refuse connections beyond this (503)")->capture_default_str();
  cmd->add_option("--max-frame-bytes", o.limits.max_frame_bytes, "Close 1009 on a larger frame")->capture_default_str();
  cmd->add_flag("-v,--verbose", o.verbose, "Debug logging");
  cmd->footer("Example: bridgesim serve --port 8080   (SIGINT/SIGTERM: graceful stop, close 1001 to every socket)");
  return cmd;
}

int run_serve_command() { return net::serve(options()); }

}  // namespace bridgesim::cli
