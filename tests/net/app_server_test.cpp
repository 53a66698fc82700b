// net::AppServer: the one assembly of the real system (runtime, App, Server,
// io thread) — its build order is enforced and its thread is the system's.
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "system/net/app_server.hpp"

namespace bridgesim::net {
namespace {

TEST(AppServer, BuildsInOrderAndRefusesASecondAppOrServer) {
  AppServer host({.seed = 3, .log_name = "app-server-test", .log_to_stderr = false});
  EXPECT_THROW(host.app(), std::logic_error);
  EXPECT_THROW(host.server(), std::logic_error);
  EXPECT_THROW(host.listen("127.0.0.1", 0, ServerLimits{}), std::logic_error) << "the App form needs the App";
  EXPECT_THROW(host.start_thread(), std::logic_error) << "nothing to run without a Server";

  host.make_app(system::AppConfig{}, system::Components::defaults());
  EXPECT_THROW(host.make_app(system::AppConfig{}, system::Components::defaults()), std::logic_error);
  const Server& server = host.listen("127.0.0.1", 0, ServerLimits{});
  EXPECT_NE(server.port(), 0u);
  EXPECT_EQ(&server, &host.server());
  EXPECT_THROW(host.listen("127.0.0.1", 0, ServerLimits{}), std::logic_error);
}

TEST(AppServer, CannotListenNamesTheAddress) {
  AppServer host;
  host.make_app(system::AppConfig{}, system::Components::defaults());
  try {
    host.listen("not-an-address", 0, ServerLimits{});
    FAIL() << "listening on a bad address succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not-an-address"), std::string::npos) << e.what();
  }
}

TEST(AppServer, InspectRunsOnTheSystemsThreadWhileItServes) {
  AppServer host;
  host.make_app(system::AppConfig{}, system::Components::defaults());
  host.listen("127.0.0.1", 0, ServerLimits{});
  EXPECT_FALSE(host.running());
  std::thread::id seen;
  host.inspect([&seen](system::App&) { seen = std::this_thread::get_id(); });
  EXPECT_EQ(seen, std::this_thread::get_id()) << "without the thread, inspect runs on the caller's";

  host.start_thread();
  EXPECT_TRUE(host.running());
  host.inspect([&seen](system::App&) { seen = std::this_thread::get_id(); });
  EXPECT_NE(seen, std::this_thread::get_id());
  EXPECT_THROW(host.inspect([](system::App&) { throw std::runtime_error("from the io thread"); }), std::runtime_error);

  host.stop();
  EXPECT_FALSE(host.running());
  host.stop();  // idempotent
}

}  // namespace
}  // namespace bridgesim::net
