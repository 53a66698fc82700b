// The asynchronous Beast client keeps the simulated network's callback
// contract: exactly one of on_open / on_rejected; on_closed exactly once
// after on_open (or after an abort); nothing after; never from inside a call.
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "system/auth.hpp"
#include "system/net/async_client.hpp"
#include "tests/probe/loopback_server.hpp"

namespace bridgesim::net {
namespace {

using namespace std::chrono_literals;
using probe_test::kHost;
using probe_test::kSecret;
using probe_test::LoopbackServer;

std::int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

runtime::HandshakeRequest bearer(std::string_view user, std::string_view secret = kSecret) {
  return {"/ws", "Bearer " + system::mint_hs256(secret, user, now_unix_s() + 600), {}};
}

// What one connection reported, in order.
struct Log {
  std::vector<std::string> calls;  // "open", "rejected 401", "text", "closed 1000"
  std::vector<std::string> texts;
  std::string rejected_body;
  bool inside_a_call = false;  // set while the test is inside connect/send/close/abort
  bool reentered = false;

  AsyncClientCallbacks callbacks() {
    AsyncClientCallbacks c;
    c.on_open = [this](std::string) { note("open"); };
    c.on_rejected = [this](int status, std::string body) {
      note("rejected " + std::to_string(status));
      rejected_body = std::move(body);
    };
    c.on_text = [this](std::string text) {
      note("text");
      texts.push_back(std::move(text));
    };
    c.on_closed = [this](std::uint16_t code, std::string) { note("closed " + std::to_string(code)); };
    return c;
  }
  void note(std::string call) {
    reentered |= inside_a_call;
    calls.push_back(std::move(call));
  }
  bool ended() const {
    return !calls.empty() && (calls.back().rfind("closed", 0) == 0 || calls.back().rfind("rejected", 0) == 0);
  }
};

// Runs `io` on this thread until `done` or 5 s.
bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(5ms);
    if (io.stopped()) io.restart();
  }
  return done();
}

// Lets anything still queued happen: nothing may arrive after the end.
void settle_io(boost::asio::io_context& io) {
  io.restart();
  io.run_for(100ms);
}

// A live server, and a client transport whose io_context this thread runs.
class AsyncClient : public ::testing::Test {
 protected:
  // Connects as `user` and waits for connection_established.
  std::unique_ptr<AsyncClientConnection> open(Log& log, std::string_view user) {
    auto connection = transport.connect(bearer(user), log.callbacks());
    EXPECT_TRUE(run_until([&] { return !log.texts.empty(); })) << "no connection_established within 5 s";
    return connection;
  }
  bool run_until(const std::function<bool()>& done) { return run_io_until(io, done); }
  void settle() { settle_io(io); }

  LoopbackServer server;
  boost::asio::io_context io{1};
  AsyncClientTransport transport{io, kHost, server.port()};
};

TEST_F(AsyncClient, OpensReceivesAndClosesWithOneOnClosedAfterOnOpen) {
  Log log;
  log.inside_a_call = true;
  auto connection = transport.connect(bearer("alice"), log.callbacks());
  log.inside_a_call = false;
  EXPECT_EQ(connection->id(), 1u);
  EXPECT_FALSE(connection->is_open());
  ASSERT_TRUE(run_until([&] { return !log.texts.empty(); }));
  EXPECT_TRUE(connection->is_open());
  EXPECT_NE(log.texts[0].find("\"connection_established\""), std::string::npos) << log.texts[0];

  log.inside_a_call = true;
  connection->send_text(R"({"type":"ping"})");
  log.inside_a_call = false;
  ASSERT_TRUE(run_until([&] { return log.texts.size() >= 2; }));
  EXPECT_NE(log.texts[1].find("\"pong\""), std::string::npos) << log.texts[1];

  log.inside_a_call = true;
  connection->close(1000, "bye");
  log.inside_a_call = false;
  EXPECT_FALSE(connection->is_open());
  ASSERT_TRUE(run_until([&] { return log.ended(); }));
  settle();
  EXPECT_EQ(log.calls, (std::vector<std::string>{"open", "text", "text", "closed 1000"}));
  EXPECT_FALSE(log.reentered);
}

TEST_F(AsyncClient, ServerCloseAfterDisconnectIsReportedWithItsCode) {
  Log log;
  auto connection = open(log, "bob");
  connection->send_text(R"({"type":"disconnect"})");
  ASSERT_TRUE(run_until([&] { return log.ended(); }));
  settle();
  EXPECT_EQ(log.calls.back(), "closed 1000");
  EXPECT_EQ(std::count(log.calls.begin(), log.calls.end(), "closed 1000"), 1);
}

TEST_F(AsyncClient, RefusedUpgradeReportsTheHttpStatusAndBodyOnly) {
  Log log;
  auto connection = transport.connect(bearer("mallory", "not-the-secret"), log.callbacks());
  ASSERT_TRUE(run_until([&] { return log.ended(); }));
  settle();
  EXPECT_EQ(log.calls, std::vector<std::string>{"rejected 401"});
  EXPECT_FALSE(log.rejected_body.empty());
  EXPECT_FALSE(connection->is_open());
  connection->send_text("ignored");  // dropped: not open
  connection->abort();               // no-op: already ended
  settle();
  EXPECT_EQ(log.calls.size(), 1u);
}

TEST(AsyncClientWithoutServer, IsRefusedWithStatusZeroNamingTheAddress) {
  std::uint16_t port = 0;
  {
    boost::asio::io_context scratch;
    boost::asio::ip::tcp::acceptor acceptor(scratch, {boost::asio::ip::make_address(kHost), 0});
    port = acceptor.local_endpoint().port();
  }  // closed: nothing listens there now
  boost::asio::io_context io{1};
  AsyncClientTransport transport(io, kHost, port);
  Log log;
  auto connection = transport.connect(bearer("alice"), log.callbacks());
  ASSERT_TRUE(run_io_until(io, [&] { return log.ended(); }));
  EXPECT_EQ(log.calls, std::vector<std::string>{"rejected 0"});
  EXPECT_NE(log.rejected_body.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << log.rejected_body;
}

TEST_F(AsyncClient, AbortDuringTheHandshakeEndsInOneOnClosed1006) {
  Log log;
  auto connection = transport.connect(bearer("alice"), log.callbacks());
  log.inside_a_call = true;
  connection->abort();
  log.inside_a_call = false;
  EXPECT_TRUE(log.calls.empty());
  ASSERT_TRUE(run_until([&] { return log.ended(); }));
  settle();
  EXPECT_EQ(log.calls, std::vector<std::string>{"closed 1006"});
  EXPECT_FALSE(log.reentered);
}

TEST_F(AsyncClient, AbortWhenOpenCutsWithoutACloseFrame) {
  Log log;
  auto connection = open(log, "alice");
  connection->send_text(R"({"type":"user_message","thread_id":"t1","text":"hi","client_msg_id":"m1"})");
  connection->abort();
  ASSERT_TRUE(run_until([&] { return log.ended(); }));
  settle();
  EXPECT_EQ(log.calls.front(), "open");
  EXPECT_EQ(log.calls.back(), "closed 1006");
  EXPECT_EQ(
      std::count_if(log.calls.begin(), log.calls.end(), [](const std::string& c) { return c.rfind("closed", 0) == 0; }),
      1);
}

TEST_F(AsyncClient, DestroyingTheHandleDetachesItsCallbacks) {
  Log open_then_dropped, dropped_while_connecting;
  auto a = open(open_then_dropped, "alice");
  a.reset();
  auto b = transport.connect(bearer("bob"), dropped_while_connecting.callbacks());
  EXPECT_EQ(b->id(), 2u);
  b.reset();
  settle();
  EXPECT_EQ(open_then_dropped.calls, (std::vector<std::string>{"open", "text"}));
  EXPECT_TRUE(dropped_while_connecting.calls.empty());
}

TEST_F(AsyncClient, SendsQueuedFramesInOrder) {
  Log log;
  auto connection = open(log, "alice");
  constexpr int kPings = 50;
  for (int i = 0; i < kPings; ++i) connection->send_text(R"({"type":"ping"})");
  ASSERT_TRUE(run_until([&] { return log.texts.size() == 1 + kPings; }));
  for (std::size_t i = 1; i < log.texts.size(); ++i) EXPECT_NE(log.texts[i].find("\"pong\""), std::string::npos);
}

}  // namespace
}  // namespace bridgesim::net
