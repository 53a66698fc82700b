// Hostile peers at the HTTP layer (issue 13): malformed requests get their
// status (400, 413, 431, 505) before the close; idle and slow sockets are
// closed at the request deadline; sockets over a connection cap are
// answered 503 at once, not held; /health* is answered at capacity. Raw
// sockets on 127.0.0.1; every wait is a hang guard, never a timing claim.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "system/app.hpp"
#include "system/net/app_server.hpp"
#include "system/net/client.hpp"
#include "system/net/server.hpp"
#include "tests/net/raw_socket.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;
using testing::RawSocket;
using testing::status_of_answer;

constexpr char kHost[] = "127.0.0.1";

// Long enough that a socket the server held would still be waiting when
// the test's hang guard (10 s) gives up: an answer within it was not held.
constexpr std::int64_t kNeverMs = 60'000;

class HostileServer {
 public:
  explicit HostileServer(ServerLimits limits, system::Components components = system::Components::defaults())
      : host_({.seed = 13, .log_name = "hostile-http-test", .log_to_stderr = false}) {
    system::AppConfig config;
    config.jwt_secret = "hostile-http-test-secret";
    host_.make_app(config, std::move(components));
    host_.listen(kHost, 0, limits);
    host_.start_thread();
  }
  ~HostileServer() { host_.stop(); }
  std::uint16_t port() const { return host_.server().port(); }
  std::size_t live() const { return host_.server().live_connections(); }

  // Waits (hang guard) until the server holds `n` sockets.
  bool wait_live(std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (live() != n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    return live() == n;
  }

 private:
  AppServer host_;
};

ServerLimits patient_limits() {
  ServerLimits limits;
  limits.request_timeout_ms = kNeverMs;
  limits.health_request_timeout_ms = kNeverMs;
  return limits;
}

// Sends `request` on a fresh socket; the status answered before the close.
int status_for(std::uint16_t port, const std::string& request) {
  RawSocket socket(port);
  socket.send(request);
  const auto received = socket.read_until_end();
  EXPECT_TRUE(received.ended) << "the server kept the socket open after answering";
  return status_of_answer(received.bytes);
}

TEST(HostileHttp, MalformedRequestsGetTheirStatusBeforeTheClose) {
  HostileServer server(patient_limits());
  const std::string host = "Host: 127.0.0.1\r\n";
  struct Case {
    std::string name, request;
    int status;
  };
  const std::vector<Case> cases{
      {"garbage request line", "GARBAGE\r\n\r\n", 400},
      {"bad version syntax", "GET /health HTTP/1.x\r\n" + host + "\r\n", 400},
      {"unsupported version", "GET /health HTTP/9.9\r\n" + host + "\r\n", 505},
      {"HTTP/2.0 on a 1.1 socket", "GET /health HTTP/2.0\r\n" + host + "\r\n", 505},
      {"bad Content-Length", "POST /api/agent/v2/execute HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", 400},
      {"two different Content-Lengths",
       "POST /api/agent/v2/execute HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400},
      {"two equal Content-Lengths",
       "POST /api/agent/v2/execute HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400},
      {"a Content-Length list", "POST /api/agent/v2/execute HTTP/1.1\r\n" + host + "Content-Length: 2, 2\r\n\r\n{}",
       400},
      {"Content-Length with Transfer-Encoding",
       "POST /api/agent/v2/execute HTTP/1.1\r\n" + host +
           "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
       400},
      {"NUL in a header value", "GET /health HTTP/1.1\r\n" + host + std::string("X-Evil: a\0b\r\n\r\n", 15), 400},
      {"headers too large", "GET /health HTTP/1.1\r\n" + host + "X-Big: " + std::string(20'000, 'a') + "\r\n\r\n", 431},
      {"body too large",
       "POST /api/agent/v2/execute HTTP/1.1\r\n" + host + "Content-Length: 100000\r\n\r\n" + std::string(100'000, 'x'),
       413},
      {"two Authorization headers",
       "GET /health HTTP/1.1\r\n" + host + "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n", 400},
      {"two Authorization headers on an upgrade",
       testing::upgrade_request("Authorization: Bearer a\r\nAuthorization: Bearer b\r\n"), 400},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(status_for(server.port(), c.request), c.status);
  }
  // The control: a well-formed request is answered as usual.
  EXPECT_EQ(status_for(server.port(), "GET /health HTTP/1.1\r\n" + host + "\r\n"), 200);
}

TEST(HostileHttp, HealthLiveAndReadyAnswer) {
  HostileServer server(ServerLimits{});
  EXPECT_EQ(http_get(kHost, server.port(), "/health/live").status, 200);
  const HttpResult ready = http_get(kHost, server.port(), "/health/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find("\"ok\""), std::string::npos) << ready.body;
}

TEST(HostileHttp, ABrokenCriticalPathIsNotReadyButLive) {
  system::Components components = system::Components::defaults();
  components.bridge = [](system::BridgeWiring, system::Runtime&) {
    return std::unique_ptr<system::AgentWebSocketBridge>();
  };
  HostileServer server(ServerLimits{}, std::move(components));
  EXPECT_EQ(http_get(kHost, server.port(), "/health/ready").status, 503);
  EXPECT_EQ(http_get(kHost, server.port(), "/health").status, 503);
  EXPECT_EQ(http_get(kHost, server.port(), "/health/live").status, 200) << "broken is not dead: no restart loop";
}

TEST(HostileHttp, IdleAndPartialSocketsAreClosedAtTheRequestDeadline) {
  ServerLimits limits;
  limits.request_timeout_ms = 200;
  HostileServer server(limits);
  RawSocket idle(server.port());
  RawSocket partial(server.port());
  partial.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  const auto idle_end = idle.read_until_end();
  const auto partial_end = partial.read_until_end();
  EXPECT_TRUE(idle_end.ended) << "a socket that sends nothing is held past the deadline";
  EXPECT_TRUE(partial_end.ended) << "a socket that never finishes its headers is held past the deadline";
  EXPECT_TRUE(server.wait_live(0));
  EXPECT_EQ(http_get(kHost, server.port(), "/health").status, 200);
}

TEST(HostileHttp, SocketsOverThePerPeerCapAreRefusedAtOnce) {
  ServerLimits limits = patient_limits();
  limits.connections_per_peer_max = 2;
  HostileServer server(limits);
  RawSocket first(server.port());
  RawSocket second(server.port());
  ASSERT_TRUE(server.wait_live(2));
  RawSocket third(server.port());  // sends nothing: only a refusal at accept answers it
  const auto refused = third.read_until_end();
  EXPECT_EQ(status_of_answer(refused.bytes), 503) << refused.bytes;
  EXPECT_TRUE(refused.ended);
  EXPECT_EQ(server.live(), 2u) << "the refused socket is not held";
}

TEST(HostileHttp, SocketsOverMaxConnectionsAreRefusedAtOnceButHealthIsAnswered) {
  ServerLimits limits = patient_limits();
  limits.connections_max = 2;
  limits.connections_per_peer_max = 0;
  HostileServer server(limits);
  RawSocket first(server.port());
  RawSocket second(server.port());
  ASSERT_TRUE(server.wait_live(2));
  // At capacity the health reserve answers probes ...
  EXPECT_EQ(http_get(kHost, server.port(), "/health/live").status, 200);
  EXPECT_EQ(http_get(kHost, server.port(), "/health/ready").status, 200);
  // ... and nothing else.
  const HttpResult other = http_get(kHost, server.port(), "/nowhere");
  EXPECT_EQ(other.status, 503);
  EXPECT_NE(other.body.find("too many connections"), std::string::npos) << other.body;
  // The reserve is bounded: idle sockets fill it, the next is refused at accept.
  std::vector<std::unique_ptr<RawSocket>> reserve;
  for (std::size_t i = 0; i < kHealthReserve; ++i) reserve.push_back(std::make_unique<RawSocket>(server.port()));
  ASSERT_TRUE(server.wait_live(2 + kHealthReserve));
  RawSocket beyond(server.port());
  const auto refused = beyond.read_until_end();
  EXPECT_EQ(status_of_answer(refused.bytes), 503) << refused.bytes;
  EXPECT_TRUE(refused.ended);
  EXPECT_EQ(server.live(), 2 + kHealthReserve);
}

}  // namespace
}  // namespace bridgesim::net
