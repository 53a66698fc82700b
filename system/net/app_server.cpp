#include "system/net/app_server.hpp"

#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "system/net/real_runtime.hpp"

namespace bridgesim::net {

// Declaration order is construction order: everything below `io` holds it,
// the App holds the runtime, the Server calls the App, the thread runs them.
struct AppServer::Parts {
  explicit Parts(const AppServerOptions& options)
      : seed(options.seed),
        random(make_real_random(options.seed)),
        logger(runtime::make_logger(options.log_name, clock, options.log_to_stderr)) {}

  std::optional<std::uint64_t> seed;  // set: the ids are reproducible (--dev --seed, tests)
  boost::asio::io_context io{1};      // one thread: the system's
  RealClock clock;
  AsioTimers timers{io};
  std::unique_ptr<runtime::Random> random;
  runtime::Logger logger;
  std::optional<system::App> app;
  std::optional<Server> server;
  std::thread thread;
};

AppServer::AppServer(AppServerOptions options) : parts_(std::make_unique<Parts>(options)) {}

AppServer::~AppServer() { stop(); }

boost::asio::io_context& AppServer::io() { return parts_->io; }
const runtime::Clock& AppServer::clock() const { return parts_->clock; }
const runtime::Logger& AppServer::logger() const { return parts_->logger; }

system::App& AppServer::make_app(system::AppConfig config, system::Components components, runtime::EventRelay* relay) {
  if (parts_->app) throw std::logic_error("AppServer::make_app: the App exists already");
  system::Runtime runtime{parts_->clock, parts_->timers, *parts_->random, parts_->logger, relay};
  return parts_->app.emplace(std::move(config), std::move(runtime), std::move(components));
}

system::App& AppServer::app() {
  if (!parts_->app) throw std::logic_error("AppServer::app: make_app() first");
  return *parts_->app;
}

Server& AppServer::listen(const std::string& address, std::uint16_t port, ServerLimits limits,
                          ServerHandlers handlers) {
  if (parts_->server) throw std::logic_error("AppServer::listen: listening already");
  // Connection ids from a stream of their own: seeded, they still differ
  // from the run and session ids drawn from the same seed.
  if (parts_->seed && !limits.id_seed) limits.id_seed = *parts_->seed ^ 0x9e3779b97f4a7c15ULL;
  return parts_->server.emplace(parts_->io, address, port, limits, std::move(handlers));
}

Server& AppServer::listen(const std::string& address, std::uint16_t port, ServerLimits limits) {
  return listen(address, port, limits, handlers_for(app()));
}

Server& AppServer::server() {
  if (!parts_->server) throw std::logic_error("AppServer::server: listen() first");
  return *parts_->server;
}

const Server& AppServer::server() const {
  if (!parts_->server) throw std::logic_error("AppServer::server: listen() first");
  return *parts_->server;
}

void AppServer::start_thread() {
  if (!parts_->server) throw std::logic_error("AppServer::start_thread: listen() first");
  if (parts_->thread.joinable()) throw std::logic_error("AppServer::start_thread: running already");
  parts_->thread = std::thread([this] { parts_->io.run(); });
}

bool AppServer::running() const { return parts_->thread.joinable(); }

void AppServer::inspect(const std::function<void(system::App&)>& fn) {
  if (!parts_->thread.joinable()) return fn(app());
  std::promise<void> done;
  boost::asio::post(parts_->io, [&] {
    try {
      fn(app());
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

void AppServer::stop() {
  if (!parts_->thread.joinable()) return;
  parts_->server->stop([this] { parts_->io.stop(); });
  parts_->thread.join();
}

}  // namespace bridgesim::net
