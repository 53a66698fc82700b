// On real sockets and real time: a socket whose token expires during the
// session is closed 1008 at `exp` by the system's timer (issue 10, defect 5).
#include <chrono>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/net/app_server.hpp"
#include "system/net/client.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;

TEST(NetTokenExpiry, AnOpenSocketIsClosed1008WhenItsTokenExpires) {
  AppServer host({.seed = 42, .log_name = "net-expiry-test", .log_to_stderr = false});
  system::AppConfig config;
  config.jwt_secret = "expiry-secret";
  host.make_app(config, system::Components::defaults());
  host.listen("127.0.0.1", 0, ServerLimits{});
  host.start_thread();
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ClientHandshake handshake;
  handshake.bearer_token = system::mint_hs256(config.jwt_secret, "alice", now_s + 2);  // expires in 1 to 2 s
  WsClient client;
  client.connect("127.0.0.1", host.server().port(), handshake);
  const auto first = client.read_text(5'000ms);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(boost::json::parse(*first).at("type").as_string(), "connection_established");
  EXPECT_EQ(client.read_text(5'000ms), std::nullopt) << "no frame: the close at exp";
  ASSERT_TRUE(client.close_info().has_value());
  EXPECT_EQ(client.close_info()->code, 1008);
  EXPECT_EQ(client.close_info()->reason, "token expired");
  host.stop();
}

}  // namespace
}  // namespace bridgesim::net
