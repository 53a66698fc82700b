// The per-connection checkers (streams, cancel), each clause on a passing
// trace and on a twin that breaks that clause alone.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;

const char* const kTypes[] = {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"};

std::string event(std::uint64_t seq, const std::string& type = "", const std::string& reason = "") {
  std::string frame = R"({"type":")" + (type.empty() ? std::string(kTypes[seq - 1]) : type) +
                      R"(","run_id":"r1","thread_id":"u1-t1","user_id":"u1","seq":)" + std::to_string(seq);
  if (!reason.empty()) frame += R"(,"reason":")" + reason + "\"";
  return frame + "}";
}

sim::TraceRecord net(runtime::Nanos at, std::string_view kind, std::vector<sim::Field> fields) {
  return {at, std::string(sim::actor::kNet), std::string(kind), std::move(fields)};
}

// A user's connection: the server admits it at `at`.
void admit(sim::Trace& trace, runtime::Nanos at, const std::string& conn, const std::string& actor) {
  trace.add(net(at, sim::record::kConnect, {{"conn", conn}, {"client", actor}, {"target", "/ws"}}));
  trace.add(net(at, sim::record::kAccept, {{"conn", conn}, {"subprotocol", ""}}));
  trace.add(sim::make_open_record(at + kMs, actor, conn));
}

void publish(sim::Trace& trace, runtime::Nanos at, std::uint64_t seq, const std::string& type = "") {
  trace.add(sim::make_publish_record(at, "u1", "r1", seq, type.empty() ? kTypes[seq - 1] : type));
}

void recv(sim::Trace& trace, runtime::Nanos at, const std::string& conn, const std::string& actor,
          const std::string& frame) {
  trace.add(sim::make_recv_record(at, actor, conn, frame));
}

// A planned fault: a network one by default (the relay's excuse less: see
// TheRelaysFaultsExcuseOnlyWhatTheRunLogCannotRepair).
void fault(sim::Trace& trace, const std::string& target, const std::string& at, const std::string& heal,
           const std::string& kind = "partition") {
  trace.add({0,
             std::string(sim::actor::kFaults),
             std::string(sim::record::kPlanned),
             {{"kind", kind}, {"target", target}, {"at", at}, {"heal", heal}, {"params", ""}}});
}

// Two tabs of u1; r1 publishes its five events 10 ms apart from 100 ms on,
// each reaching tab 1 (conn 1) 2 ms and tab 2 (conn 2) 3 ms later, in
// `order_tab2` (seqs; a repeat is a duplicate).
sim::Trace two_tabs(const std::vector<std::uint64_t>& order_tab2, const std::string& fault_target = "",
                    const std::string& fault_kind = "partition") {
  sim::Trace trace;
  if (!fault_target.empty()) fault(trace, fault_target, "0.050000s", "0.060000s", fault_kind);
  admit(trace, 10 * kMs, "1", "user:u1");
  admit(trace, 20 * kMs, "2", "user:u1/tab2");
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    const runtime::Nanos at = (100 + 10 * static_cast<runtime::Nanos>(seq)) * kMs;
    publish(trace, at, seq);
    recv(trace, at + 2 * kMs, "1", "user:u1", event(seq));
  }
  runtime::Nanos at = 200 * kMs;
  for (const auto seq : order_tab2) recv(trace, at += kMs, "2", "user:u1/tab2", event(seq));
  return trace;
}

TEST(PropertiesStreams, PassesEveryEventOnEveryTabOnceInOrder) {
  EXPECT_TRUE(judge(two_tabs({1, 2, 3, 4, 5}), "streams").empty());
}

TEST(PropertiesStreams, AnEventLostToTheSecondTabIsAViolation) {
  // Record 10 is the publish of seq 3 (after the 6 admission records).
  expect_violation(two_tabs({1, 2, 4, 5}), "streams",
                   "u1/tab2 (connection 2) never received seq 3 (tool_executing) of run r1, published at 0.130000s",
                   10);
}

TEST(PropertiesStreams, TheViolationNamesTheFaultFreeWindowItChecked) {
  const auto v = judge(two_tabs({1, 2, 4, 5}), "streams");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("no fault for u1 or everyone was active in [0.110000s, 0.250000s]"), std::string::npos)
      << v[0].message;
}

TEST(PropertiesStreams, AFaultForTheUserExplainsALoss) {
  // Healed at 60 ms, counted until 5.06 s: the whole run is inside it.
  EXPECT_TRUE(judge(two_tabs({1, 2, 4, 5}, "user:u1"), "streams").empty());
  EXPECT_TRUE(judge(two_tabs({1, 2, 4, 5}, "*"), "streams").empty());
}

TEST(PropertiesStreams, AFaultForAnotherUserExplainsNothing) {
  const auto v = judge(two_tabs({1, 2, 4, 5}, "user:u2"), "streams");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("never received seq 3"), std::string::npos) << v[0].message;
}

TEST(PropertiesStreams, AnEventReceivedTwiceIsAViolation) {
  expect_violation(two_tabs({1, 2, 2, 3, 4, 5}), "streams",
                   "u1/tab2 (connection 2) received seq 2 of run r1 at 0.203000s a second time", 18);
}

TEST(PropertiesStreams, ASkippedSeqIsAGapEvenWhenItArrivesLater) {
  expect_violation(two_tabs({1, 2, 4, 3, 5}), "streams",
                   "u1/tab2 (connection 2) received seq 4 of run r1 at 0.203000s right after seq 2 (a gap)", 18);
}

// A tab admitted after seq 2 was published: it gets the rest, from seq 3.
sim::Trace late_tab(const std::vector<std::uint64_t>& order) {
  sim::Trace trace;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) publish(trace, static_cast<runtime::Nanos>(seq) * 10 * kMs, seq);
  admit(trace, 25 * kMs, "2", "user:u1/tab2");
  runtime::Nanos at = 100 * kMs;
  for (const auto seq : order) recv(trace, at += kMs, "2", "user:u1/tab2", event(seq));
  return trace;
}

TEST(PropertiesStreams, PassesATabAdmittedMidRunFromTheNextEvent) {
  EXPECT_TRUE(judge(late_tab({3, 4, 5}), "streams").empty());
}

TEST(PropertiesStreams, AnEventBelowOneAlreadyReceivedIsOutOfOrder) {
  expect_violation(late_tab({4, 3, 5}), "streams",
                   "u1/tab2 (connection 2) received seq 3 of run r1 at 0.102000s after seq 4 (out of order)", 9);
}

TEST(PropertiesStreams, PassesAConnectionClosedBeforeTheRestWasPublished) {
  sim::Trace trace = two_tabs({1, 2});
  trace.add(net(125 * kMs, sim::record::kClose, {{"conn", "2"}, {"by", "server"}, {"code", "1000"}}));
  EXPECT_TRUE(judge(trace, "streams").empty());
  sim::Trace reset = two_tabs({1, 2});  // a reset fault kills it as a close does
  reset.add(net(125 * kMs, sim::record::kFaultHit, {{"conn", "2"}, {"fault", "reset"}, {"code", "1006"}}));
  EXPECT_TRUE(judge(reset, "streams").empty());
  sim::Trace open_longer = two_tabs({1, 2});
  open_longer.add(net(300 * kMs, sim::record::kClose, {{"conn", "2"}, {"by", "server"}, {"code", "1000"}}));
  expect_violation(open_longer, "streams", "never received seq 3", 10);
}

sim::Trace with_send(const std::string& frame, const std::string& fault_target = "",
                     const std::string& actor = "user:u1", const std::string& fault_kind = "partition") {
  sim::Trace trace = two_tabs({1, 2, 3, 4, 5}, fault_target, fault_kind);
  trace.add(sim::make_send_record(5 * kMs, "user:u1", "1", R"({"type":"user_message","client_msg_id":"m1"})"));
  trace.add(sim::make_send_record(300 * kMs, actor, "1", frame));
  return trace;
}

TEST(PropertiesStreams, AResumeWithoutAFaultIsAViolation) {
  const std::string resume = R"({"type":"resume","run_id":"r1","after_seq":2})";
  expect_violation(with_send(resume), "streams",
                   "u1 resumed run r1 at 0.300000s, a recovery; no fault for u1 or everyone was active in "
                   "[0.300000s, 0.300000s]",
                   22);
  EXPECT_TRUE(judge(with_send(resume, "user:u1"), "streams").empty());
  // Someone else's run, or one never published: isolation's business, not a recovery.
  EXPECT_TRUE(judge(with_send(resume, "", "user:u2"), "streams").empty());
  EXPECT_TRUE(judge(with_send(R"({"type":"resume","run_id":"r9","after_seq":2})"), "streams").empty());
}

TEST(PropertiesStreams, AResentMessageWithoutAFaultIsAViolation) {
  const std::string again = R"({"type":"user_message","client_msg_id":"m1"})";
  expect_violation(with_send(again), "streams", "u1 sent message m1 again at 0.300000s, a recovery", 22);
  EXPECT_TRUE(judge(with_send(again, "*"), "streams").empty());
  EXPECT_TRUE(judge(with_send(R"({"type":"user_message","client_msg_id":"m2"})"), "streams").empty());
}

TEST(PropertiesStreams, AServerSheddingASlowReaderExplainsItsResume) {
  const std::string resume = R"({"type":"resume","run_id":"r1","after_seq":2})";
  auto shed = [&](const std::string& code) {
    sim::Trace trace = with_send(resume);
    trace.add(net(290 * kMs, sim::record::kClose, {{"conn", "1"}, {"by", "server"}, {"code", code}}));
    return trace;
  };
  EXPECT_TRUE(judge(shed("1013"), "streams").empty());
  expect_violation(shed("1000"), "streams", "u1 resumed run r1 at 0.300000s, a recovery", 22);
}

// u1 asks m1 on connection 1, which a planned partition cuts off before any
// of r1's events (published from 110 ms on) arrive; it reconnects on
// connection 3 at 300 ms and retries m1 there: the server replays r1 to it,
// `replayed` in that order (seqs), then a resume of `resume_after` if >= 0.
sim::Trace retried(const std::vector<std::uint64_t>& replayed, int resume_after = -1,
                   const std::string& fault_kind = "partition") {
  sim::Trace trace;
  fault(trace, "user:u1", "0.050000s", "0.290000s", fault_kind);
  admit(trace, 10 * kMs, "1", "user:u1");
  const std::string ask = R"({"type":"user_message","thread_id":"u1-t1","client_msg_id":"m1"})";
  trace.add(sim::make_send_record(12 * kMs, "user:u1", "1", ask));
  for (std::uint64_t seq = 1; seq <= 5; ++seq) publish(trace, (100 + 10 * static_cast<runtime::Nanos>(seq)) * kMs, seq);
  trace.add(net(200 * kMs, sim::record::kAbort, {{"conn", "1"}, {"by", "client"}}));
  admit(trace, 300 * kMs, "3", "user:u1");
  trace.add(sim::make_send_record(302 * kMs, "user:u1", "3", ask));
  runtime::Nanos at = 303 * kMs;
  if (resume_after >= 0) {
    trace.add(
        sim::make_send_record(at += kMs, "user:u1", "3",
                              R"({"type":"resume","run_id":"r1","after_seq":)" + std::to_string(resume_after) + "}"));
  }
  for (const auto seq : replayed) recv(trace, at += kMs, "3", "user:u1", event(seq));
  return trace;
}

TEST(PropertiesStreams, ARetryIsAnsweredWithTheRunFromItsFirstEvent) {
  EXPECT_TRUE(judge(retried({1, 2, 3, 4, 5}), "streams").empty());
  // Records: the planned fault, 3 admission records, the ask, 5 publishes,
  // the abort, 3 admission records, the retry: seq 2 arrives at record 15.
  expect_violation(retried({2, 3, 4, 5}), "streams",
                   "u1 (connection 3) retried message m1 at 0.302000s and got run r1 replayed from seq 2: a retry "
                   "is answered with the run's events from the first",
                   15);
  // A resume of its own sent first asks for what follows after_seq.
  EXPECT_TRUE(judge(retried({2, 3, 4, 5}, 1), "streams").empty());
  // A live event the relay held back past the admission is not the replay.
  expect_violation(retried({2}), "streams", "replayed from seq 2", 15);
  EXPECT_TRUE(judge(retried({2}, -1, "relay_reorder"), "streams").empty());
}

// The relay's faults are the receiver's to repair from the run log: they
// excuse a loss or a resume only for a run the log cannot repair.
sim::TraceRecord relay_dropped(std::uint64_t seq) {
  return sim::fault_hit(
      0, std::string(sim::actor::kRelay), sim::FaultKind::kRelayDrop,
      {sim::make_field(sim::record_field::kRun, "r1"), sim::make_field(sim::record_field::kSeq, std::to_string(seq))});
}

TEST(PropertiesStreams, TheRelaysFaultsExcuseOnlyWhatTheRunLogCannotRepair) {
  // (Record 0 is the planned fault: the publish of seq 3 is record 11.)
  for (const std::string kind : {"relay_drop", "relay_reorder", "relay_duplicate"}) {
    expect_violation(two_tabs({1, 2, 4, 5}, "*", kind), "streams",
                     "u1/tab2 (connection 2) never received seq 3 (tool_executing) of run r1", 11);
    expect_violation(with_send(R"({"type":"resume","run_id":"r1","after_seq":2})", "*", "user:u1", kind), "streams",
                     "u1 resumed run r1 at 0.300000s, a recovery", 23);
    // A message sent again may be for a run the receiver never heard of.
    EXPECT_TRUE(
        judge(with_send(R"({"type":"user_message","client_msg_id":"m1"})", "*", "user:u1", kind), "streams").empty())
        << kind;
  }
  // The relay lost seq 3 and the log did not keep it (past events_per_run_max): nothing can repair it.
  sim::Trace logged = two_tabs({1, 2, 4, 5}, "*", "relay_drop");
  logged.add(relay_dropped(3));
  expect_violation(logged, "streams", "never received seq 3", 11);  // the log has it: the receiver fills the gap
  sim::Trace unlogged = two_tabs({1, 2, 4, 5}, "*", "relay_drop");
  unlogged.add(relay_dropped(3));
  unlogged.add(sim::make_bound_record(
      0, {runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "r1", 3, 2, 2}));
  EXPECT_TRUE(judge(unlogged, "streams").empty());
  sim::Trace only_bound = two_tabs({1, 2, 4, 5}, "*", "relay_drop");
  only_bound.add(sim::make_bound_record(
      0, {runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "r1", 3, 2, 2}));
  expect_violation(only_bound, "streams", "never received seq 3", 11);  // not logged, but not lost either
  // More than pending_per_run_max waited behind the gap of a run the log kept only in part: the receiver
  // filled from the log at once and skipped what it did not hold (it may have been only slow).
  sim::Trace filled = two_tabs({1, 2, 4, 5}, "*", "relay_reorder");
  filled.add(sim::make_bound_record(
      0, {runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "r1", 3, 2, 2}));
  filled.add(
      sim::make_bound_record(0, {runtime::bound::kPendingPerRun, runtime::bound_action::kFilled, "u1", "r1", 0, 3, 2}));
  EXPECT_TRUE(judge(filled, "streams").empty());
  sim::Trace filled_from_full_log = two_tabs({1, 2, 4, 5}, "*", "relay_reorder");
  filled_from_full_log.add(
      sim::make_bound_record(0, {runtime::bound::kPendingPerRun, runtime::bound_action::kFilled, "u1", "r1", 0, 3, 2}));
  expect_violation(filled_from_full_log, "streams", "never received seq 3", 11);  // the log had it to fill with
  // The relay held r1's events back until after the log forgot the finished run (runs_max): dropped as old news.
  const auto held_back = [](runtime::Nanos evicted_ns) {
    sim::Trace trace = two_tabs({1, 2, 4, 5}, "*", "relay_reorder");
    trace.add(sim::fault_hit(0, std::string(sim::actor::kRelay), sim::FaultKind::kRelayReorder,
                             {sim::make_field(sim::record_field::kRun, "r1")}));
    trace.add(sim::make_bound_record(evicted_ns,
                                     {runtime::bound::kRuns, runtime::bound_action::kEvicted, "u1", "r1", 0, 2, 2}));
    return trace;
  };
  EXPECT_TRUE(judge(held_back(100 * kMs), "streams").empty());
  expect_violation(held_back(2000 * kMs), "streams", "never received seq 3", 11);  // forgotten long after: repairable
  // Every event of the run lost: the receiver never heard of it, so the client resumes.
  sim::Trace all_lost = with_send(R"({"type":"resume","run_id":"r1","after_seq":2})", "*", "user:u1", "relay_drop");
  for (std::uint64_t seq = 1; seq <= 5; ++seq) all_lost.add(relay_dropped(seq));
  EXPECT_TRUE(judge(all_lost, "streams").empty());
}

// The receiver fills a lost tail once the run stayed quiet 250 ms: a tab that
// closes before that repair was due missed the event to the relay's fault.
TEST(PropertiesStreams, TheRelaysLossExcusesATabClosedBeforeItsRepairWasDue) {
  auto closed_at = [](runtime::Nanos at, const std::string& kind) {
    // seq 5 published at 150 ms (record 15, 14 without a fault), lost to tab 2
    sim::Trace trace = kind.empty() ? two_tabs({1, 2, 3, 4}) : two_tabs({1, 2, 3, 4}, "*", kind);
    trace.add(net(at, sim::record::kClose, {{"conn", "2"}, {"by", "server"}, {"code", "1000"}}));
    return trace;
  };
  EXPECT_TRUE(judge(closed_at(300 * kMs, "relay_drop"), "streams").empty());
  EXPECT_TRUE(judge(closed_at(499 * kMs, "relay_drop"), "streams").empty());
  // Open past the repair (150 ms + 250 ms + the 100 ms close margin): the receiver had to fill it.
  expect_violation(closed_at(501 * kMs, "relay_drop"), "streams",
                   "u1/tab2 (connection 2) never received seq 5 (agent_completed)", 15);
  // A fault of the network excuses it whenever the tab closes (AFaultForTheUserExplainsALoss); no fault, never.
  expect_violation(closed_at(300 * kMs, ""), "streams", "never received seq 5", 14);
}

TEST(FaultWindows, ReadsVirtualTimes) {
  EXPECT_EQ(parse_virtual_time("1.500000s"), 1500 * kMs);
  EXPECT_EQ(parse_virtual_time("0.000001s"), runtime::kNanosPerMicro);
  EXPECT_EQ(parse_virtual_time("2s"), 2 * runtime::kNanosPerSecond);
  EXPECT_FALSE(parse_virtual_time("1.5"));
  EXPECT_FALSE(parse_virtual_time("x.5s"));
  EXPECT_FALSE(parse_virtual_time("1.5xs"));
}

// u1 cancels r1 at 100 ms; r1 then ends as `terminal` at `end_ms` and the
// tab receives `frames` after seqs 1 and 2.
sim::Trace cancelled(const std::string& canceller, runtime::Nanos end_ms, const std::vector<std::string>& frames,
                     const std::string& terminal = "agent_error") {
  sim::Trace trace;
  admit(trace, 10 * kMs, "1", "user:u1");
  publish(trace, 50 * kMs, 1);
  publish(trace, 60 * kMs, 2);
  trace.add(sim::make_send_record(100 * kMs, canceller, "1", R"({"type":"cancel","run_id":"r1"})"));
  publish(trace, end_ms * kMs, 3, terminal);
  runtime::Nanos at = end_ms * kMs;
  for (const auto& f : frames) recv(trace, at += kMs, "1", "user:u1", f);
  return trace;
}

const std::string kCancelled = "cancelled by the user";

TEST(PropertiesCancel, PassesOneAgentErrorWithTheCancelReason) {
  EXPECT_TRUE(judge(cancelled("user:u1", 400, {event(3, "agent_error", kCancelled)}), "cancel").empty());
}

TEST(PropertiesCancel, ACancelledRunMustEndInAgentError) {
  expect_violation(cancelled("user:u1", 400, {}, "agent_completed"), "cancel",
                   "run r1 was cancelled by u1 at 0.100000s but ended with agent_completed", 6);
}

TEST(PropertiesCancel, ARunThatEndedBeforeTheCancelCouldArriveIsNotJudged) {
  EXPECT_TRUE(judge(cancelled("user:u1", 140, {}, "agent_completed"), "cancel").empty());
}

TEST(PropertiesCancel, AnotherUsersCancelIsNotJudged) {
  EXPECT_TRUE(judge(cancelled("user:h1", 400, {}, "agent_completed"), "cancel").empty());
}

TEST(PropertiesCancel, TheAgentErrorMustCarryTheCancelReason) {
  expect_violation(cancelled("user:u1", 400, {event(3, "agent_error", "tool failed")}), "cancel",
                   "u1 (connection 1) got agent_error of run r1, cancelled by u1 at 0.100000s, with reason "
                   "'tool failed' instead of 'cancelled by the user'",
                   7);
}

TEST(PropertiesCancel, NothingOfTheRunIsPublishedAfterItsAgentError) {
  auto trace = cancelled("user:u1", 400, {event(3, "agent_error", kCancelled)});
  publish(trace, 500 * kMs, 4);
  expect_violation(trace, "cancel", "cancelled run r1 published tool_completed (seq 4) after its agent_error", 8);
}

TEST(PropertiesCancel, NothingOfTheRunReachesAConnectionAfterItsAgentError) {
  expect_violation(
      cancelled("user:u1", 400, {event(3, "agent_error", kCancelled), event(3, "agent_error", kCancelled)}), "cancel",
      "u1 (connection 1) received agent_error of cancelled run r1 after its agent_error at 0.401000s", 8);
}

}  // namespace
}  // namespace bridgesim::properties
