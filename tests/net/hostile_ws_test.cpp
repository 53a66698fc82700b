// Hostile peers at the WebSocket layer (issue 13): subprotocol negotiation
// per RFC 6455, close codes that may not be on the wire, idle sockets, and
// the outbound byte budgets (per connection, per user, per server) that
// close the slow consumer 1013 and leave the others alone. Loopback only;
// every wait is a hang guard, never a timing claim.
#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/net/app_server.hpp"
#include "system/net/beast_common.hpp"
#include "system/net/client.hpp"
#include "system/net/server.hpp"
#include "system/runtime/connection.hpp"
#include "tests/net/raw_socket.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;
using testing::RawSocket;

constexpr char kHost[] = "127.0.0.1";

// Every upgrade is accepted with `subprotocol`. Connections are named by
// their ordinal (1: the first to arrive; the server's ids are random): 1
// and 2 belong to user "u", the others to "v". The system's on_closed codes
// are recorded per ordinal.
class BudgetServer {
 public:
  explicit BudgetServer(ServerLimits limits, std::string subprotocol = {})
      : host_({.seed = 13, .log_name = "hostile-ws-test", .log_to_stderr = false}) {
    ServerHandlers handlers;
    handlers.on_connection = [this, subprotocol](std::shared_ptr<runtime::Connection> connection) {
      const std::size_t nth = remember(connection->id());
      connections_[nth] = connection;
      runtime::ConnectionEvents events;
      events.on_closed = [this, nth](std::uint16_t code, std::string) {
        const std::lock_guard lock(mutex_);
        closed_[nth] = code;
      };
      connection->accept(subprotocol, std::move(events));
    };
    handlers.on_http = [](const system::HttpRequest&) {
      return system::HttpResponse{404, "application/json", R"({"error":"not found"})"};
    };
    handlers.user_of = [this](runtime::ConnectionId id) -> std::optional<std::string> {
      return ordinal_of(id) <= 2 ? "u" : "v";
    };
    handlers.logger = host_.logger();
    host_.listen(kHost, 0, limits, std::move(handlers));
    host_.start_thread();
  }
  ~BudgetServer() { host_.stop(); }
  std::uint16_t port() const { return host_.server().port(); }

  // Sends on the io thread, all in one handler (no write completes between).
  void send_all(const std::vector<std::pair<std::size_t, std::size_t>>& frames) {
    std::promise<void> done;
    boost::asio::post(host_.io(), [&] {
      for (const auto& [id, bytes] : frames) connections_.at(id)->send_text(std::string(bytes, 'x'));
      done.set_value();
    });
    done.get_future().get();
  }
  // The code the system heard for connection `id` (an ordinal; 0: not
  // closed yet), waiting up to 10 s.
  std::uint16_t closed_code(std::size_t id) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard lock(mutex_);
        if (closed_.count(id) != 0) return closed_.at(id);
      }
      std::this_thread::sleep_for(1ms);
    }
    return 0;
  }
  bool is_closed(std::size_t id) {
    const std::lock_guard lock(mutex_);
    return closed_.count(id) != 0;
  }
  std::uint64_t violations() const { return host_.server().protocol_violations(); }

 private:
  std::size_t remember(runtime::ConnectionId id) {
    const std::lock_guard lock(mutex_);
    arrived_.push_back(id);
    return arrived_.size();
  }
  std::size_t ordinal_of(runtime::ConnectionId id) {
    const std::lock_guard lock(mutex_);
    const auto at = std::find(arrived_.begin(), arrived_.end(), id);
    EXPECT_NE(at, arrived_.end()) << "the server asked for a connection it never offered";
    return static_cast<std::size_t>(at - arrived_.begin()) + 1;
  }

  AppServer host_;
  std::map<std::size_t, std::shared_ptr<runtime::Connection>> connections_;  // io thread only
  std::mutex mutex_;
  std::vector<runtime::ConnectionId> arrived_;  // the server's ids, in arrival order
  std::map<std::size_t, std::uint16_t> closed_;
};

// A raw socket past the upgrade (it never reads unless told to).
std::unique_ptr<RawSocket> upgraded(std::uint16_t port, std::string_view extra_headers = {}) {
  auto socket = std::make_unique<RawSocket>(port);
  socket->send(testing::upgrade_request(extra_headers));
  const std::string answer = socket->read_until("\r\n\r\n");
  EXPECT_EQ(testing::status_of_answer(answer), 101) << answer;
  return socket;
}

TEST(SubprotocolNegotiation, OnlyAnOfferedProtocolIsEverSelected) {
  using V = std::vector<std::string>;
  EXPECT_EQ(select_subprotocol(V{"jwt-auth", "jwt.t"}, "jwt-auth"), "jwt-auth");
  EXPECT_EQ(select_subprotocol(V{"jwt.t"}, "jwt-auth"), "jwt.t") << "the entry the token came in";
  EXPECT_EQ(select_subprotocol(V{"chat", "jwt.t", "jwt.u"}, "jwt-auth"), "jwt.t") << "the first, as auth reads it";
  EXPECT_EQ(select_subprotocol(V{}, "jwt-auth"), "") << "none offered: none selected";
  EXPECT_EQ(select_subprotocol(V{"chat"}, "jwt-auth"), "");
  EXPECT_EQ(select_subprotocol(V{"jwt."}, "jwt-auth"), "") << "an empty token entry carries no token";
  EXPECT_EQ(select_subprotocol(V{"chat"}, "other"), "");
  EXPECT_EQ(select_subprotocol(V{"chat"}, ""), "");
}

TEST(SubprotocolNegotiation, TheServerAnswersNoProtocolTheClientDidNotOffer) {
  BudgetServer server(ServerLimits{}, "jwt-auth");  // a system that always asks for jwt-auth
  auto socket = std::make_unique<RawSocket>(server.port());
  socket->send(testing::upgrade_request());
  const std::string answer = socket->read_until("\r\n\r\n");
  EXPECT_EQ(testing::status_of_answer(answer), 101) << answer;
  EXPECT_EQ(answer.find("Sec-WebSocket-Protocol"), std::string::npos) << answer;

  WsClient offered;
  ClientHandshake handshake;
  handshake.subprotocols = {"chat", "jwt.abc"};
  offered.connect(kHost, server.port(), handshake);
  EXPECT_EQ(offered.subprotocol(), "jwt.abc");
}

TEST(SubprotocolNegotiation, TheAppsTokenEntryIsEchoedWhenJwtAuthIsNotOffered) {
  AppServer host({.seed = 13, .log_name = "hostile-ws-test", .log_to_stderr = false});
  system::AppConfig config;
  config.jwt_secret = "hostile-ws-test-secret";
  host.make_app(config, system::Components::defaults());
  host.listen(kHost, 0, ServerLimits{});
  host.start_thread();
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
                       .count();
  const std::string entry = "jwt." + system::mint_hs256(config.jwt_secret, "alice", exp);
  WsClient by_subprotocol;
  ClientHandshake handshake;
  handshake.subprotocols = {entry};
  by_subprotocol.connect(kHost, host.server().port(), handshake);
  EXPECT_EQ(by_subprotocol.subprotocol(), entry);
  WsClient by_header;
  ClientHandshake bearer;
  bearer.bearer_token = entry.substr(4);
  by_header.connect(kHost, host.server().port(), bearer);
  EXPECT_EQ(by_header.subprotocol(), "") << "none offered: none selected";
  by_subprotocol.close();
  by_header.close();
  host.stop();
}

TEST(CloseCodes, ACodeNotAllowedOnTheWireIsAnsweredWith1002NeverEchoed) {
  BudgetServer server(ServerLimits{});
  const std::vector<std::pair<std::uint16_t, std::uint16_t>> cases{{5000, 1002}, {1005, 1002}, {1004, 1002},
                                                                   {2999, 1002}, {4000, 4000}, {1000, 1000}};
  std::size_t id = 0;  // the ordinal of the connection
  for (const auto& [sent, answered] : cases) {
    SCOPED_TRACE(sent);
    auto socket = upgraded(server.port());
    ++id;
    socket->send(testing::client_close_frame(sent));
    const auto received = socket->read_until_end();
    socket.reset();  // the client's end of the TCP close: Beast's teardown waits for it
    EXPECT_TRUE(received.ended);
    EXPECT_EQ(testing::close_code_of(testing::parse_frames(received.bytes)), answered);
    EXPECT_EQ(server.closed_code(id), answered) << "what the system hears";
  }
}

TEST(IdleSockets, AnOpenWebSocketThatAnswersNothingIsClosedAtTheIdleTimeout) {
  ServerLimits limits;
  limits.ws_idle_timeout_ms = 300;
  BudgetServer server(limits);
  auto silent = upgraded(server.port());  // never reads, never answers a ping
  const auto received = silent->read_until_end();
  EXPECT_TRUE(received.ended) << "an idle socket is held past its idle timeout";
  const auto frames = testing::parse_frames(received.bytes);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.front().opcode, 0x9u) << "pinged first";
  EXPECT_EQ(server.closed_code(1), runtime::close_code::kAbnormal);
}

TEST(IdleSockets, AClientThatAnswersPingsStaysOpen) {
  ServerLimits limits;
  limits.ws_idle_timeout_ms = 1'000;
  BudgetServer server(limits);
  WsClient client;  // Beast answers pings while it reads
  client.connect(kHost, server.port(), ClientHandshake{});
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.read_text(200ms), std::nullopt);  // 4 s: 4 idle timeouts
  EXPECT_TRUE(client.is_open());
  EXPECT_FALSE(server.is_closed(1));
}

constexpr std::size_t kFrame = 16 * 1024;

TEST(OutboundBudget, AConnectionOverItsByteBudgetIsClosed1013) {
  ServerLimits limits;
  limits.outbound_bytes_max = 4 * kFrame;
  BudgetServer server(limits);
  auto slow = upgraded(server.port());   // id 1
  auto other = upgraded(server.port());  // id 2
  std::vector<std::pair<runtime::ConnectionId, std::size_t>> frames(10, {1, kFrame});
  frames.insert(frames.end(), 3, {2, kFrame});
  server.send_all(frames);
  const auto received = slow->read_until_close();
  EXPECT_EQ(testing::close_code_of(received), runtime::close_code::kTryAgainLater);
  EXPECT_LT(testing::text_frames(received), 10u) << "frames over the budget were dropped";
  EXPECT_EQ(server.closed_code(1), runtime::close_code::kTryAgainLater);
  EXPECT_EQ(testing::text_frames(other->read_text_frames(3)), 3u) << "the other connection is left alone";
  EXPECT_FALSE(server.is_closed(2));
  EXPECT_EQ(server.violations(), 0u);
}

TEST(OutboundBudget, OverAUsersBudgetItsConnectionLaggingMostIsClosed) {
  ServerLimits limits;
  limits.outbound_user_bytes_max = 4 * kFrame;
  BudgetServer server(limits);
  auto laggard = upgraded(server.port());   // id 1, user u
  auto sibling = upgraded(server.port());   // id 2, user u
  auto stranger = upgraded(server.port());  // id 3, user v
  // u: 3 frames to 1, 1 to 2 (the budget), then one more to 2: 1 lags most.
  // v sends exactly its own budget (4 frames), which u's overflow does not touch.
  server.send_all({{1, kFrame},
                   {1, kFrame},
                   {1, kFrame},
                   {2, kFrame},
                   {3, kFrame},
                   {3, kFrame},
                   {3, kFrame},
                   {3, kFrame},
                   {2, kFrame}});
  EXPECT_EQ(testing::close_code_of(laggard->read_until_close()), runtime::close_code::kTryAgainLater);
  EXPECT_EQ(server.closed_code(1), runtime::close_code::kTryAgainLater);
  EXPECT_EQ(testing::text_frames(sibling->read_text_frames(2)), 2u);
  EXPECT_EQ(testing::text_frames(stranger->read_text_frames(4)), 4u) << "another user's budget is its own";
  EXPECT_FALSE(server.is_closed(2));
  EXPECT_FALSE(server.is_closed(3));
}

TEST(OutboundBudget, OverTheServersBudgetTheConnectionLaggingMostIsClosed) {
  ServerLimits limits;
  limits.outbound_total_bytes_max = 4 * kFrame;
  BudgetServer server(limits);
  auto laggard = upgraded(server.port());  // id 1, user u
  auto unused = upgraded(server.port());   // id 2, user u
  auto reader = upgraded(server.port());   // id 3, user v
  server.send_all({{1, kFrame}, {1, kFrame}, {1, kFrame}, {3, kFrame}, {3, kFrame}});
  EXPECT_EQ(testing::close_code_of(laggard->read_until_close()), runtime::close_code::kTryAgainLater);
  EXPECT_EQ(server.closed_code(1), runtime::close_code::kTryAgainLater);
  EXPECT_EQ(testing::text_frames(reader->read_text_frames(2)), 2u);
  EXPECT_FALSE(server.is_closed(3));
  EXPECT_FALSE(server.is_closed(2));
}

}  // namespace
}  // namespace bridgesim::net
