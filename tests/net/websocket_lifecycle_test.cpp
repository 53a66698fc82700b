// The server-side WebSocket lifecycle on real sockets, with raw entry points
// (no App) so the test decides when the connection is accepted and closed:
// the states a close can become due in before the handshake has completed.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "system/app.hpp"
#include "system/net/app_server.hpp"
#include "system/net/client.hpp"
#include "system/net/server.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;

constexpr char kHost[] = "127.0.0.1";

// A server whose every upgrade is handed to `on_connection` on the io thread.
class RawServer {
 public:
  explicit RawServer(std::function<void(AppServer&, std::shared_ptr<runtime::Connection>)> on_connection)
      : host_({.seed = 5, .log_name = "lifecycle-test", .log_to_stderr = false}) {
    ServerHandlers handlers;
    handlers.on_connection = [this, on_connection](std::shared_ptr<runtime::Connection> connection) {
      kept_.push_back(connection);  // the test keeps every connection alive
      on_connection(host_, std::move(connection));
    };
    handlers.on_http = [](const system::HttpRequest&) {
      return system::HttpResponse{404, "application/json", R"({"error":"not found"})"};
    };
    handlers.logger = host_.logger();
    host_.listen(kHost, 0, ServerLimits{}, std::move(handlers));
    host_.start_thread();
  }
  ~RawServer() { host_.stop(); }

  std::uint16_t port() const { return host_.server().port(); }
  std::uint64_t violations() const { return host_.server().protocol_violations(); }

 private:
  AppServer host_;
  std::vector<std::shared_ptr<runtime::Connection>> kept_;  // io thread only
};

// Reads every frame until the server closes; the frames read.
std::vector<std::string> frames_until_close(WsClient& client) {
  std::vector<std::string> frames;
  while (auto frame = client.read_text(5'000ms)) frames.push_back(*frame);
  return frames;
}

TEST(WebSocketLifecycle, ACloseDueBeforeTheHandshakeCompletesFollowsTheFramesSentBeforeIt) {
  RawServer server([](AppServer&, std::shared_ptr<runtime::Connection> connection) {
    connection->accept("", {});
    connection->send_text("one");
    connection->send_text("two");
    connection->close(4000, "done early");
    connection->send_text("three");  // after the system's close: a violation, never sent
  });
  WsClient client;
  client.connect(kHost, server.port(), ClientHandshake{});
  EXPECT_EQ(frames_until_close(client), (std::vector<std::string>{"one", "two"}));
  ASSERT_TRUE(client.close_info().has_value());
  EXPECT_EQ(client.close_info()->code, 4000);
  EXPECT_EQ(client.close_info()->reason, "done early");
  EXPECT_EQ(server.violations(), 1u);
}

TEST(WebSocketLifecycle, StopDuringTheHandshakeStillSendsWhatTheSystemHandedOverThenGoingAway) {
  RawServer server([](AppServer& host, std::shared_ptr<runtime::Connection> connection) {
    connection->accept("", {});
    host.server().stop();  // posted: runs once this handler returns, the handshake still in flight
    connection->send_text("before the stop");
  });
  WsClient client;
  client.connect(kHost, server.port(), ClientHandshake{});
  EXPECT_EQ(frames_until_close(client), (std::vector<std::string>{"before the stop"}));
  ASSERT_TRUE(client.close_info().has_value());
  EXPECT_EQ(client.close_info()->code, runtime::close_code::kGoingAway);
  EXPECT_EQ(server.violations(), 0u);
}

}  // namespace
}  // namespace bridgesim::net
