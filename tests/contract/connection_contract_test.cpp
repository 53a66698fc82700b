// One contract, two transports: each behaviour of runtime::Connection (and of
// the system behind it) is written once and run against the simulated
// network and against Beast on loopback; both must show the same outcome.
// A difference is a fidelity bug in one of the worlds.
#include <chrono>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "system/app.hpp"
#include "system/auth.hpp"
#include "tests/contract/worlds.hpp"

namespace bridgesim::contract {
namespace {

constexpr char kSecret[] = "contract-secret";
constexpr std::uint16_t kAbnormal = 1006;

struct Sim {
  static std::unique_ptr<World> make() { return make_sim_world(); }
};
struct Beast {
  static std::unique_ptr<World> make() { return make_beast_world(); }
};

struct WorldNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, Sim> ? "Sim" : "Beast";
  }
};

runtime::HandshakeRequest ws_request(std::vector<std::string> subprotocols = {"jwt-auth", "jwt.contract"}) {
  return runtime::HandshakeRequest{"/ws", "", std::move(subprotocols)};
}

template <typename W>
class ConnectionContract : public ::testing::Test {
 protected:
  void SetUp() override { world_ = W::make(); }

  World& world() { return *world_; }

  // Raw mode: a client whose handshake reached the test, still undecided.
  std::pair<std::unique_ptr<Client>, std::shared_ptr<ServerSide>> handshake() {
    world().serve_raw();
    auto client = world().connect(ws_request());
    EXPECT_TRUE(world().run_until([&] { return world().servers().size() == 1; })) << "the handshake never arrived";
    return {std::move(client), world().servers().empty() ? nullptr : world().servers().front()};
  }

  // Raw mode: an accepted, open connection.
  std::pair<std::unique_ptr<Client>, std::shared_ptr<ServerSide>> open_connection() {
    auto ends = handshake();
    auto& client = ends.first;
    auto& server = ends.second;
    if (!server) return {std::move(client), nullptr};
    ServerSide::accept(server, "jwt-auth");
    EXPECT_TRUE(world().run_until([&c = *client] { return c.log().opened.has_value(); })) << "never opened";
    return {std::move(client), server};
  }

  std::unique_ptr<World> world_;
};

using Worlds = ::testing::Types<Sim, Beast>;
TYPED_TEST_SUITE(ConnectionContract, Worlds, WorldNames);

TYPED_TEST(ConnectionContract, AcceptedConnectionCarriesTextBothWaysInOrder) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  EXPECT_EQ(client->log().opened, "jwt-auth");

  server->connection->send_text("s1");
  server->connection->send_text("s2");
  client->send_text("c1");
  ASSERT_TRUE(this->world().run_until([&] { return client->log().texts.size() == 2 && server->texts.size() == 1; }));
  EXPECT_EQ(client->log().texts, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(server->texts, std::vector<std::string>{"c1"});
  EXPECT_TRUE(client->log().closes.empty());
  EXPECT_TRUE(server->closes.empty());
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, ServerCloseReachesTheClientWithItsCodeAfterEarlierFrames) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  server->connection->send_text("last words");
  server->connection->close(4000, "done here");
  ASSERT_TRUE(this->world().run_until([&] { return !client->log().closes.empty() && !server->closes.empty(); }));
  this->world().settle();
  EXPECT_EQ(client->log().texts, std::vector<std::string>{"last words"});
  EXPECT_EQ(client->log().closes, (std::vector<Close>{{4000, "done here"}}));
  ASSERT_EQ(server->closes.size(), 1u) << "on_closed exactly once";
  EXPECT_EQ(server->closes.front().code, 4000) << server->closes.front().reason;
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, ClientCloseEndsTheServerSideExactlyOnce) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  client->close(1000, "bye");
  ASSERT_TRUE(this->world().run_until([&] { return !server->closes.empty() && !client->log().closes.empty(); }));
  this->world().settle();
  EXPECT_EQ(server->closes, (std::vector<Close>{{1000, "bye"}})) << "on_closed exactly once, with the client's code";
  ASSERT_EQ(client->log().closes.size(), 1u);
  EXPECT_EQ(client->log().closes.front().code, 1000);
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, RejectedHandshakeShowsTheClientTheHttpStatus) {
  auto ends = this->handshake();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  server->connection->reject(401, "invalid token");
  ASSERT_TRUE(this->world().run_until([&] { return client->log().rejected.has_value(); }));
  this->world().settle();
  EXPECT_EQ(client->log().rejected, (std::pair<int, std::string>{401, "invalid token"}));
  EXPECT_FALSE(client->log().opened.has_value());
  EXPECT_TRUE(client->log().closes.empty()) << "a refused handshake is not a close";
  EXPECT_TRUE(server->closes.empty());
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, CloseOrSendBeforeAcceptIsDroppedAndCounted) {
  auto ends = this->handshake();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  server->connection->send_text("too early");
  server->connection->close(1000, "too early");
  EXPECT_EQ(this->world().violations(), 2u);
  // The handshake is still the system's to decide.
  server->connection->reject(503, "not now");
  ASSERT_TRUE(this->world().run_until([&] { return client->log().rejected.has_value(); }));
  this->world().settle();
  EXPECT_EQ(client->log().rejected, (std::pair<int, std::string>{503, "not now"}));
  EXPECT_TRUE(client->log().texts.empty());
  EXPECT_EQ(this->world().violations(), 2u);
}

TYPED_TEST(ConnectionContract, SendAfterCloseIsDroppedAndCounted) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  server->connection->close(1000, "bye");
  server->connection->send_text("after my close");
  EXPECT_EQ(this->world().violations(), 1u);
  ASSERT_TRUE(this->world().run_until([&] { return !client->log().closes.empty() && !server->closes.empty(); }));
  server->connection->send_text("after on_closed");
  this->world().settle();
  EXPECT_EQ(this->world().violations(), 2u);
  EXPECT_TRUE(client->log().texts.empty()) << "no frame may follow the close frame";
  EXPECT_EQ(client->log().closes, (std::vector<Close>{{1000, "bye"}}));
}

TYPED_TEST(ConnectionContract, SendAfterTheClientClosedIsDroppedAndCounted) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  client->close(1000, "bye");
  ASSERT_TRUE(this->world().run_until([&] { return !server->closes.empty(); }));
  server->connection->send_text("too late");
  this->world().settle();
  EXPECT_EQ(this->world().violations(), 1u);
  EXPECT_TRUE(client->log().texts.empty());
}

TYPED_TEST(ConnectionContract, ClientAbortIsA1006ForBothEnds) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  client->abort();
  ASSERT_TRUE(this->world().run_until([&] { return !server->closes.empty() && !client->log().closes.empty(); }));
  this->world().settle();
  ASSERT_EQ(server->closes.size(), 1u);
  EXPECT_EQ(server->closes.front().code, kAbnormal);
  EXPECT_EQ(client->log().closes, (std::vector<Close>{{kAbnormal, "aborted"}}));
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, ClientAbortDuringTheHandshakeReachesTheServerOnceItAccepts) {
  auto ends = this->handshake();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  client->abort();
  ASSERT_TRUE(this->world().run_until([&] { return !client->log().closes.empty(); }));
  ServerSide::accept(server, "jwt-auth");
  ASSERT_TRUE(this->world().run_until([&] { return !server->closes.empty(); }));
  this->world().settle();
  ASSERT_EQ(server->closes.size(), 1u);
  EXPECT_EQ(server->closes.front().code, kAbnormal);
  EXPECT_FALSE(client->log().opened.has_value());
  EXPECT_EQ(client->log().closes, (std::vector<Close>{{kAbnormal, "aborted"}}));
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(ConnectionContract, GoingAwayDeliversEveryFrameSentBeforeIt) {
  auto ends = this->open_connection();
  auto& client = ends.first;
  auto& server = ends.second;
  ASSERT_TRUE(server);
  const std::vector<std::string> frames{"e1", "e2", "e3", "e4", "e5"};
  for (const auto& frame : frames) server->connection->send_text(frame);
  this->world().server_going_away();
  ASSERT_TRUE(this->world().run_until([&] { return !client->log().closes.empty() && !server->closes.empty(); }));
  this->world().settle();
  EXPECT_EQ(client->log().texts, frames) << "frames handed over before the server went away are not lost";
  ASSERT_EQ(client->log().closes.size(), 1u);
  EXPECT_EQ(client->log().closes.front().code, 1001);
  ASSERT_EQ(server->closes.size(), 1u);
  EXPECT_EQ(server->closes.front().code, 1001);
  EXPECT_EQ(this->world().violations(), 0u);
}

// ---- the system behind each transport ----

std::string type_of(const std::string& frame) {
  const auto value = boost::json::parse(frame);
  const auto* type = value.as_object().if_contains("type");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : "?";
}

system::AppConfig app_config() {
  system::AppConfig config;
  config.jwt_secret = kSecret;
  config.frame_bytes_max = 1024;
  return config;
}

runtime::HandshakeRequest bearer(const World& world, std::string_view user, std::string_view secret = kSecret) {
  const std::int64_t exp = world.clock().now_ns() / runtime::kNanosPerSecond + 3600;
  return runtime::HandshakeRequest{"/ws", "Bearer " + system::mint_hs256(secret, user, exp), {}};
}

template <typename W>
class SystemContract : public ConnectionContract<W> {
 protected:
  // An admitted client of the system (connection_established consumed).
  std::unique_ptr<Client> admitted(std::string_view user) {
    this->world().serve_app(app_config());
    auto client = this->world().connect(bearer(this->world(), user));
    EXPECT_TRUE(this->world().run_until([&c = *client] { return !c.log().texts.empty() || !c.log().closes.empty(); }));
    EXPECT_EQ(client->log().texts.size(), 1u);
    if (!client->log().texts.empty()) {
      EXPECT_EQ(type_of(client->log().texts.front()), "connection_established");
    }
    return client;
  }
};

TYPED_TEST_SUITE(SystemContract, Worlds, WorldNames);

TYPED_TEST(SystemContract, UserMessageYieldsTheFiveEventsInSeqOrder) {
  auto client = this->admitted("alice");
  client->send_text(R"({"type":"user_message","thread_id":"t1","text":"hello","client_msg_id":"m1"})");
  ASSERT_TRUE(this->world().run_until(
      [&] { return !client->log().texts.empty() && type_of(client->log().texts.back()) == "agent_completed"; }));
  std::vector<std::string> types;
  std::vector<std::uint64_t> seqs;
  for (std::size_t i = 1; i < client->log().texts.size(); ++i) {
    const auto frame = boost::json::parse(client->log().texts[i]).as_object();
    types.push_back(type_of(client->log().texts[i]));
    seqs.push_back(boost::json::value_to<std::uint64_t>(frame.at("seq")));
    EXPECT_EQ(frame.at("user_id").as_string(), "alice");
  }
  EXPECT_EQ(types, (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                             "agent_completed"}));
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(this->world().violations(), 0u);
}

TYPED_TEST(SystemContract, ForgedTokenIsRefusedWith401BeforeAnyFrame) {
  this->world().serve_app(app_config());
  auto client = this->world().connect(bearer(this->world(), "mallory", "not-the-secret"));
  ASSERT_TRUE(this->world().run_until([&] { return client->log().rejected.has_value(); }));
  EXPECT_EQ(client->log().rejected->first, 401);
  EXPECT_TRUE(client->log().texts.empty());
  EXPECT_EQ(this->world().violations(), 0u);
}

// Fidelity finding (issue 6): Beast used to close 1009 at the system's
// frame limit while the simulated system answered `frame_too_large` and
// kept the connection. Now the transport's cap (ServerLimits::frame_bytes_max)
// is above the system's (AppConfig::frame_bytes_max) so both worlds agree.
TYPED_TEST(SystemContract, OversizedFrameGetsFrameTooLargeAndTheConnectionStaysOpen) {
  auto client = this->admitted("alice");
  client->send_text(std::string(4096, 'x'));
  ASSERT_TRUE(
      this->world().run_until([&] { return client->log().texts.size() == 2 || !client->log().closes.empty(); }));
  ASSERT_EQ(client->log().texts.size(), 2u) << "closed instead: " << client->log().closes.front().code;
  const auto error = boost::json::parse(client->log().texts[1]).as_object();
  EXPECT_EQ(error.at("type").as_string(), "error");
  EXPECT_EQ(error.at("code").as_string(), "frame_too_large");

  client->send_text(R"({"type":"ping"})");
  ASSERT_TRUE(
      this->world().run_until([&] { return client->log().texts.size() == 3 || !client->log().closes.empty(); }));
  ASSERT_EQ(client->log().texts.size(), 3u);
  EXPECT_EQ(type_of(client->log().texts[2]), "pong");
  EXPECT_TRUE(client->log().closes.empty());
}

}  // namespace
}  // namespace bridgesim::contract
