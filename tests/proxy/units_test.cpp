// The proxy's pure parts: the frame codec, toxic validation and JSON, and the
// FaultPlan mapping (which network fault becomes which toxic, which cannot apply).
#include <gtest/gtest.h>

#include "proxy/fault_mapping.hpp"
#include "proxy/toxic.hpp"
#include "proxy/ws_frame.hpp"

namespace bridgesim::proxy_test {
namespace {

using proxy::encode_frame;
using proxy::parse_frame;

TEST(ProxyFrameCodec, RoundTripsMaskedAndUnmaskedAtEveryLengthForm) {
  for (const std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
    const std::string payload(n, 'p');
    const auto plain = parse_frame(encode_frame(true, 0, proxy::opcode::kText, payload, std::nullopt));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->masked);
    EXPECT_EQ(plain->payload, payload);
    const std::array<std::uint8_t, 4> key{9, 8, 7, 6};
    const std::string wire = encode_frame(true, 0, proxy::opcode::kBinary, payload, key);
    const auto masked = parse_frame(wire);
    ASSERT_TRUE(masked);
    EXPECT_TRUE(masked->masked);
    EXPECT_EQ(masked->mask, key);
    EXPECT_EQ(masked->payload, payload);
    EXPECT_EQ(masked->wire, wire);
    if (n > 0) {
      EXPECT_EQ(wire.find(payload), std::string::npos);  // the payload is not on the wire in clear
    }
  }
}

TEST(ProxyFrameCodec, IncompleteIsNotYetAFrame) {
  const std::string wire =
      encode_frame(true, 0, proxy::opcode::kText, "hello", std::array<std::uint8_t, 4>{1, 2, 3, 4});
  for (std::size_t cut = 0; cut < wire.size(); ++cut) EXPECT_FALSE(parse_frame(wire.substr(0, cut))) << cut;
  const auto two = parse_frame(wire + wire);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->wire.size(), wire.size());  // the first of two
}

TEST(ProxyFrameCodec, BadFramesAreErrors) {
  EXPECT_THROW(parse_frame(std::string("\x83\x00", 2)), proxy::FrameError);  // reserved opcode 3
  EXPECT_THROW(parse_frame(encode_frame(true, 0, proxy::opcode::kPing, std::string(126, 'x'), std::nullopt)),
               proxy::FrameError);
  EXPECT_THROW(parse_frame(encode_frame(false, 0, proxy::opcode::kClose, "", std::nullopt)), proxy::FrameError);
  EXPECT_THROW(parse_frame(std::string("\x81\x7f\x7f\xff\xff\xff\xff\xff\xff\xff", 10)), proxy::FrameError);
  EXPECT_EQ(proxy::close_code_of(proxy::close_payload(4001, "bye")), 4001);
  EXPECT_EQ(proxy::close_code_of(""), 1005);
}

TEST(ProxyToxicSpec, JsonInToxiproxysShape) {
  const auto t = proxy::toxic_from_json(R"({"type":"latency","attributes":{"latency":300,"jitter":20}})");
  EXPECT_EQ(t.name, "latency_downstream");  // Toxiproxy's default name
  EXPECT_EQ(t.stream, proxy::Stream::kDownstream);
  EXPECT_EQ(t.int_attr("latency"), 300);
  EXPECT_EQ(t.int_attr("jitter"), 20);
  const auto again = proxy::toxic_from_json(proxy::toxic_to_json(t));
  EXPECT_EQ(again.name, t.name);
  EXPECT_EQ(again.int_attr("latency"), 300);
  EXPECT_EQ(proxy::toxic_from_json(R"({"type":"server_close","attributes":{"frame":false}})").string_attr("frame"),
            "false");
}

TEST(ProxyToxicSpec, BadToxicsSayWhatIsWrong) {
  const auto message = [](const char* json) {
    try {
      proxy::toxic_from_json(json);
    } catch (const proxy::ToxicError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("{nope").find("not JSON"), std::string::npos);
  EXPECT_NE(message(R"({"type":"latncy"})").find("unknown toxic type 'latncy'"), std::string::npos);
  EXPECT_NE(message(R"({"type":"latency","stream":"sideways"})").find("'stream'"), std::string::npos);
  EXPECT_NE(message(R"({"type":"latency","toxicity":1.5})").find("toxicity"), std::string::npos);
  EXPECT_NE(message(R"({"type":"latency","attributes":{"latency":-1}})").find("'latency' must be an integer"),
            std::string::npos);
  EXPECT_NE(message(R"({"type":"latency","attributes":{"speed":1}})").find("'speed' is unknown"), std::string::npos);
  EXPECT_NE(message(R"({"type":"partition","attributes":{"target":"u1"}})").find("user:<id>"), std::string::npos);
}

TEST(ProxyFaultMapping, NetworkFaultsBecomeToxicsTheOthersAreListed) {
  sim::FaultPlan plan;
  const auto fault = [](sim::FaultKind kind, std::string target, std::map<std::string, std::string> params) {
    sim::Fault f;
    f.kind = kind;
    f.at_ns = runtime::millis(100);
    f.heal_ns = runtime::millis(900);
    f.target = std::move(target);
    f.params = std::move(params);
    return f;
  };
  plan.faults = {fault(sim::FaultKind::kLatency, "*", {{"min_ms", "20"}, {"max_ms", "60"}}),
                 fault(sim::FaultKind::kPartition, "user:u2", {}),
                 fault(sim::FaultKind::kServerClose, "user:u1", {{"frame", "false"}}),
                 fault(sim::FaultKind::kClientClose, "user:u1", {}), fault(sim::FaultKind::kRelayDrop, "*", {})};
  const auto m = proxy::map_fault_plan(plan);
  ASSERT_EQ(m.toxics.size(), 5u);  // latency and partition both ways, server_close downstream
  EXPECT_EQ(m.toxics[0].toxic.type, "latency");
  EXPECT_EQ(m.toxics[0].toxic.int_attr("latency"), 40);
  EXPECT_EQ(m.toxics[0].toxic.int_attr("jitter"), 20);
  EXPECT_EQ(m.toxics[0].at_ns, runtime::millis(100));
  EXPECT_EQ(m.toxics[0].heal_ns, runtime::millis(900));
  EXPECT_EQ(m.toxics[2].toxic.type, "partition");
  EXPECT_EQ(m.toxics[2].toxic.target(), "user:u2");
  EXPECT_EQ(m.toxics[4].toxic.type, "server_close");
  EXPECT_EQ(m.toxics[4].toxic.string_attr("frame"), "false");
  ASSERT_EQ(m.not_applied.size(), 2u);
  EXPECT_EQ(m.not_applied[0].kind, "client_close");
  EXPECT_EQ(m.not_applied[1].kind, "relay_drop");
}

// Every network kind of sim's catalog maps to a toxic, except client_close.
TEST(ProxyFaultMapping, EveryNetworkKindIsMappedOrExplained) {
  for (const auto& k : sim::fault_kinds()) {
    if (k.group != "network") continue;
    sim::FaultPlan plan;
    sim::Fault f;
    f.kind = k.kind;
    f.target = k.targeted ? "user:u1" : "*";
    plan.faults = {f};
    const auto m = proxy::map_fault_plan(plan);
    EXPECT_EQ(m.toxics.empty(), k.kind == sim::FaultKind::kClientClose) << k.name;
  }
}

}  // namespace
}  // namespace bridgesim::proxy_test
