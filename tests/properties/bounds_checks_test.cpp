// The bounds checker, clause by clause: a trace where each bound is reached
// and behaves as documented passes; its twin that breaks exactly one clause
// (closed one frame early, never closed, a per-user cap off by one, a full
// run log that does not make room, a capped run whose log never lets it go,
// the wrong request id or identity forgotten) fails at the breaking record.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;
namespace bound = runtime::bound;
namespace action = runtime::bound_action;

using Limits = std::vector<std::pair<std::string, std::string>>;

// A trace built record by record, 1 ms apart; limits as the world writes them.
class Builder {
 public:
  explicit Builder(Limits limits) {
    std::vector<sim::Field> fields;
    for (auto& [k, v] : limits) fields.emplace_back(k, v);
    add({0, std::string(sim::actor::kSystem), std::string(sim::record::kLimits), std::move(fields)});
  }
  Builder& publish(const std::string& user, const std::string& run, std::uint64_t seq, const std::string& type) {
    return add(sim::make_publish_record(next(), user, run, seq, type));
  }
  // A run's five events, with `before(seq)` records written ahead of each.
  Builder& run(const std::string& user, const std::string& run) {
    const char* types[] = {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"};
    for (std::uint64_t seq = 1; seq <= 5; ++seq) publish(user, run, seq, types[seq - 1]);
    return *this;
  }
  Builder& hit(std::string_view which, std::string_view what, const std::string& user, const std::string& subject,
               std::size_t held, std::size_t max, std::uint64_t seq = 0) {
    return add(sim::make_bound_record(next(), {which, what, user, subject, seq, held, max}));
  }
  Builder& outbound(std::string_view what, std::uint64_t frames, std::uint64_t max) {
    return add(sim::make_outbound_record(next(), "7", what, frames, max));
  }
  Builder& admit(const std::string& conn, const std::string& user) {
    add({next(),
         std::string(sim::actor::kNet),
         std::string(sim::record::kConnect),
         {{"conn", conn}, {"client", "user:" + user}, {"target", "/ws"}}});
    return add({next(),
                std::string(sim::actor::kNet),
                std::string(sim::record::kAccept),
                {{"conn", conn}, {"subprotocol", ""}}});
  }
  Builder& at(runtime::Nanos ns) {
    now_ = ns;
    return *this;
  }
  std::size_t size() const { return trace_.size(); }
  const sim::Trace& trace() const { return trace_; }

 private:
  runtime::Nanos next() { return now_ += runtime::kNanosPerMilli; }
  Builder& add(sim::TraceRecord r) {
    trace_.add(std::move(r));
    return *this;
  }
  sim::Trace trace_;
  runtime::Nanos now_ = 0;
};

// --- outbound_frames_max ----------------------------------------------------

TEST(PropertiesBounds, ASlowConsumerClosedAtItsBoundPasses) {
  Builder b(Limits{{"outbound_frames_max", "3"}});
  b.outbound("close", 3, 3);
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ASlowConsumerClosedOneFrameEarlyFails) {
  Builder b(Limits{{"outbound_frames_max", "3"}});
  b.outbound("close", 2, 3);
  expect_violation(b.trace(), "bounds", "with 2 frames in flight; its outbound_frames_max is 3 (too early)", 1);
}

TEST(PropertiesBounds, ASlowConsumerNeverClosedFails) {
  Builder b(Limits{{"outbound_frames_max", "3"}});
  b.outbound("send", 3, 3);
  expect_violation(b.trace(), "bounds", "instead of closing it 1013", 1);
}

// --- active_runs_per_user_max -----------------------------------------------

Builder two_active_runs() {
  Builder b(Limits{{"active_runs_per_user_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r2", 1, "agent_started");
  return b;
}

TEST(PropertiesBounds, ARefusalThatNamesAnEventFails) {
  auto b = two_active_runs();
  b.hit(bound::kActiveRunsPerUser, action::kRefused, "u1", "r3", 2, 2, /*seq=*/1);
  expect_violation(b.trace(), "bounds", "names event seq 1: only events_per_run_max concerns an event", 3);
}

// --- pending_per_run_max (the receiver) ---------------------------------------

TEST(PropertiesBounds, AGapFilledOnceMoreThanTheBoundWaitPasses) {
  Builder b(Limits{{"pending_per_run_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").hit(bound::kPendingPerRun, action::kFilled, "u1", "r1", 3, 2);
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, AGapFilledAtTheBoundNotBeyondItFails) {
  Builder b(Limits{{"pending_per_run_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").hit(bound::kPendingPerRun, action::kFilled, "u1", "r1", 2, 2);
  expect_violation(b.trace(), "bounds", "the receiver filled the gap of run r1 holding 2 events behind it", 2);
}

TEST(PropertiesBounds, ARunRefusedAtThePerUserCapPasses) {
  auto b = two_active_runs();
  b.hit(bound::kActiveRunsPerUser, action::kRefused, "u1", "r3", 2, 2);
  b.publish("u1", "r1", 2, "agent_completed").publish("u1", "r4", 1, "agent_started");
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ARunRefusedBelowThePerUserCapFails) {
  Builder b(Limits{{"active_runs_per_user_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").hit(bound::kActiveRunsPerUser, action::kRefused, "u1", "r2", 1, 2);
  expect_violation(b.trace(), "bounds", "refused a run of u1 holding 1, not at its bound of 2", 2);
}

TEST(PropertiesBounds, ARunBeyondThePerUserCapFails) {
  auto b = two_active_runs();
  b.publish("u1", "r3", 1, "agent_started");
  expect_violation(b.trace(), "bounds", "user u1 has 3 runs active", 3);
}

TEST(PropertiesBounds, ACapOtherThanTheScenariosFails) {
  Builder b(Limits{{"active_runs_per_user_max", "2"}});
  b.hit(bound::kActiveRunsPerUser, action::kRefused, "u1", "r2", 1, 1);  // the system runs with 1
  expect_violation(b.trace(), "bounds", "active_runs_per_user_max is 2 in the scenario, but the system decided at 1",
                   1);
}

// --- runs_max and events_per_run_max ------------------------------------------

// Two finished runs fill a log of 2: r1 (the oldest), then r2.
Builder full_log() {
  Builder b(Limits{{"runs_max", "2"}, {"retention_ms", "10000"}});
  b.run("u1", "r1").run("u2", "r2");
  return b;
}

TEST(PropertiesBounds, TheOldestFinishedRunMakesRoomPasses) {
  auto b = full_log();
  b.hit(bound::kRuns, action::kEvicted, "u1", "r1", 2, 2).run("u3", "r3");
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ANewerFinishedRunForgottenFirstFails) {
  auto b = full_log();
  b.hit(bound::kRuns, action::kEvicted, "u2", "r2", 2, 2);
  expect_violation(b.trace(), "bounds", "forgot run r2 to make room, but finished run r1 is older", b.size() - 1);
}

TEST(PropertiesBounds, AFullLogThatTakesANewRunFails) {
  auto b = full_log();
  b.publish("u3", "r3", 1, "agent_started");
  expect_violation(b.trace(), "bounds", "took run r3 of u3 while it held 2 runs; runs_max is 2", b.size() - 1);
}

TEST(PropertiesBounds, RunsForgottenAfterRetentionMakeRoomToo) {
  auto b = full_log();
  b.at(20 * runtime::kNanosPerSecond).run("u3", "r3");
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ARefusalWithTheLogFullOfRunsInFlightPasses) {
  Builder b(Limits{{"runs_max", "2"}, {"retention_ms", "10000"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u2", "r2", 1, "agent_started");
  b.hit(bound::kRuns, action::kRefused, "u3", "", 2, 2);
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ARefusalBelowRunsMaxFails) {
  Builder b(Limits{{"runs_max", "2"}, {"retention_ms", "10000"}});
  b.publish("u1", "r1", 1, "agent_started").hit(bound::kRuns, action::kRefused, "u3", "", 2, 2);
  expect_violation(b.trace(), "bounds", "refused a run of u3 (run_not_started) with only 1 runs in the run log", 2);
}

// A run log that never lets a capped run go: the run ended (its terminal
// event is logged), yet the log counts it as in flight and refuses.
TEST(PropertiesBounds, ACappedRunThatNeverFreesItsSlotFails) {
  Builder b(Limits{{"runs_max", "1"}, {"events_per_run_max", "2"}, {"retention_ms", "10000"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r1", 2, "agent_thinking");
  b.hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 2, 2, 3).publish("u1", "r1", 3, "tool_executing");
  b.hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 2, 2, 4).publish("u1", "r1", 4, "tool_completed");
  b.publish("u1", "r1", 5, "agent_completed");
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
  b.hit(bound::kRuns, action::kRefused, "u1", "", 1, 1);
  expect_violation(b.trace(), "bounds", "for a full run log, but finished run r1 could have been forgotten",
                   b.size() - 1);
}

Builder capped_run(bool drop_fourth, bool drop_terminal) {
  Builder b(Limits{{"events_per_run_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r1", 2, "agent_thinking");
  b.hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 2, 2, 3).publish("u1", "r1", 3, "tool_executing");
  if (drop_fourth) b.hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 2, 2, 4);
  b.publish("u1", "r1", 4, "tool_completed");
  if (drop_terminal) b.hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 2, 2, 5);
  return b.publish("u1", "r1", 5, "agent_completed");
}

TEST(PropertiesBounds, ACappedRunKeepsItsFirstEventsAndItsTerminalOnePasses) {
  EXPECT_TRUE(judge(capped_run(true, false).trace(), "bounds").empty());
}

TEST(PropertiesBounds, AnEventLoggedPastTheCapFails) {
  const auto b = capped_run(false, false);
  expect_violation(b.trace(), "bounds", "kept event 4 (tool_completed) of run r1 beyond events_per_run_max = 2", 5);
}

TEST(PropertiesBounds, ATerminalEventKeptOutOfTheLogFails) {
  const auto b = capped_run(true, true);
  expect_violation(b.trace(), "bounds", "kept the terminal event agent_completed (seq 5) of run r1 out", 8);
}

TEST(PropertiesBounds, AnEventWithinTheCapKeptOutFails) {
  Builder b(Limits{{"events_per_run_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").hit(bound::kEventsPerRun, action::kNotLogged, "u1", "r1", 1, 2, 2);
  expect_violation(b.trace(), "bounds", "kept event 2 of run r1 out holding 1", 2);
}

// --- idempotency_keys_max ---------------------------------------------------

TEST(PropertiesBounds, TheOldestRequestIdForgottenPasses) {
  Builder b(Limits{{"idempotency_keys_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r2", 1, "agent_started");
  b.publish("u2", "r3", 1, "agent_started").hit(bound::kIdempotencyKeys, action::kEvicted, "u1", "r1", 2, 2);
  b.publish("u2", "r4", 1, "agent_started").hit(bound::kIdempotencyKeys, action::kEvicted, "u1", "r2", 2, 2);
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, ANewerRequestIdForgottenFirstFails) {
  Builder b(Limits{{"idempotency_keys_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r2", 1, "agent_started");
  b.publish("u2", "r3", 1, "agent_started").hit(bound::kIdempotencyKeys, action::kEvicted, "u1", "r2", 2, 2);
  expect_violation(b.trace(), "bounds", "forgot the request id of run r2, but the one of run r1 is older", 4);
}

TEST(PropertiesBounds, RequestIdsPastTheBoundFail) {
  Builder b(Limits{{"idempotency_keys_max", "2"}});
  b.publish("u1", "r1", 1, "agent_started").publish("u1", "r2", 1, "agent_started");
  b.publish("u2", "r3", 1, "agent_started").publish("u2", "r4", 1, "agent_started");
  expect_violation(b.trace(), "bounds", "remembered 3 request ids, beyond idempotency_keys_max = 2, when run r4", 4);
}

// A retried request id whose run the log forgot names the new run: then the
// count stays within the bound. While the log still holds the run, the retry
// must have replayed it.
Builder retried_after(bool forgotten) {
  Builder b(Limits{{"idempotency_keys_max", "2"}, {"runs_max", "1"}, {"retention_ms", "10000"}});
  b.run("u1", "r1");
  if (forgotten) {
    b.hit(bound::kRuns, action::kEvicted, "u1", "r1", 1, 1).publish("u2", "r2", 1, "agent_started");
    b.publish("u2", "r2", 2, "agent_completed");
  }
  b.hit(bound::kIdempotencyKeys, action::kReplaced, "u1", "r1", forgotten ? 2 : 1, 2);
  if (forgotten) b.hit(bound::kRuns, action::kEvicted, "u2", "r2", 1, 1).publish("u1", "r3", 1, "agent_started");
  return b;
}

TEST(PropertiesBounds, ARetriedRequestIdOfAForgottenRunNamesTheNewRunPasses) {
  EXPECT_TRUE(judge(retried_after(true).trace(), "bounds").empty());
}

TEST(PropertiesBounds, ARetriedRequestIdForgottenWhileTheLogHoldsItsRunFails) {
  const Builder b = retried_after(false);
  expect_violation(b.trace(), "bounds", "while the run log still holds its run r1 (the retry must replay it)",
                   b.size() - 1);
}

TEST(PropertiesBounds, ARetriedRequestIdNeverRememberedFails) {
  Builder b(Limits{{"idempotency_keys_max", "2"}});
  b.hit(bound::kIdempotencyKeys, action::kReplaced, "u1", "r9", 0, 2);
  expect_violation(b.trace(), "bounds", "in place of run r9, whose request id it never remembered", 1);
}

// --- known_identities_max -----------------------------------------------------

// u1 and u2 confirmed, then u1 admitted again from the cache: u2 is now the
// least recently used.
Builder warm_cache() {
  Builder b(Limits{{"known_identities_max", "2"}});
  b.admit("1", "u1").admit("2", "u2").admit("3", "u1");
  return b;
}

TEST(PropertiesBounds, TheLeastRecentlyUsedIdentityForgottenPasses) {
  auto b = warm_cache();
  b.hit(bound::kKnownIdentities, action::kEvicted, "u2", "u2", 2, 2).admit("4", "u3");
  EXPECT_TRUE(judge(b.trace(), "bounds").empty());
}

TEST(PropertiesBounds, TheWrongIdentityForgottenFails) {
  auto b = warm_cache();
  b.hit(bound::kKnownIdentities, action::kEvicted, "u1", "u1", 2, 2);
  expect_violation(b.trace(), "bounds", "forgot identity u1, but u2 was used longer ago", b.size() - 1);
}

TEST(PropertiesBounds, ACacheThatGrowsPastItsBoundFails) {
  auto b = warm_cache();
  b.admit("4", "u3");
  expect_violation(b.trace(), "bounds", "took identity u3 while holding 2 identities", b.size() - 1);
}

}  // namespace
}  // namespace bridgesim::properties
