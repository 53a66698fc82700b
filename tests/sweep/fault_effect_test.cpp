// Each fault kind does what its catalog row says (sim/fault_catalog.cpp),
// shown by what the clients, the network and the system record, never by
// the fault's own fault_hit record: a small run with the fault and the same
// seed without it, and the difference the kind promises. An injector that
// records fault_hit and does nothing fails its kind's test here. The relay
// kinds, jitter and reorder are shown on the components themselves
// (fault_effect_parts_test.cpp).
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "protocol/message_types.hpp"
#include "sim/trace_schema.hpp"
#include "tests/sweep/fault_effect_support.hpp"

namespace bridgesim::fault_effect {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;
namespace event_type = protocol::event_type;

std::string fault(std::string_view kind, std::string_view body) {
  return "[[fault]]\nkind = \"" + std::string(kind) + "\"\n" + std::string(body) + "\n";
}

std::vector<runtime::Nanos> recv_gaps(const sim::Trace& trace, std::string_view client) {
  const auto got = records(trace, client, rec::kRecv);
  std::vector<runtime::Nanos> gaps;
  for (std::size_t i = 1; i < got.size(); ++i) gaps.push_back(got[i]->at_ns - got[i - 1]->at_ns);
  return gaps;
}

TEST(FaultEffect, Latency) {
  // Every frame takes exactly 300 ms: no event reaches the client sooner.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("latency", "at_ms = 0\nheal_ms = 10000\nmin_ms = 300\nmax_ms = 300"), seed);
    const auto with = deliveries(runs.with, kClient);
    ASSERT_EQ(with.size(), 5u) << "seed " << seed;
    EXPECT_GE(min_delay(with), 300 * kMs) << "seed " << seed << ": an event arrived faster than the latency allows";
    EXPECT_LT(max_delay(deliveries(runs.without, kClient)), 300 * kMs) << "seed " << seed;
  }
}

TEST(FaultEffect, LatencySpike) {
  // Every frame spikes (per_million = 1e6): each event is at least 500 ms late.
  for (const auto seed : kSeeds) {
    const auto runs =
        run_both(fault("latency_spike", "at_ms = 0\nheal_ms = 10000\nper_million = 1000000\nspike_ms = 500"), seed);
    const auto with = deliveries(runs.with, kClient);
    ASSERT_EQ(with.size(), 5u) << "seed " << seed;
    EXPECT_GE(min_delay(with), 500 * kMs) << "seed " << seed << ": an event arrived without its spike";
    EXPECT_LT(max_delay(deliveries(runs.without, kClient)), 500 * kMs) << "seed " << seed;
  }
}

TEST(FaultEffect, Partition) {
  // u1 is cut off in [12 ms, 1012 ms): what the relay publishes for it then
  // reaches it only at or after the heal, and nothing is lost.
  constexpr runtime::Nanos at = 12 * kMs, heal = 1012 * kMs;
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("partition", "target = \"user:u1\"\nat_ms = 12\nheal_ms = 1012"), seed);
    int held = 0;
    for (const auto& d : deliveries(runs.with, kClient)) {
      ASSERT_TRUE(d.received_ns) << "seed " << seed << ": an event was lost, not held";
      if (d.published_ns < at || d.published_ns >= heal) continue;
      ++held;
      EXPECT_GE(*d.received_ns, heal) << "seed " << seed << ": an event crossed the partition before the heal";
    }
    EXPECT_GT(held, 0) << "seed " << seed << ": nothing was published during the partition; the test proves nothing";
    for (const auto& d : deliveries(runs.without, kClient)) {
      if (d.published_ns >= at && d.published_ns < heal) {
        EXPECT_LT(d.received_ns.value_or(heal), heal) << "seed " << seed;
      }
    }
  }
}

TEST(FaultEffect, SlowConsumer) {
  // u1 reads one frame per 200 ms: consecutive frames reach it at least that
  // far apart; without the fault, a burst arrives within a millisecond.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(
        fault("slow_consumer", "target = \"user:u1\"\nat_ms = 0\nheal_ms = 10000\nread_interval_ms = 200"), seed);
    const auto with = recv_gaps(runs.with, kClient), without = recv_gaps(runs.without, kClient);
    ASSERT_GE(with.size(), 5u) << "seed " << seed;
    EXPECT_GE(*std::min_element(with.begin(), with.end()), 200 * kMs) << "seed " << seed << ": read faster";
    ASSERT_FALSE(without.empty());
    EXPECT_LT(*std::min_element(without.begin(), without.end()), 200 * kMs) << "seed " << seed;
  }
}

// Each of u1's `closed` records comes with the code the client saw.
void expect_dropped_with(std::string_view kind, std::string_view body, const std::string& code) {
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault(kind, body), seed);
    const auto codes = closed_codes(runs.with, kClient);
    EXPECT_TRUE(std::count(codes.begin(), codes.end(), code)) << kind << " seed " << seed << ": no close with " << code;
    EXPECT_GE(records(runs.with, kClient, rec::kOpen).size(), 2u) << kind << " seed " << seed << ": no reconnect";
    EXPECT_EQ(closed_codes(runs.without, kClient), std::vector<std::string>{"1000"}) << "seed " << seed;
    const auto closed = records(runs.with, kClient, rec::kClosed);
    EXPECT_GE(closed.front()->at_ns, 15 * kMs) << kind << " seed " << seed << ": closed before the fault's `at`";
  }
}

TEST(FaultEffect, ServerClose) {
  // The server side drops u1 at 15 ms: going away (1001) with a close frame,
  // 1006 without one; the client reconnects.
  expect_dropped_with("server_close", "target = \"user:u1\"\nat_ms = 15\nheal_ms = 16\nframe = \"true\"", "1001");
  expect_dropped_with("server_close", "target = \"user:u1\"\nat_ms = 15\nheal_ms = 16\nframe = \"false\"", "1006");
}

TEST(FaultEffect, Reset) {
  // An abrupt reset of u1's connection at 15 ms: the client sees 1006.
  expect_dropped_with("reset", "target = \"user:u1\"\nat_ms = 15\nheal_ms = 16", "1006");
}

std::optional<runtime::Nanos> first_recv_of(const sim::Trace& trace, std::string_view type) {
  for (const auto& r : received(trace, kClient)) {
    if (r.type == type) return r.at_ns;
  }
  return std::nullopt;
}

TEST(FaultEffect, ClientClose) {
  // u1 leaves the moment it sees `after`: an abort (no close frame), a close
  // frame (1000) or a `disconnect` message; without the fault it leaves only
  // by `disconnect` once its question is answered.
  const std::string disconnect = R"({"type":"disconnect"})";
  for (const auto seed : kSeeds) {
    const std::string common = "target = \"user:u1\"\nat_ms = 0\nheal_ms = 3000\n";
    const auto abort = run_both(fault("client_close", common + "after = \"tool_executing\"\nhow = \"abort\""), seed);
    const auto aborts = net_records(abort.with, kClient, rec::kAbort);
    ASSERT_FALSE(aborts.empty()) << "seed " << seed << ": how = abort, but the client never aborted";
    EXPECT_EQ(aborts.front()->at_ns, first_recv_of(abort.with, event_type::kToolExecuting));
    EXPECT_TRUE(net_records(abort.without, kClient, rec::kAbort).empty());

    const auto frame =
        run_both(fault("client_close", common + "after = \"agent_started\"\nhow = \"close_frame\""), seed);
    std::vector<const sim::TraceRecord*> by_client;
    for (const auto* r : net_records(frame.with, kClient, rec::kClose)) {
      if (r->field(rf::kBy) == "client") by_client.push_back(r);
    }
    ASSERT_FALSE(by_client.empty()) << "seed " << seed << ": how = close_frame, but no close frame from the client";
    EXPECT_EQ(by_client.front()->at_ns, first_recv_of(frame.with, event_type::kAgentStarted));
    EXPECT_EQ(by_client.front()->field(rf::kCode), "1000");

    const auto message =
        run_both(fault("client_close", common + "after = \"agent_thinking\"\nhow = \"disconnect_message\""), seed);
    const auto thinking = first_recv_of(message.with, event_type::kAgentThinking);
    ASSERT_TRUE(thinking);
    bool left_early = false;
    for (const auto* r : records(message.with, kClient, rec::kSend)) {
      left_early |= r->field(rf::kFrame) == disconnect && r->at_ns == *thinking;
    }
    EXPECT_TRUE(left_early) << "seed " << seed << ": how = disconnect_message, but no disconnect after agent_thinking";
    for (const auto* r : records(message.without, kClient, rec::kSend)) {
      if (r->field(rf::kFrame) == disconnect) {
        EXPECT_GT(r->at_ns, first_recv_of(message.without, event_type::kAgentCompleted));
      }
    }
  }
}

}  // namespace
}  // namespace bridgesim::fault_effect
