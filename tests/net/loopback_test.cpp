// The system on real sockets: net::AppServer on 127.0.0.1 (ephemeral port),
// its io_context on a background thread, driven by the Beast client.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/net/app_server.hpp"
#include "system/net/client.hpp"
#include "system/net/server.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;

constexpr char kHost[] = "127.0.0.1";
constexpr char kSecret[] = "net-test-secret";
constexpr auto kReadTimeout = 5'000ms;

system::AppConfig test_config() {
  system::AppConfig config;
  config.jwt_secret = kSecret;
  return config;
}

std::int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string token_for(std::string_view user, std::int64_t exp_unix_s = now_unix_s() + 3600,
                      std::string_view secret = kSecret) {
  return system::mint_hs256(secret, user, exp_unix_s);
}

boost::json::object parse_object(const std::string& text) {
  boost::json::value value = boost::json::parse(text);
  if (!value.is_object()) throw std::runtime_error("frame is not a JSON object: " + text);
  return std::move(value.as_object());
}

std::string type_of(const boost::json::object& frame) {
  const auto* type = frame.if_contains("type");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : std::string("?");
}

// The system on its own io thread (net::AppServer); stops by itself.
class LoopbackServer {
 public:
  explicit LoopbackServer(system::Components components = system::Components::defaults(), ServerLimits limits = {})
      : host_({.seed = 42, .log_name = "net-test", .log_to_stderr = false}) {
    host_.make_app(test_config(), std::move(components));
    host_.listen(kHost, 0, limits);
    host_.start_thread();
  }

  std::uint16_t port() const { return host_.server().port(); }
  Server& server() { return host_.server(); }

  // Graceful stop; afterwards the App may be inspected from the test thread.
  void stop() { host_.stop(); }
  system::App& app_after_stop() {
    EXPECT_FALSE(host_.running()) << "inspect the App only once its thread has stopped";
    return host_.app();
  }

 private:
  AppServer host_;
};

// Connects and consumes connection_established; returns it.
boost::json::object open_session(WsClient& client, std::uint16_t port, const ClientHandshake& handshake) {
  client.connect(kHost, port, handshake);
  const auto first = client.read_text(kReadTimeout);
  if (!first) throw std::runtime_error("no connection_established within 5 s");
  return parse_object(*first);
}

ClientHandshake bearer(std::string token) {
  ClientHandshake handshake;
  handshake.bearer_token = std::move(token);
  return handshake;
}

// Reads frames until one of `type` (or the deadline); returns all read.
std::vector<boost::json::object> read_until(WsClient& client, std::string_view type,
                                            std::chrono::milliseconds timeout = kReadTimeout) {
  std::vector<boost::json::object> frames;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto text = client.read_text(std::max(left, 1ms));
    if (!text) break;
    frames.push_back(parse_object(*text));
    if (type_of(frames.back()) == type) break;
  }
  return frames;
}

// Expects the server to end the connection before any further frame;
// returns the close code it sent (0: it did not end it within 5 s).
std::uint16_t close_code_at_end(WsClient& client) {
  const auto frame = client.read_text(kReadTimeout);
  EXPECT_EQ(frame, std::nullopt) << "a frame where the close was expected";
  if (!client.close_info()) return 0;
  return client.close_info()->code;
}

// The connection ids a fresh server hands its first `count` sockets
// (their connection_established), each closed before the next opens.
std::vector<std::uint64_t> first_connection_ids(std::optional<std::uint64_t> seed, int count) {
  AppServer host({.seed = seed, .log_name = "net-test", .log_to_stderr = false});
  host.make_app(test_config(), system::Components::defaults());
  host.listen(kHost, 0, ServerLimits{});
  host.start_thread();
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < count; ++i) {
    WsClient client;
    const auto established = open_session(client, host.server().port(), bearer(token_for("alice")));
    ids.push_back(established.at("connection_id").to_number<std::uint64_t>());
    client.close();
  }
  host.stop();
  return ids;
}

TEST(NetLoopback, ConnectionIdsAreUnpredictableUnlessSeeded) {
  const auto a = first_connection_ids(std::nullopt, 3);
  const auto b = first_connection_ids(std::nullopt, 3);
  EXPECT_NE(a, b) << "a fresh server's connection ids must not be guessable from another's";
  EXPECT_NE(a[1], a[0] + 1) << "nor from the previous socket's";
  for (const std::uint64_t id : a) {
    EXPECT_NE(id, 0u);
    EXPECT_LE(id, (std::uint64_t{1} << 53) - 1) << "a JSON number every client reads exactly";
  }
  // Asked for (--dev --seed, tests), a seed reproduces them.
  EXPECT_EQ(first_connection_ids(7, 2), first_connection_ids(7, 2));
}

TEST(NetLoopback, GoldenPathDeliversFiveEventsInOrderToTheUser) {
  LoopbackServer server;
  WsClient client;
  const auto established = open_session(client, server.port(), bearer(token_for("alice")));
  EXPECT_EQ(type_of(established), "connection_established");
  EXPECT_EQ(established.at("user_id").as_string(), "alice");

  client.send_text(R"({"type":"user_message","thread_id":"t1","text":"hello","client_msg_id":"m1"})");
  const auto frames = read_until(client, "agent_completed");

  const std::vector<std::string> expected{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                          "agent_completed"};
  std::vector<std::string> types;
  for (const auto& frame : frames) types.push_back(type_of(frame));
  ASSERT_EQ(types, expected);
  const std::string run_id(frames.front().at("run_id").as_string());
  EXPECT_FALSE(run_id.empty());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    SCOPED_TRACE(types[i]);
    EXPECT_EQ(frames[i].at("user_id").as_string(), "alice");
    EXPECT_EQ(frames[i].at("thread_id").as_string(), "t1");
    EXPECT_EQ(frames[i].at("run_id").as_string(), run_id);
    EXPECT_EQ(boost::json::value_to<std::uint64_t>(frames[i].at("seq")), i + 1);
  }
  client.close();
  server.stop();
  EXPECT_EQ(server.server().protocol_violations(), 0u);
  EXPECT_EQ(server.app_after_stop().census().connections, 0u);
}

TEST(NetLoopback, SubprotocolTokenIsAcceptedAndJwtAuthSelected) {
  LoopbackServer server;
  for (const std::string& prefix_and_token :
       {"jwt." + system::base64url_encode(token_for("bob")), "jwt." + token_for("bob")}) {
    SCOPED_TRACE(prefix_and_token);
    WsClient client;
    ClientHandshake handshake;
    handshake.subprotocols = {"jwt-auth", prefix_and_token};
    const auto established = open_session(client, server.port(), handshake);
    EXPECT_EQ(type_of(established), "connection_established");
    EXPECT_EQ(established.at("user_id").as_string(), "bob");
    EXPECT_EQ(client.subprotocol(), "jwt-auth");
  }
}

TEST(NetLoopback, MissingForgedOrExpiredTokenIsRefusedWith401) {
  LoopbackServer server;
  const std::vector<std::pair<std::string, ClientHandshake>> cases{
      {"missing", ClientHandshake{}},
      {"forged", bearer(token_for("mallory", now_unix_s() + 3600, "not-the-secret"))},
      {"expired", bearer(token_for("alice", now_unix_s() - 3600))},
      {"garbage", bearer("not.a.jwt")},
  };
  for (const auto& [name, handshake] : cases) {
    SCOPED_TRACE(name);
    WsClient client;
    try {
      client.connect(kHost, server.port(), handshake);
      ADD_FAILURE() << "upgrade accepted";
    } catch (const UpgradeRefused& refused) {
      EXPECT_EQ(refused.http_status(), 401) << refused.what();
    }
    EXPECT_FALSE(client.is_open());
    EXPECT_EQ(client.read_text(100ms), std::nullopt);
  }
  server.stop();
  EXPECT_EQ(server.app_after_stop().census().connections, 0u);
  EXPECT_EQ(server.server().protocol_violations(), 0u);
}

TEST(NetLoopback, HealthIsOkWhenTheCriticalPathIsValid) {
  LoopbackServer server;
  const HttpResult health = http_get(kHost, server.port(), "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.content_type, "application/json");
  EXPECT_EQ(parse_object(health.body).at("status").as_string(), "ok") << health.body;
  EXPECT_EQ(http_get(kHost, server.port(), "/nowhere").status, 404);
}

TEST(NetLoopback, MissingBridgeMakesHealth503AndRefusesUpgradesWith503) {
  system::Components components = system::Components::defaults();
  components.bridge = [](system::BridgeWiring, system::Runtime&) {
    return std::unique_ptr<system::AgentWebSocketBridge>();
  };
  LoopbackServer server(std::move(components));
  const HttpResult health = http_get(kHost, server.port(), "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_NE(health.body.find("agent_websocket_bridge"), std::string::npos) << health.body;

  WsClient client;
  try {
    client.connect(kHost, server.port(), bearer(token_for("alice")));
    ADD_FAILURE() << "upgrade accepted by an unhealthy server";
  } catch (const UpgradeRefused& refused) {
    EXPECT_EQ(refused.http_status(), 503) << refused.what();
    EXPECT_NE(refused.body().find("agent_websocket_bridge"), std::string::npos) << refused.body();
  }
}

TEST(NetLoopback, MalformedFrameGetsAnErrorAndTheConnectionKeepsWorking) {
  LoopbackServer server;
  WsClient client;
  open_session(client, server.port(), bearer(token_for("alice")));

  client.send_text("not json");
  const auto error = client.read_text(kReadTimeout);
  ASSERT_TRUE(error.has_value());
  const auto error_frame = parse_object(*error);
  EXPECT_EQ(type_of(error_frame), "error");
  EXPECT_EQ(error_frame.at("code").as_string(), "invalid_json");

  client.send_text(R"({"type":"ping"})");
  const auto pong = client.read_text(kReadTimeout);
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(type_of(parse_object(*pong)), "pong");
  EXPECT_TRUE(client.is_open());
}

TEST(NetLoopback, OversizedFrameIsClosedWith1009AndTheSystemForgetsTheConnection) {
  ServerLimits limits;
  limits.frame_bytes_max = 1024;
  LoopbackServer server(system::Components::defaults(), limits);
  WsClient client;
  open_session(client, server.port(), bearer(token_for("alice")));

  client.send_text(std::string(4096, 'x'));
  EXPECT_EQ(close_code_at_end(client), 1009);
  server.stop();
  EXPECT_EQ(server.app_after_stop().census().connections, 0u);
}

TEST(NetLoopback, StopSendsGoingAwayToOpenConnections) {
  LoopbackServer server;
  WsClient client;
  open_session(client, server.port(), bearer(token_for("alice")));

  server.server().stop();
  EXPECT_EQ(close_code_at_end(client), 1001);
  server.stop();
  EXPECT_EQ(server.server().live_connections(), 0u);
  EXPECT_EQ(server.app_after_stop().census().connections, 0u);
}

TEST(NetLoopback, ClientDisconnectMessageClosesNormally) {
  LoopbackServer server;
  WsClient client;
  open_session(client, server.port(), bearer(token_for("alice")));
  client.send_text(R"({"type":"disconnect"})");
  EXPECT_EQ(close_code_at_end(client), 1000);
  server.stop();
  EXPECT_EQ(server.server().protocol_violations(), 0u);
}

TEST(NetLoopback, OverTheConnectionLimitRequestsGet503ButHealthIsAnswered) {
  ServerLimits limits;
  limits.connections_max = 1;
  LoopbackServer server(system::Components::defaults(), limits);
  WsClient client;
  open_session(client, server.port(), bearer(token_for("alice")));
  const HttpResult refused = http_get(kHost, server.port(), "/nowhere");
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("too many connections"), std::string::npos) << refused.body;
  WsClient second;
  EXPECT_THROW(second.connect(kHost, server.port(), bearer(token_for("bob"))), UpgradeRefused);
  EXPECT_EQ(http_get(kHost, server.port(), "/health").status, 200) << "busy is not broken";
  client.close();
  // The slot frees once the close handshake is done.
  const auto deadline = std::chrono::steady_clock::now() + kReadTimeout;
  while (server.server().live_connections() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(http_get(kHost, server.port(), "/health").status, 200);
}

// A manager modelling two recorded incidents at once: it sends before
// accept and after close. The transport must drop both frames and count them.
class SendsOutOfTurnManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;
  void accept(runtime::ConnectionId id, std::string_view subprotocol, runtime::ConnectionEvents events) override {
    send_unchecked(id, R"({"type":"too_early"})");
    WebSocketManager::accept(id, subprotocol, std::move(events));
  }
  void close(runtime::ConnectionId id, std::uint16_t code, std::string_view reason) override {
    if (!state_of(id)) return;
    WebSocketManager::close(id, code, reason);
    send_unchecked(id, R"({"type":"too_late"})");
  }
};

TEST(NetLoopback, SendBeforeAcceptAndAfterCloseAreDroppedAndCounted) {
  system::Components components = system::Components::defaults();
  components.manager = [](const system::AppConfig& config,
                          system::Runtime& rt) -> std::unique_ptr<system::ConnectionManager> {
    return std::make_unique<SendsOutOfTurnManager>(rt.logger, config.outbound_frames_max);
  };
  LoopbackServer server(std::move(components));
  WsClient client;
  EXPECT_EQ(type_of(open_session(client, server.port(), bearer(token_for("alice")))), "connection_established");
  client.send_text(R"({"type":"disconnect"})");
  EXPECT_EQ(close_code_at_end(client), 1000) << "no frame may follow the close frame";
  server.stop();
  EXPECT_EQ(server.server().protocol_violations(), 2u);
}

}  // namespace
}  // namespace bridgesim::net
