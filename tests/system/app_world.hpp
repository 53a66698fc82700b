#pragma once
// An App on the simulated kernel (scheduler as clock and timers, seeded rng,
// silent logger) with fake connections, for tests of startup and the
// message loop.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/runtime/log.hpp"
#include "tests/system/fake_connection.hpp"

namespace bridgesim::testsupport {

class AppWorld {
 public:
  explicit AppWorld(system::Components components = system::Components::defaults(), system::AppConfig config = {})
      : scheduler_(sim::Rng(1).fork("scheduler")), random_(sim::Rng(1).fork("system")) {
    app_ = std::make_unique<system::App>(
        std::move(config),
        system::Runtime{scheduler_, scheduler_, random_, runtime::make_logger("t", scheduler_, false)},
        std::move(components));
  }

  system::App& app() { return *app_; }
  sim::Scheduler& scheduler() { return scheduler_; }

  std::string token(const std::string& user, std::int64_t ttl_s = 3600) const {
    return system::mint_hs256(app_->config().jwt_secret, user, scheduler_.now_ns() / runtime::kNanosPerSecond + ttl_s);
  }

  // A handshake to /ws; the app decides on it at once or after running the scheduler.
  std::shared_ptr<FakeConnection> connect(std::string authorization, std::vector<std::string> subprotocols = {},
                                          std::string target = "/ws") {
    auto conn = std::make_shared<FakeConnection>(
        next_id_++, runtime::HandshakeRequest{std::move(target), std::move(authorization), std::move(subprotocols)});
    app_->on_connection(conn);
    scheduler_.run_until(scheduler_.elapsed_ns() + runtime::millis(100));  // short: run logs are kept only seconds
    return conn;
  }
  std::shared_ptr<FakeConnection> connect_as(const std::string& user) { return connect("Bearer " + token(user)); }

  // Long enough for any run to end (the agent's latencies are milliseconds),
  // shorter than the run log's retention.
  void run() { scheduler_.run_until(scheduler_.elapsed_ns() + runtime::seconds(2)); }

  static boost::json::object parse(const std::string& frame) { return boost::json::parse(frame).as_object(); }
  static std::string type_of(const std::string& frame) { return std::string(parse(frame).at("type").as_string()); }
  static std::vector<std::string> types(const FakeConnection& conn, std::size_t from = 0) {
    std::vector<std::string> out;
    for (std::size_t i = from; i < conn.frames.size(); ++i) out.push_back(type_of(conn.frames[i]));
    return out;
  }

 private:
  sim::Scheduler scheduler_;
  sim::Rng random_;
  std::unique_ptr<system::App> app_;
  runtime::ConnectionId next_id_ = 1;
};

}  // namespace bridgesim::testsupport
