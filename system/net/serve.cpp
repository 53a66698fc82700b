#include "system/net/serve.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "system/app.hpp"
#include "system/net/app_server.hpp"
#include "system/net/chat_page.hpp"
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

system::AppConfig app_config_for(const ServeOptions& options) {
  system::AppConfig config;
  if (!options.jwt_secret.empty()) config.jwt_secret = options.jwt_secret;
  // The transport closes larger frames 1009 before the system could answer them.
  config.frame_bytes_max = std::min(options.app_frame_bytes_max, options.limits.frame_bytes_max);
  config.outbound_frames_max = options.limits.outbound_frames_max;
  return config;
}

int serve(const ServeOptions& options) {
  AppServer host({.seed = options.seed, .log_name = "bridgesim", .log_to_stderr = true});
  const runtime::Logger& logger = host.logger();
  if (options.verbose) logger->set_level(spdlog::level::debug);

  const system::AppConfig config = app_config_for(options);
  ChatPageOptions page;
  if (options.jwt_secret.empty()) {
    logger->warn(
        "no JWT secret given: using the development secret and serving GET /dev-token; do not expose this server");
    page.dev_secret = config.jwt_secret;
  }
  system::App& app = host.make_app(config, system::Components::defaults());
  if (!app.health().ok) logger->warn("serving unhealthy: /health answers 503 and upgrades are refused");

  // The chat page in front of the system's own routes.
  ServerHandlers handlers = handlers_for(app);
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
