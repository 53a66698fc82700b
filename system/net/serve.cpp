#include "system/net/serve.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <iostream>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "system/app.hpp"
#include "system/net/chat_page.hpp"
#include "system/net/real_runtime.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::net {

namespace {

std::string url_of(const std::string& address, std::uint16_t port) {
  const bool ipv6 = address.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

int serve(const ServeOptions& options) {
  // Declared first, destroyed last: the App and the Server hold its objects.
  boost::asio::io_context io{1};
  RealClock clock;
  AsioTimers timers(io);
  SeededRandom random(options.seed);
  runtime::Logger logger = runtime::make_logger("bridgesim", clock, true);
  if (options.verbose) logger->set_level(spdlog::level::debug);

  system::AppConfig config;
  ChatPageOptions page;
  if (options.jwt_secret.empty()) {
    logger->warn(
        "no JWT secret given: using the development secret and serving GET /dev-token; do not expose this server");
    page.dev_secret = config.jwt_secret;
  } else {
    config.jwt_secret = options.jwt_secret;
  }
  // The transport closes larger frames 1009 before the system could answer them.
  config.max_frame_bytes = std::min(options.app_max_frame_bytes, options.limits.max_frame_bytes);
  system::App app(config, system::Runtime{clock, timers, random, logger}, system::Components::defaults());
  if (!app.health().ok) logger->warn("serving unhealthy: /health answers 503 and upgrades are refused");

  // The chat page in front of the system's own routes.
  ServerHandlers handlers = handlers_for(app);
  handlers.on_http = [&app, &clock, page](const system::HttpRequest& request) {
    if (auto response = chat_page_route(request, page, clock)) return std::move(*response);
    return app.handle_http(request);
  };

  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(io, options.address, options.port, options.limits, std::move(handlers));
  } catch (const std::exception& e) {
    logger->error("{}", e.what());
    return kServeCannotStart;
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    logger->info("signal {}: stopping (again to stop at once)", signal);
    server->stop([&] {
      signals.cancel();
      io.stop();
    });
    signals.async_wait([&](const boost::system::error_code& again, int) {
      if (!again) io.stop();
    });
  });

  std::cout << "listening on " << url_of(options.address, server->port()) << std::endl;
  try {
    io.run();
  } catch (const std::exception& e) {
    logger->error("event loop failed: {}", e.what());
    return kServeFailed;
  }
  logger->info("stopped");
  return kServeStopped;
}

}  // namespace bridgesim::net
