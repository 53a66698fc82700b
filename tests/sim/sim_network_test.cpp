// sim::SimNetwork: the handshake, FIFO frames per direction, the strict
// server-side state machine (violations are trace records) and close
// delivered exactly once to each end.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/fault_hit.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/trace.hpp"

namespace bridgesim::sim {
namespace {

using runtime::millis;

// What the client end saw, in order.
struct ClientLog {
  std::vector<std::string> opened;  // subprotocols
  std::vector<std::pair<int, std::string>> rejected;
  std::vector<std::string> texts;
  std::vector<std::uint16_t> closed;
  std::vector<std::string> timeline;  // "open", "text", "rejected", "closed"
};

struct ServerLog {
  std::vector<std::string> texts;
  std::vector<std::uint16_t> closed;
};

class SimNetworkTest : public ::testing::Test {
 protected:
  explicit SimNetworkTest(NetworkConfig config = {}, std::uint64_t seed = 1)
      : scheduler_(Rng(seed).fork("scheduler")), network_(scheduler_, Rng(seed).fork("net"), trace_, config) {
    network_.set_acceptor([this](std::shared_ptr<runtime::Connection> c) { accepted_.push_back(std::move(c)); });
  }

  ClientSocket connect(ClientLog& log, std::vector<std::string>* shared_timeline = nullptr) {
    ClientCallbacks callbacks;
    auto mark = [&log, shared_timeline](std::string what) {
      log.timeline.push_back(what);
      if (shared_timeline) shared_timeline->push_back("client " + what);
    };
    callbacks.on_open = [&log, mark](std::string sub) {
      log.opened.push_back(sub);
      mark("open");
    };
    callbacks.on_rejected = [&log, mark](int status, std::string body) {
      log.rejected.emplace_back(status, body);
      mark("rejected");
    };
    callbacks.on_text = [&log, mark](std::string text) {
      log.texts.push_back(text);
      mark("text");
    };
    callbacks.on_closed = [&log, mark](std::uint16_t code, std::string) {
      log.closed.push_back(code);
      mark("closed");
    };
    return network_.connect("user:u1", runtime::HandshakeRequest{"/ws", "Bearer t", {"jwt-auth"}},
                            std::move(callbacks));
  }

  static runtime::ConnectionEvents server_events(ServerLog& log, std::vector<std::string>* shared_timeline = nullptr) {
    runtime::ConnectionEvents events;
    events.on_text = [&log](std::string text) { log.texts.push_back(text); };
    events.on_closed = [&log, shared_timeline](std::uint16_t code, std::string) {
      log.closed.push_back(code);
      if (shared_timeline) shared_timeline->push_back("server closed");
    };
    return events;
  }

  // Connects and runs until the server side has the handshake (accepted_.at(0)).
  ClientSocket handshake(ClientLog& client, std::vector<std::string>* timeline = nullptr) {
    ClientSocket socket = connect(client, timeline);
    run();
    EXPECT_EQ(accepted_.size(), 1u);
    return socket;
  }

  // Connects, accepts and runs until the client is open.
  std::shared_ptr<runtime::Connection> open(ClientLog& client, ServerLog& server, ClientSocket* socket_out = nullptr,
                                            std::vector<std::string>* timeline = nullptr) {
    ClientSocket socket = handshake(client, timeline);
    auto conn = accepted_.at(0);
    conn->accept("", server_events(server, timeline));
    run();
    EXPECT_TRUE(socket.is_open());
    if (socket_out) *socket_out = socket;
    return conn;
  }

  void run() { scheduler_.run_until(scheduler_.elapsed_ns() + runtime::seconds(1)); }

  std::vector<const TraceRecord*> violations() const {
    std::vector<const TraceRecord*> out;
    for (const auto& r : trace_.records()) {
      if (r.kind == "violation") out.push_back(&r);
    }
    return out;
  }

  Scheduler scheduler_;
  Trace trace_;
  SimNetwork network_;
  std::vector<std::shared_ptr<runtime::Connection>> accepted_;
};

TEST_F(SimNetworkTest, HandshakeReachesTheAcceptorThenAcceptOpensTheClient) {
  ClientLog client;
  ClientSocket socket = connect(client);
  EXPECT_TRUE(accepted_.empty()) << "the handshake takes network time";
  EXPECT_FALSE(socket.is_open());
  run();
  ASSERT_EQ(accepted_.size(), 1u);
  auto conn = accepted_.at(0);
  EXPECT_EQ(conn->id(), socket.id());
  EXPECT_EQ(conn->handshake().target, "/ws");
  EXPECT_EQ(conn->handshake().authorization, "Bearer t");
  EXPECT_EQ(conn->handshake().subprotocols, std::vector<std::string>{"jwt-auth"});
  EXPECT_TRUE(client.opened.empty()) << "not open before the server accepts";

  ServerLog server;
  conn->accept("jwt-auth", server_events(server));
  EXPECT_TRUE(client.opened.empty()) << "the accept takes network time too";
  run();
  EXPECT_EQ(client.opened, std::vector<std::string>{"jwt-auth"});
  EXPECT_TRUE(socket.is_open());
  EXPECT_EQ(network_.open_server_sides(), 1u);
  EXPECT_TRUE(violations().empty());
}

TEST_F(SimNetworkTest, ConnectWithoutAnAcceptorIsALogicError) {
  network_.set_acceptor(nullptr);
  ClientLog client;
  connect(client);
  EXPECT_THROW(run(), std::logic_error);
}

class SimNetworkZeroLatencyTest : public SimNetworkTest, public ::testing::WithParamInterface<std::uint64_t> {
 protected:
  SimNetworkZeroLatencyTest() : SimNetworkTest(NetworkConfig{0, millis(5)}, GetParam()) {}
};

TEST_P(SimNetworkZeroLatencyTest, FramesOfOneDirectionArriveInSendOrder) {
  ClientLog client;
  ServerLog server;
  ClientSocket socket(nullptr);
  auto conn = open(client, server, &socket);
  std::vector<std::string> sent_down, sent_up;
  for (int i = 0; i < 200; ++i) {  // all at the same instant
    sent_down.push_back("down " + std::to_string(i));
    sent_up.push_back("up " + std::to_string(i));
    conn->send_text(sent_down.back());
    socket.send_text(sent_up.back());
  }
  EXPECT_EQ(conn->buffered_frames(), 200u);
  run();
  EXPECT_EQ(client.texts, sent_down);
  EXPECT_EQ(server.texts, sent_up);
  EXPECT_EQ(conn->buffered_frames(), 0u);
  EXPECT_TRUE(violations().empty());
}

INSTANTIATE_TEST_SUITE_P(SimSeeds, SimNetworkZeroLatencyTest, ::testing::Values(1u, 2u, 3u, 99u, 12345u));

TEST_F(SimNetworkTest, SendBeforeAcceptIsAViolationAndNeverDelivered) {
  ClientLog client;
  ClientSocket socket = handshake(client);
  auto conn = accepted_.at(0);
  conn->send_text("too early");
  const auto v = violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0]->field("what").find("Need to call accept first"), std::string_view::npos) << v[0]->field("what");
  EXPECT_EQ(v[0]->field("conn"), std::to_string(conn->id()));
  // Even once accepted, the dropped frame never shows up.
  ServerLog server;
  conn->accept("", server_events(server));
  run();
  EXPECT_TRUE(socket.is_open());
  EXPECT_TRUE(client.texts.empty());
}

TEST_F(SimNetworkTest, SendAfterCloseIsAViolationAndNeverDelivered) {
  ClientLog client;
  ServerLog server;
  auto conn = open(client, server);
  conn->send_text("before close");
  conn->close(runtime::close_code::kNormal, "bye");
  conn->send_text("after close");
  const auto v = violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0]->field("what").find("Cannot call send once a close message has been sent"), std::string_view::npos)
      << v[0]->field("what");
  run();
  EXPECT_EQ(client.texts, std::vector<std::string>{"before close"});
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kNormal});
}

TEST_F(SimNetworkTest, RejectReachesTheClientWithItsStatus) {
  ClientLog client;
  ClientSocket socket = handshake(client);
  accepted_.at(0)->reject(401, "missing token");
  run();
  ASSERT_EQ(client.rejected.size(), 1u);
  EXPECT_EQ(client.rejected[0].first, 401);
  EXPECT_EQ(client.rejected[0].second, "missing token");
  EXPECT_TRUE(client.opened.empty());
  EXPECT_FALSE(socket.is_open());
  EXPECT_EQ(network_.open_server_sides(), 0u);
  // A rejected connection cannot be used afterwards.
  accepted_.at(0)->send_text("x");
  EXPECT_EQ(violations().size(), 1u);
  run();
  EXPECT_TRUE(client.texts.empty());
}

TEST_F(SimNetworkTest, ClientCloseClosesTheServerSideExactlyOnce) {
  ClientLog client;
  ServerLog server;
  ClientSocket socket(nullptr);
  auto conn = open(client, server, &socket);
  socket.close(runtime::close_code::kNormal, "done");
  socket.close(runtime::close_code::kNormal, "again");  // ignored: already closing
  EXPECT_FALSE(socket.is_open());
  run();
  EXPECT_EQ(server.closed, std::vector<std::uint16_t>{runtime::close_code::kNormal});
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kNormal});  // the echoed close
  EXPECT_EQ(network_.open_server_sides(), 0u);
  EXPECT_TRUE(violations().empty());
}

TEST_F(SimNetworkTest, ServerCloseReachesTheClientFirstThenTheServerSideExactlyOnce) {
  ClientLog client;
  ServerLog server;
  std::vector<std::string> timeline;
  auto conn = open(client, server, nullptr, &timeline);
  timeline.clear();
  conn->close(runtime::close_code::kGoingAway, "restart");
  EXPECT_TRUE(server.closed.empty()) << "the server side closes only once the client echoed";
  run();
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kGoingAway});
  EXPECT_EQ(server.closed, std::vector<std::uint16_t>{runtime::close_code::kGoingAway});
  EXPECT_EQ(timeline, (std::vector<std::string>{"client closed", "server closed"}));
  EXPECT_EQ(network_.open_server_sides(), 0u);
  // Closing twice is a protocol violation of its own.
  conn->close(runtime::close_code::kNormal, "again");
  ASSERT_EQ(violations().size(), 1u);
  run();
  EXPECT_EQ(server.closed.size(), 1u);
  EXPECT_EQ(client.closed.size(), 1u);
}

TEST_F(SimNetworkTest, SimultaneousClosesStillCloseEachEndOnce) {
  ClientLog client;
  ServerLog server;
  ClientSocket socket(nullptr);
  auto conn = open(client, server, &socket);
  conn->close(runtime::close_code::kNormal, "server");
  socket.close(runtime::close_code::kNormal, "client");
  run();
  EXPECT_EQ(server.closed.size(), 1u);
  EXPECT_EQ(client.closed.size(), 1u);
  EXPECT_TRUE(violations().empty());
}

TEST_F(SimNetworkTest, ClientAbortClosesTheServerSideAbnormally) {
  ClientLog client;
  ServerLog server;
  ClientSocket socket(nullptr);
  auto conn = open(client, server, &socket);
  socket.abort();
  run();
  EXPECT_EQ(server.closed, std::vector<std::uint16_t>{runtime::close_code::kAbnormal});
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kAbnormal});
}

TEST_F(SimNetworkTest, ClientAbortDuringTheHandshakeThenAcceptNeverOpens) {
  ClientLog client;
  ClientSocket socket = handshake(client);
  socket.abort();
  ServerLog server;
  accepted_.at(0)->accept("", server_events(server));
  run();
  EXPECT_EQ(client.timeline, std::vector<std::string>{"closed"});
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kAbnormal});
  EXPECT_EQ(server.closed, std::vector<std::uint16_t>{runtime::close_code::kAbnormal}) << "the server learns it once";
  EXPECT_EQ(network_.open_server_sides(), 0u);
}

// Fixed bug, kept as a regression test (sim/sim_network.cpp, ServerSide::reject): after the client aborted
// during the handshake (it already got on_closed 1006), a reject from the
// server still calls the client's on_rejected. accept() honours
// `client_gone`; reject() does not. A closed link must stop calling back:
// UserClient (scenarios/workloads.cpp) relies on it -- it reconnects on
// on_closed, and the late on_rejected then resets the new socket or makes
// it give up.
TEST_F(SimNetworkTest, ClientAbortDuringTheHandshakeThenRejectIsNotReported) {
  ClientLog client;
  ClientSocket socket = handshake(client);
  socket.abort();
  accepted_.at(0)->reject(401, "expired token");
  run();
  EXPECT_EQ(client.timeline, std::vector<std::string>{"closed"});
  EXPECT_TRUE(client.rejected.empty());
}

TEST_F(SimNetworkTest, DropUserConnectionsClosesBothEnds) {
  ClientLog client;
  ServerLog server;
  auto conn = open(client, server);
  network_.drop_user_connections("u1", sim::FaultKind::kServerClose, true);
  run();
  EXPECT_EQ(server.closed, std::vector<std::uint16_t>{runtime::close_code::kGoingAway});
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kGoingAway});
  EXPECT_EQ(network_.open_server_sides(), 0u);
}

// A server_close without a close frame is still a server_close: the
// fault_hit record names the fault that dropped the socket, not how.
TEST_F(SimNetworkTest, DropWithoutACloseFrameIsRecordedAsTheFaultThatDidIt) {
  ClientLog client;
  ServerLog server;
  auto conn = open(client, server);
  network_.drop_user_connections("u1", sim::FaultKind::kServerClose, false);
  run();
  EXPECT_EQ(client.closed, std::vector<std::uint16_t>{runtime::close_code::kAbnormal});
  std::vector<std::string> hit;
  for (const auto& r : trace_.records()) {
    if (r.kind == kFaultHitKind) hit.emplace_back(r.field("fault"));
  }
  EXPECT_EQ(hit, std::vector<std::string>{"server_close"});
}

TEST(SimNetworkConfig, RejectsAnInvertedLatencyRange) {
  Scheduler scheduler{Rng(1)};
  Trace trace;
  EXPECT_THROW(SimNetwork(scheduler, Rng(2), trace, NetworkConfig{millis(5), millis(1)}), std::invalid_argument);
  EXPECT_THROW(SimNetwork(scheduler, Rng(2), trace, NetworkConfig{-1, millis(1)}), std::invalid_argument);
}

}  // namespace
}  // namespace bridgesim::sim
