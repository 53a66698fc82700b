// The timeliness checker: each clause on a passing trace and on a twin that
// breaks that clause alone, and the faults that excuse a delay.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "properties/timeliness.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;

const char* const kTypes[] = {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"};

std::string event(std::uint64_t seq) {
  return R"({"type":")" + std::string(kTypes[seq - 1]) +
         R"(","run_id":"r1","thread_id":"u1-t1","user_id":"u1","seq":)" + std::to_string(seq) + "}";
}

void fault(sim::Trace& trace, const std::string& target, const std::string& at, const std::string& heal) {
  trace.add({0,
             std::string(sim::actor::kFaults),
             std::string(sim::record::kPlanned),
             {{"kind", "latency"}, {"target", target}, {"at", at}, {"heal", heal}, {"params", ""}}});
}

struct Timing {
  runtime::Nanos first_publish_ms = 20;  // agent_started
  runtime::Nanos publish_every_ms = 10;  // between the run's publishes
  runtime::Nanos deliver_after_ms = 2;   // publish to receipt
  runtime::Nanos late_seq = 0;           // this seq arrives `late_by_ms` later than the others
  runtime::Nanos late_by_ms = 0;
  std::string fault_target;                   // a fault over the whole run
  runtime::Nanos liveness_bound_ms = 30'000;  // the heal_by record's
};

// u1 opens connection 1 at 5 ms, asks m1 at 10 ms; r1 publishes its five
// events from `first_publish_ms` on; each reaches the client as `timing` says.
sim::Trace run(const Timing& timing) {
  sim::Trace trace;
  if (!timing.fault_target.empty()) fault(trace, timing.fault_target, "0.000000s", "0.001000s");
  trace.add({0,
             std::string(sim::actor::kFaults),
             std::string(sim::record::kHealBy),
             {{"at_ns", "1000000"}, {"liveness_bound_ns", std::to_string(timing.liveness_bound_ms * kMs)}}});
  trace.add(sim::make_open_record(5 * kMs, "user:u1", "1"));
  trace.add(sim::make_send_record(10 * kMs, "user:u1", "1",
                                  R"({"type":"user_message","thread_id":"u1-t1","text":"q","client_msg_id":"m1"})"));
  runtime::Nanos delay = 0;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    const runtime::Nanos at =
        (timing.first_publish_ms + timing.publish_every_ms * static_cast<runtime::Nanos>(seq - 1)) * kMs;
    trace.add(sim::make_publish_record(at, "u1", "r1", seq, kTypes[seq - 1]));
    if (static_cast<runtime::Nanos>(seq) == timing.late_seq) delay = timing.late_by_ms * kMs;
    trace.add(sim::make_recv_record(at + timing.deliver_after_ms * kMs + delay, "user:u1", "1", event(seq)));
  }
  return trace;
}

TEST(PropertiesTimeliness, PassesARunThatStreamsInTime) { EXPECT_TRUE(judge(run({}), "timeliness").empty()); }

TEST(PropertiesTimeliness, EventsTooFarApartAreAViolation) {
  // 150 ms between publishes, each delivered at once: only the gap clause.
  Timing t;
  t.publish_every_ms = 150;
  // Records: heal_by, open, send, then (publish, recv) per seq; seq 2's recv is 6.
  expect_violation(run(t), "timeliness",
                   "u1 (connection 1) received agent_thinking (seq 2) of run r1 150 ms after agent_started (seq 1), "
                   "over the 100 ms bound between consecutive events; no fault for u1 or everyone was active in "
                   "[0.022000s, 0.172000s]",
                   6);
}

TEST(PropertiesTimeliness, AnEventLongAfterItsPublishIsAViolation) {
  // Every event 150 ms after its publish, 10 ms apart: only the latency clause.
  Timing t;
  t.deliver_after_ms = 150;
  expect_violation(run(t), "timeliness",
                   "u1 received seq 1 of run r1 150 ms after it was published at 0.020000s, over the 100 ms "
                   "emit-to-receive bound",
                   4);
}

TEST(PropertiesTimeliness, ARequestThatEndsLateIsAViolation) {
  // The run starts late and then streams in time: only the request clause.
  Timing t;
  t.first_publish_ms = 900;
  EXPECT_TRUE(judge(run(t), "timeliness").empty());  // ends at 0.942 s, 932 ms after the send
  t.first_publish_ms = 1'000;
  expect_violation(run(t), "timeliness",
                   "u1's message m1 sent at 0.010000s ended at 1.042000s (1032 ms), over the 1000 ms bound of a "
                   "fault-free request; no fault for u1 or everyone was active in [0.010000s, 1.042000s]",
                   12);
}

TEST(PropertiesTimeliness, AFaultForTheUserOrEveryoneExcusesADelay) {
  Timing t;
  t.publish_every_ms = 150;
  t.fault_target = "user:u1";
  EXPECT_TRUE(judge(run(t), "timeliness").empty());
  t.fault_target = "*";
  EXPECT_TRUE(judge(run(t), "timeliness").empty());
  t.fault_target = "user:u2";
  EXPECT_FALSE(judge(run(t), "timeliness").empty());
}

TEST(PropertiesTimeliness, UnderFaultsARequestEndsWithinTheLivenessBoundAfterTheySettle) {
  Timing t;
  t.fault_target = "*";  // healed at 1 ms, settled at 5.001 s
  t.late_seq = 1;
  t.late_by_ms = 4'000;
  t.liveness_bound_ms = 1'000;
  EXPECT_TRUE(judge(run(t), "timeliness").empty());  // ends at 4.062 s, bound 6.001 s
  t.late_by_ms = 7'000;
  expect_violation(run(t), "timeliness",
                   "later than 6.001000s: the liveness bound 1000 ms after the faults for u1 or everyone settled at "
                   "5.001000s",
                   13);
}

TEST(PropertiesTimeliness, TheLatenciesItJudgesAreTheFirstReceiptsOfEachEvent) {
  Timing t;
  t.deliver_after_ms = 7;
  sim::Trace trace = run(t);
  trace.add(sim::make_recv_record(500 * kMs, "user:u1", "1", event(3)));  // a duplicate: not a first receipt
  const auto latencies = event_latencies(trace, build_client_view(trace));
  ASSERT_EQ(latencies.size(), 5u);
  for (const auto& l : latencies) EXPECT_EQ(l.received_ns - l.published_ns, 7 * kMs);
}

}  // namespace
}  // namespace bridgesim::properties
