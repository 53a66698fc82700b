#pragma once
// "The App on Beast": an io_context, the real runtime on it (wall clock,
// Asio timers, seeded PRNG, a logger), an App and a Server, assembled in the
// one order their lifetimes need, optionally on a thread of its own (the
// system's single thread). `serve`, the benchmarks' loopback system and the
// transport tests all build the real system through it.
//
// Built in steps so each user keeps its own order of log lines and its own
// entry points: the runtime (constructor), then the App (make_app), then
// the Server (listen), then, optionally, the thread (start_thread).
// Destruction reverses it: the thread stops, then the Server, the App and
// last the io_context they all hold.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "system/app.hpp"
#include "system/net/server.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/relay.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bridgesim::net {

struct AppServerOptions {
  // Run and session ids and the scripted agents' latencies: empty (the
  // default, and `serve`'s) draws them from OS entropy, so no two servers
  // hand out the same ids; a value seeds a SeededRandom (reproducible).
  std::optional<std::uint64_t> seed;
  std::string log_name = "bridgesim";
  bool log_to_stderr = false;  // false: the logger discards everything
};

class AppServer {
 public:
  explicit AppServer(AppServerOptions options = {});
  ~AppServer();  // stop(), then tears down in reverse order of building
  AppServer(const AppServer&) = delete;
  AppServer& operator=(const AppServer&) = delete;

  // Whoever runs it runs the system: the caller (io().run()) or start_thread().
  boost::asio::io_context& io();
  const runtime::Clock& clock() const;
  const runtime::Logger& logger() const;

  // Builds the App on this runtime; once (std::logic_error otherwise).
  // `relay`: as system::Runtime::relay; it must outlive this object.
  system::App& make_app(system::AppConfig config, system::Components components, runtime::EventRelay* relay = nullptr);
  // The App; std::logic_error before make_app(). While the thread runs, only
  // safe on it (inspect()).
  system::App& app();

  // Binds and listens (std::runtime_error naming the address on failure);
  // once. The first form takes any entry points, the second the App's own
  // (handlers_for(app())).
  Server& listen(const std::string& address, std::uint16_t port, ServerLimits limits, ServerHandlers handlers);
  Server& listen(const std::string& address, std::uint16_t port, ServerLimits limits);
  // The Server; std::logic_error before listen(). Its getters are any-thread.
  Server& server();
  const Server& server() const;

  // Runs io() on a thread of its own until stop(); needs listen() first.
  void start_thread();
  // start_thread() has run and stop() has not (ask from the owner's thread).
  bool running() const;
  // Runs `fn` on the system's thread and waits for it (rethrowing what it
  // threw): the only safe way to look at the App while it serves. Without
  // the thread, runs on the caller's.
  void inspect(const std::function<void(system::App&)>& fn);
  // Graceful stop (Server::stop: close 1001 to every open WebSocket, bounded
  // by shutdown_grace_ms), then the io_context stops and the thread is
  // joined. Idempotent; nothing to do without start_thread().
  void stop();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace bridgesim::net
