// The toxics that delay: each is judged by order, never by time. u1's frame
// is affected; once the proxy has recorded that (its own trace), u2 sends a
// frame, and the upstream must receive u2's first. Without the toxic u1's
// frame would already be through before u2 sent anything.
#include <gtest/gtest.h>

#include "tests/proxy/proxy_fixture.hpp"
#include "tests/proxy/raw_client.hpp"

namespace bridgesim::proxy_test {
namespace {

using std::chrono::milliseconds;

struct Pair {
  net::WsClient slow, fast;
  Pair(std::uint16_t port) {
    slow.connect(kHost, port, handshake_for("u1"));
    fast.connect(kHost, port, handshake_for("u2"));
  }
};

std::size_t hits_on_text(const proxy::FaultProxy& p, std::string_view fault) {
  std::size_t n = 0;
  for (const auto& r : records_of(p, proxy::proxy_record::kFaultHit, "fault", fault)) {
    n += r.field("op") == "text" || r.field("op") == "write" ? 1 : 0;
  }
  return n;
}

// u1 sends `payload`, u2 sends "fast" once `fault` has a hit; both echoes read back.
std::vector<std::string> overtake(proxy::FaultProxy& p, EchoUpstream& upstream, Pair& c, const std::string& payload,
                                  std::string_view fault) {
  c.slow.send_text(payload);
  EXPECT_TRUE(wait_until([&] { return hits_on_text(p, fault) >= 1; }));
  c.fast.send_text("fast");
  EXPECT_EQ(c.fast.read_text(milliseconds(5000)), "fast");
  EXPECT_EQ(c.slow.read_text(milliseconds(10000)), payload);  // intact, once
  return upstream.received();
}

TEST(ProxyOrder, LatencySpikeLetsALaterFrameOvertake) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  Pair c(p.port());
  p.add_toxic(toxic("spike", "latency_spike", proxy::Stream::kUpstream,
                    {{"per_million", "1000000"}, {"spike_ms", "1500"}, {"target", "user:u1"}}));
  EXPECT_EQ(overtake(p, upstream, c, "slow", "latency_spike"), (std::vector<std::string>{"fast", "slow"}));
}

TEST(ProxyOrder, SlicerCutsAFrameIntoPiecesThatTrailBehind) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  Pair c(p.port());
  p.add_toxic(toxic("slice", "slicer", proxy::Stream::kUpstream,
                    {{"average_size", "100"}, {"delay", "100000"}, {"target", "user:u1"}}));
  const std::string big(992, 'x');  // 1000 bytes with the frame's header (4) and mask (4)
  EXPECT_EQ(overtake(p, upstream, c, big, "slicer"), (std::vector<std::string>{"fast", big}));
  EXPECT_EQ(hits_on_text(p, "slicer"), 10u);  // ten writes of 100 bytes
}

// u1's 24 KiB frame goes in one write from a bare socket; the proxy passes it
// on in 15 pieces of 1.6 KB, a tenth of a second apart. u2 sends once ten
// are through: without the rate the last five would follow at once, with it
// u2's frame has half a second to overtake.
TEST(ProxyOrder, BandwidthHoldsABigFrameBehindASmallOne) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  RawClient slow(p.port());
  ASSERT_TRUE(slow.upgrade(handshake_for("u1").bearer_token));
  net::WsClient fast;
  fast.connect(kHost, p.port(), handshake_for("u2"));
  p.add_toxic(toxic("bw", "bandwidth", proxy::Stream::kUpstream, {{"rate", "16"}, {"target", "user:u1"}}));
  const std::string big(24 * 1024, 'y');  // 1.5 s at 16 KB/s
  slow.send_text(big);
  ASSERT_TRUE(wait_until([&] { return hits_on_text(p, "bandwidth") >= 10; }));
  fast.send_text("fast");
  EXPECT_EQ(fast.read_text(milliseconds(5000)), "fast");
  ASSERT_TRUE(wait_until([&] { return upstream.received().size() == 2; }));
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"fast", big}));
  EXPECT_GE(hits_on_text(p, "bandwidth"), 15u);  // 24 KiB in writes of 1.6 KB
}

// Seeds 8 (jitter) and 1 (reorder) draw a longer delay for u1's frame than
// for u2's; the tests assert that from the proxy's trace before relying on it.
TEST(ProxyOrder, JitterReordersAcrossConnectionsAsTheSeedDraws) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port(), .seed = 8});
  Pair c(p.port());
  p.add_toxic(toxic("jit", "latency", proxy::Stream::kUpstream, {{"latency", "1000"}, {"jitter", "1000"}}));
  c.slow.send_text("a");
  ASSERT_TRUE(wait_until([&] { return hits_on_text(p, "latency") == 1; }));
  c.fast.send_text("b");
  ASSERT_TRUE(wait_until([&] { return hits_on_text(p, "latency") == 2; }));
  const auto hits = records_of(p, proxy::proxy_record::kFaultHit, "fault", "latency");
  ASSERT_GT(std::stoi(std::string(hits[0].field("delay_ms"))), std::stoi(std::string(hits[1].field("delay_ms"))) + 300);
  EXPECT_EQ(c.fast.read_text(milliseconds(5000)), "b");
  EXPECT_EQ(c.slow.read_text(milliseconds(5000)), "a");
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"b", "a"}));
}

TEST(ProxyOrder, ReorderGivesEachConnectionItsOwnDelay) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port(), .seed = 1});
  Pair c(p.port());
  p.add_toxic(toxic("reo", "reorder", proxy::Stream::kUpstream, {{"window_ms", "2000"}}));
  c.slow.send_text("a");
  ASSERT_TRUE(wait_until([&] { return hits_on_text(p, "reorder") == 1; }));
  c.fast.send_text("b");
  ASSERT_TRUE(wait_until([&] { return hits_on_text(p, "reorder") == 2; }));
  const auto hits = records_of(p, proxy::proxy_record::kFaultHit, "fault", "reorder");
  ASSERT_NE(hits[0].field("conn"), hits[1].field("conn"));
  ASSERT_GT(std::stoi(std::string(hits[0].field("delay_ms"))), std::stoi(std::string(hits[1].field("delay_ms"))) + 300);
  EXPECT_EQ(c.fast.read_text(milliseconds(5000)), "b");
  EXPECT_EQ(c.slow.read_text(milliseconds(5000)), "a");
  EXPECT_EQ(upstream.received(), (std::vector<std::string>{"b", "a"}));
}

// slow_reader: u1 is handed one frame per 100 ms; u2, asking after u1, gets
// all of its frames while most of u1's are still in the proxy (or behind it,
// in the upstream's buffers: the proxy stopped reading).
TEST(ProxyOrder, SlowReaderDeliversOneFramePerInterval) {
  EchoUpstream upstream;
  proxy::FaultProxy p({.upstream_port = upstream.port()});
  Pair c(p.port());
  p.add_toxic(
      toxic("slow", "slow_reader", proxy::Stream::kDownstream, {{"read_interval_ms", "100"}, {"target", "user:u1"}}));
  c.slow.send_text("burst:20");
  EXPECT_EQ(c.slow.read_text(milliseconds(5000)), "b1");
  c.fast.send_text("burst:20");
  for (int i = 1; i <= 20; ++i) ASSERT_EQ(c.fast.read_text(milliseconds(5000)), "b" + std::to_string(i));
  EXPECT_LT(hits_on_text(p, "slow_reader"), 20u);  // u1's frames written to it so far
  for (int i = 2; i <= 20; ++i) ASSERT_EQ(c.slow.read_text(milliseconds(5000)), "b" + std::to_string(i));
  EXPECT_EQ(hits_on_text(p, "slow_reader"), 20u);
}

// Same seed, same frames: the same draws, in the trace; another seed: others.
TEST(ProxyOrder, TheSeedDecidesTheDraws) {
  const auto delays = [](std::uint64_t seed) {
    EchoUpstream upstream;
    proxy::FaultProxy p({.upstream_port = upstream.port(), .seed = seed});
    p.add_toxic(toxic("jit", "latency", proxy::Stream::kDownstream, {{"latency", "5"}, {"jitter", "5"}}));
    net::WsClient c;
    c.connect(kHost, p.port(), handshake_for("u1"));
    c.send_text("burst:10");
    for (int i = 1; i <= 10; ++i) EXPECT_EQ(c.read_text(milliseconds(5000)), "b" + std::to_string(i));
    std::vector<std::string> out;
    for (const auto& r : records_of(p, proxy::proxy_record::kFaultHit, "op", "text")) {
      out.emplace_back(r.field("delay_ms"));
    }
    return out;
  };
  const auto first = delays(5);
  ASSERT_EQ(first.size(), 10u);
  EXPECT_EQ(delays(5), first);
  EXPECT_NE(delays(6), first);
}

}  // namespace
}  // namespace bridgesim::proxy_test
