#include "system/net/serve.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/net/app_server.hpp"
#include "system/net/chat_page.hpp"
#include "system/net/profiled_connection.hpp"
#include "system/runtime/invariant.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::net {

namespace {

std::string url_of(const std::string& address, std::uint16_t port) {
  const bool ipv6 = address.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

// The first signal stops gracefully, a second one at once.
void stop_on_signals(boost::asio::signal_set& signals, AppServer& host) {
  signals.async_wait([&signals, &host](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    host.logger()->info("signal {}: stopping (again to stop at once)", signal);
    host.server().stop([&signals, &host] {
      signals.cancel();
      host.io().stop();
    });
    signals.async_wait([&host](const boost::system::error_code& again, int) {
      if (!again) host.io().stop();
    });
  });
}

}  // namespace

ServerLimits serve_default_limits() {
  ServerLimits limits;
  limits.outbound_frames_max = system::AppConfig{}.outbound_frames_max;
  limits.connections_per_peer_max = kServePerPeerDefault;  // issue 13 (net13)
  return limits;
}

namespace {

ServeSecret refused(std::string error) { return ServeSecret{{}, false, {}, std::move(error)}; }

// The file's bytes, one trailing "\n" or "\r\n" dropped (editors add one).
ServeSecret secret_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return refused("cannot read --jwt-secret-file " + path + ": " + std::strerror(errno));
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  return ServeSecret{std::move(secret), false, "--jwt-secret-file " + path, {}};
}

ServeSecret development_secret(const ServeOptions& options) {
  if (options.jwt_secret || options.jwt_secret_file || options.jwt_secret_env) {
    return refused(
        "--dev uses the public development secret, but a secret was given (--jwt-secret, --jwt-secret-file or "
        "JWT_SECRET): drop --dev to use it, or drop the secret");
  }
  return ServeSecret{system::AppConfig{}.jwt_secret, true, "--dev", {}};
}

}  // namespace

ServeSecret resolve_serve_secret(const ServeOptions& options) {
  if (options.dev) return development_secret(options);
  if (options.seed) return refused("--seed makes run and session ids predictable: only with --dev");
  if (options.jwt_secret && options.jwt_secret_file) return refused("give one of --jwt-secret and --jwt-secret-file");
  ServeSecret chosen;
  if (options.jwt_secret) {
    chosen = ServeSecret{*options.jwt_secret, false, "--jwt-secret", {}};
  } else if (options.jwt_secret_file) {
    chosen = secret_from_file(*options.jwt_secret_file);
  } else if (options.jwt_secret_env) {
    chosen = ServeSecret{*options.jwt_secret_env, false, "JWT_SECRET", {}};
  } else {
    return refused("no JWT secret: give --jwt-secret-file PATH, set JWT_SECRET or pass --jwt-secret (at least " +
                   std::to_string(system::kHs256SecretBytesMin) +
                   " bytes), or --dev for the public development secret and /dev-token");
  }
  if (!chosen.error.empty()) return chosen;
  if (const std::string problem = system::hs256_secret_problem(chosen.secret); !problem.empty()) {
    return refused(chosen.source + ": " + problem);
  }
  if (chosen.secret == system::AppConfig{}.jwt_secret) {
    return refused(chosen.source + " is the public development secret: use --dev for development");
  }
  return chosen;
}

system::AppConfig app_config_for(const ServeOptions& options, const ServeSecret& secret) {
  BRIDGESIM_ASSERT(secret.error.empty() && !secret.secret.empty(), "serve configures the system with a usable secret");
  system::AppConfig config;
  config.jwt_secret = secret.secret;
  // The transport closes larger frames 1009 before the system could answer them.
  config.frame_bytes_max = std::min(options.app_frame_bytes_max, options.limits.frame_bytes_max);
  config.outbound_frames_max = options.limits.outbound_frames_max;
  return config;
}

namespace {

void announce_development_mode(const runtime::Logger& logger, bool seeded) {
  logger->warn("*** DEVELOPMENT MODE (--dev) ***");
  logger->warn("tokens are signed with the PUBLIC development secret, and GET /dev-token hands one to anyone");
  if (seeded) logger->warn("--seed: run and session ids are predictable");
  logger->warn("never expose this server; without --dev, serve needs --jwt-secret-file or JWT_SECRET");
}

}  // namespace

int serve(const ServeOptions& options) {
  const ServeSecret secret = resolve_serve_secret(options);
  if (!secret.error.empty()) {
    std::cerr << "serve: error: " << secret.error << std::endl;
    return kServeBadConfig;
  }
  AppServer host({.seed = options.seed, .log_name = "bridgesim", .log_to_stderr = true});
  const runtime::Logger& logger = host.logger();
  runtime::set_log_format(logger, host.clock(), options.log_format);
  if (options.verbose) logger->set_level(spdlog::level::debug);

  const system::AppConfig config = app_config_for(options, secret);
  ChatPageOptions page;
  if (secret.dev) {
    announce_development_mode(logger, options.seed.has_value());
    page.dev_secret = config.jwt_secret;
  } else {
    logger->info("JWT secret from {}; GET /dev-token is off", secret.source);
  }
  system::App& app = host.make_app(config, system::Components::defaults());
  if (!app.health().ok) logger->warn("serving unhealthy: /health answers 503 and upgrades are refused");

  // The chat page in front of the system's own routes.
  ServerHandlers handlers = handlers_for(app);
  if (!profile_is_identity(options.profile)) {
    logger->info("protocol profile {} ({}): frames re-encoded for the peer", options.profile.name,
                 options.profile.source);
    handlers.on_connection = [inner = std::move(handlers.on_connection),
                              profile = std::make_shared<const protocol::Profile>(options.profile)](
                                 std::shared_ptr<runtime::Connection> connection) {
      inner(std::make_shared<ProfiledConnection>(std::move(connection), profile));
    };
  }
  handlers.on_http = [&app, &clock = host.clock(), page](const system::HttpRequest& request) {
    if (auto response = chat_page_route(request, page, clock)) return std::move(*response);
    return app.handle_http(request);
  };

  try {
    host.listen(options.address, options.port, options.limits, std::move(handlers));
  } catch (const std::exception& e) {
    logger->error("{}", e.what());
    return kServeCannotStart;
  }

  boost::asio::signal_set signals(host.io(), SIGINT, SIGTERM);
  stop_on_signals(signals, host);

  std::cout << "listening on " << url_of(options.address, host.server().port()) << std::endl;
  try {
    host.io().run();
  } catch (const runtime::InvariantViolation& e) {
    // A bug: stop serving rather than go on in a state nobody designed.
    logger->critical("{}", e.what());
    return kServeFailed;
  } catch (const std::exception& e) {
    logger->error("event loop failed: {}", e.what());
    return kServeFailed;
  }
  logger->info("stopped");
  return kServeStopped;
}

}  // namespace bridgesim::net
