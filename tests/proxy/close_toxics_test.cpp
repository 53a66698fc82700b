// server_close (with and without a close frame) and reset_peer, told apart
// on a bare socket: a close frame with the code, a FIN with no close frame,
// a reset (ECONNRESET). The upstream sees its side end too.
#include <gtest/gtest.h>

#include "tests/proxy/proxy_fixture.hpp"
#include "tests/proxy/raw_client.hpp"

namespace bridgesim::proxy_test {
namespace {

std::string token_for(const std::string& user) { return handshake_for(user).bearer_token; }

bool has_close_frame(const RawClient& c, std::uint16_t code) {
  for (const auto& f : c.frames()) {
    if (f.opcode == proxy::opcode::kClose && proxy::close_code_of(f.payload) == code) return true;
  }
  return false;
}

TEST(ProxyClose, ServerCloseWithAFrameSendsTheCloseFrameAndEnds) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  RawClient aimed(p.port()), other(p.port());
  ASSERT_TRUE(aimed.upgrade(token_for("u1")));
  ASSERT_TRUE(other.upgrade(token_for("u2")));
  p.add_toxic(toxic("sc", "server_close", proxy::Stream::kDownstream,
                    {{"frame", "true"}, {"code", "4001"}, {"target", "user:u1"}}));
  EXPECT_EQ(aimed.read_to_end(), Ending::kFin);
  EXPECT_TRUE(has_close_frame(aimed, 4001));
  // The upstream saw a close frame for its side (1001 from the proxy, masked as a client's must be).
  ASSERT_TRUE(wait_until([&] { return !upstream.close_codes().empty(); }));
  EXPECT_EQ(upstream.close_codes(), std::vector<std::uint16_t>{1001});
  // Only the target: u2 still goes through.
  other.send_text("still-here");
  ASSERT_TRUE(wait_until([&] { return upstream.received().size() == 1; }));
  // The proxy closes once both peers ended their side (this client never does: after the linger bound).
  EXPECT_TRUE(wait_until([&] { return records_of(p, proxy::proxy_record::kLinkClosed, "how", "closed").size() == 1; }));
}

TEST(ProxyClose, ServerCloseWithoutAFrameEndsTheTcpConnectionOnly) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  RawClient aimed(p.port());
  ASSERT_TRUE(aimed.upgrade(token_for("u1")));
  p.add_toxic(toxic("sc", "server_close", proxy::Stream::kDownstream, {{"frame", "false"}, {"target", "user:u1"}}));
  EXPECT_EQ(aimed.read_to_end(), Ending::kFin);
  EXPECT_TRUE(aimed.frames().empty());  // no close frame at all
  ASSERT_TRUE(wait_until([&] { return !upstream.close_codes().empty(); }));
  EXPECT_EQ(upstream.close_codes(), std::vector<std::uint16_t>{1006});
  EXPECT_EQ(records_of(p, proxy::proxy_record::kLinkClosed, "how", "server_close").size(), 1u);
}

TEST(ProxyClose, ResetPeerResetsBothSockets) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  RawClient aimed(p.port());
  ASSERT_TRUE(aimed.upgrade(token_for("u1")));
  p.add_toxic(toxic("rst", "reset_peer", proxy::Stream::kDownstream, {{"target", "user:u1"}}));
  EXPECT_EQ(aimed.read_to_end(), Ending::kReset);
  EXPECT_TRUE(aimed.frames().empty());
  ASSERT_TRUE(wait_until([&] { return !upstream.close_codes().empty(); }));
  EXPECT_EQ(upstream.close_codes(), std::vector<std::uint16_t>{1006});
  EXPECT_EQ(records_of(p, proxy::proxy_record::kFaultHit, "fault", "reset_peer").size(), 1u);
}

// A timeout toxic: nothing passes, then the link is closed.
TEST(ProxyClose, TimeoutLosesTheDataThenCloses) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  RawClient aimed(p.port());
  ASSERT_TRUE(aimed.upgrade(token_for("u1")));
  p.add_toxic(toxic("to", "timeout", proxy::Stream::kUpstream, {{"timeout", "300"}}));
  aimed.send_text("lost");
  EXPECT_EQ(aimed.read_to_end(), Ending::kFin);
  EXPECT_TRUE(upstream.received().empty());
  EXPECT_TRUE(aimed.frames().empty());  // the echo never came
  EXPECT_EQ(records_of(p, proxy::proxy_record::kFaultHit, "action", "discarded").size(), 1u);
  EXPECT_EQ(records_of(p, proxy::proxy_record::kLinkClosed, "how", "timeout").size(), 1u);
}

}  // namespace
}  // namespace bridgesim::proxy_test
