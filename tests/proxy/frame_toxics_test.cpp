// drop_frame and duplicate_frame, both ways: a dropped frame is not
// received, a duplicated one arrives twice; a frame sent after them ("end")
// proves the stream went on. Client frames duplicated toward the server are
// re-masked (the upstream, Beast, refuses an unmasked client frame).
#include <gtest/gtest.h>

#include "tests/proxy/proxy_fixture.hpp"

namespace bridgesim::proxy_test {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> read_until_end_marker(net::WsClient& c, const std::string& marker) {
  std::vector<std::string> got;
  for (int i = 0; i < 100; ++i) {
    auto text = c.read_text(milliseconds(5000));
    if (!text) break;
    got.push_back(*text);
    if (*text == marker) break;
  }
  return got;
}

TEST(ProxyFrames, DropTheNthDownstreamFrame) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  p.add_toxic(toxic("drop3", "drop_frame", proxy::Stream::kDownstream, {{"nth", "3"}}));
  net::WsClient c;
  c.connect(kHost, p.port(), handshake_for("u1"));
  c.send_text("burst:5");
  c.send_text("end");
  EXPECT_EQ(read_until_end_marker(c, "end"), (std::vector<std::string>{"b1", "b2", "b4", "b5", "end"}));
  const auto hits = records_of(p, proxy::proxy_record::kFaultHit, "action", "dropped");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].field("frame"), "3");
}

TEST(ProxyFrames, DropUpstreamFramesThatMatch) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  p.add_toxic(toxic("drop", "drop_frame", proxy::Stream::kUpstream, {{"match", "secret"}}));
  net::WsClient c;
  c.connect(kHost, p.port(), handshake_for("u1"));
  for (const char* m : {"keep1", "a secret", "keep2", "secret again", "end"}) c.send_text(m);
  EXPECT_EQ(read_until_end_marker(c, "end"), (std::vector<std::string>{"keep1", "keep2", "end"}));
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"keep1", "keep2", "end"}));
}

TEST(ProxyFrames, DuplicateADownstreamFrame) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  p.add_toxic(toxic("dup", "duplicate_frame", proxy::Stream::kDownstream, {{"match", "b2"}}));
  net::WsClient c;
  c.connect(kHost, p.port(), handshake_for("u1"));
  c.send_text("burst:3");
  c.send_text("end");
  EXPECT_EQ(read_until_end_marker(c, "end"), (std::vector<std::string>{"b1", "b2", "b2", "b3", "end"}));
}

TEST(ProxyFrames, DuplicateAnUpstreamFrameRemasked) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  p.add_toxic(toxic("dup", "duplicate_frame", proxy::Stream::kUpstream, {{"nth", "2"}}));
  net::WsClient c;
  c.connect(kHost, p.port(), handshake_for("u1"));
  for (const char* m : {"one", "two", "end"}) c.send_text(m);
  EXPECT_EQ(read_until_end_marker(c, "end"), (std::vector<std::string>{"one", "two", "two", "end"}));
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"one", "two", "two", "end"}));
  EXPECT_TRUE(upstream.close_codes().empty());  // no protocol error closed the upstream side
}

// Toxicity 0: the toxic is there and never acts (Toxiproxy's meaning).
TEST(ProxyFrames, ToxicityZeroNeverActs) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  auto t = toxic("never", "drop_frame", proxy::Stream::kDownstream);
  t.toxicity = 0;
  p.add_toxic(t);
  net::WsClient c;
  c.connect(kHost, p.port(), handshake_for("u1"));
  c.send_text("burst:3");
  c.send_text("end");
  EXPECT_EQ(read_until_end_marker(c, "end"), (std::vector<std::string>{"b1", "b2", "b3", "end"}));
}

// A partition holds (does not lose) the target's frames until the toxic goes.
TEST(ProxyFrames, PartitionHoldsUntilHeal) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  net::WsClient cut, other;
  cut.connect(kHost, p.port(), handshake_for("u1"));
  other.connect(kHost, p.port(), handshake_for("u2"));
  p.add_toxic(toxic("part", "partition", proxy::Stream::kUpstream, {{"target", "user:u1"}}));
  cut.send_text("held");
  ASSERT_TRUE(wait_until([&] { return !records_of(p, proxy::proxy_record::kFaultHit, "action", "held").empty(); }));
  other.send_text("free");
  EXPECT_EQ(other.read_text(milliseconds(5000)), "free");
  EXPECT_EQ(upstream.received(), std::vector<std::string>{"free"});  // "held" is still in the proxy
  ASSERT_TRUE(p.remove_toxic("part"));
  EXPECT_EQ(cut.read_text(milliseconds(5000)), "held");
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"free", "held"}));
}

}  // namespace
}  // namespace bridgesim::proxy_test
