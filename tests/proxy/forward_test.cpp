// Forwarding and latency: what goes through unharmed, and latency seen as
// order (a delayed frame is overtaken by one sent after it), never as time.
#include <gtest/gtest.h>

#include "tests/proxy/proxy_fixture.hpp"

namespace bridgesim::proxy_test {
namespace {

using std::chrono::milliseconds;

TEST(ProxyForward, WebSocketFramesAndTheUpgradePassBothWays) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  net::WsClient client;
  client.connect(kHost, p.port(), handshake_for("u1"));
  for (int i = 0; i < 20; ++i) client.send_text("m" + std::to_string(i));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.read_text(milliseconds(5000)), "m" + std::to_string(i));
  client.close();
  ASSERT_EQ(upstream.received().size(), 20u);
  const auto upgrades = records_of(p, proxy::proxy_record::kUpgrade);
  ASSERT_EQ(upgrades.size(), 1u);
  EXPECT_EQ(upgrades[0].field("status"), "101");
  EXPECT_EQ(upgrades[0].field("user"), "u1");  // read from the token, for targeting
  EXPECT_TRUE(records_of(p, proxy::proxy_record::kFaultHit).empty());
}

// A toxic aimed at a user finds the user from the token in the subprotocols
// too, in the dialect the proxy was told (ProxyOptions::token_prefixes, from
// --protocol-profile): bridgesim's `jwt.`; the platform's `jwt-auth.` and `bearer.`.
TEST(ProxyForward, TheUserIsReadFromTheProfilesTokenSubprotocols) {
  EchoUpstream upstream;
  const std::string token = handshake_for("u1").bearer_token;
  const auto user_seen = [&](const std::vector<std::string>& prefixes, std::vector<std::string> offer) {
    proxy::ProxyOptions options{.upstream_port = upstream.port()};
    options.token_prefixes = prefixes;
    proxy::FaultProxy p(options);
    net::ClientHandshake h;
    h.subprotocols = std::move(offer);
    net::WsClient client;
    client.connect(kHost, p.port(), h);
    client.close();
    const auto upgrades = records_of(p, proxy::proxy_record::kUpgrade);
    return upgrades.empty() ? std::string("(no upgrade)") : std::string(upgrades[0].field("user"));
  };
  const std::vector<std::string> bridgesim{"jwt."}, platform{"jwt.", "jwt-auth.", "bearer."};
  EXPECT_EQ(user_seen(bridgesim, {"jwt-auth", "jwt." + system::base64url_encode(token)}), "u1");
  EXPECT_EQ(user_seen(bridgesim, {"jwt." + token}), "u1");  // raw
  EXPECT_EQ(user_seen(bridgesim, {"jwt-auth." + system::base64url_encode(token)}), "") << "not bridgesim's prefix";
  EXPECT_EQ(user_seen(platform, {"jwt-auth." + system::base64url_encode(token)}), "u1");
  EXPECT_EQ(user_seen(platform, {"bearer." + token}), "u1");
  EXPECT_EQ(user_seen(platform, {"bearer.not-a-token"}), "") << "an unreadable token aims nothing";
}

TEST(ProxyForward, PlainHttpPassesAsBytes) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  const auto got = net::http_get(kHost, p.port(), "/health");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "upstream ok");
}

TEST(ProxyForward, NoUpstreamIsA502) {
  std::uint16_t dead_port = 0;
  {
    EchoUpstream gone;
    dead_port = gone.port();
  }
  proxy::FaultProxy p({.upstream_port = dead_port});
  const auto got = net::http_get(kHost, p.port(), "/health");
  EXPECT_EQ(got.status, 502);
  EXPECT_EQ(records_of(p, proxy::proxy_record::kUpstreamFailed).size(), 1u);
}

// u-slow's frame waits 1.5 s in the proxy; u-fast sends after the proxy has
// taken u-slow's frame, yet the upstream receives u-fast's first.
TEST(ProxyToxics, LatencyLetsALaterFrameOvertake) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  p.add_toxic(toxic("slow", "latency", proxy::Stream::kUpstream, {{"latency", "1500"}, {"target", "user:uslow"}}));
  net::WsClient slow, fast;
  slow.connect(kHost, p.port(), handshake_for("uslow"));
  fast.connect(kHost, p.port(), handshake_for("ufast"));
  slow.send_text("from-slow");
  ASSERT_TRUE(wait_until([&] { return !records_of(p, proxy::proxy_record::kFaultHit, "op", "text").empty(); }));
  fast.send_text("from-fast");
  EXPECT_EQ(fast.read_text(milliseconds(5000)), "from-fast");
  EXPECT_EQ(slow.read_text(milliseconds(5000)), "from-slow");
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"from-fast", "from-slow"}));
  const auto hits = records_of(p, proxy::proxy_record::kFaultHit, "fault", "latency");
  ASSERT_EQ(hits.size(), 2u);  // the upgrade request and the one text frame of u-slow
  EXPECT_EQ(hits[1].field("delay_ms"), "1500");
  EXPECT_EQ(hits[1].field("frame"), "1");
}

}  // namespace
}  // namespace bridgesim::proxy_test
