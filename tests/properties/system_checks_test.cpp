// The checkers judged at the source (runs, resources, no_crash, health), each
// clause on a passing trace and on its twin that breaks that clause alone.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "protocol/message_types.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;

// One run's publishes as the relay records them: (seq, type) each.
sim::Trace published(const std::vector<std::pair<std::uint64_t, std::string>>& events) {
  sim::Trace trace;
  runtime::Nanos at = 0;
  for (const auto& [seq, type] : events) trace.add(sim::make_publish_record(at += 1000, "u1", "r1", seq, type));
  return trace;
}

const std::vector<std::pair<std::uint64_t, std::string>> kFive{
    {1, "agent_started"}, {2, "agent_thinking"}, {3, "tool_executing"}, {4, "tool_completed"}, {5, "agent_completed"}};

TEST(PropertiesRuns, PassesAFullRun) { EXPECT_TRUE(judge(published(kFive), "runs").empty()); }

TEST(PropertiesRuns, PassesARunEndedByAgentError) {
  EXPECT_TRUE(judge(published({{1, "agent_started"}, {2, "agent_error"}}), "runs").empty());
}

TEST(PropertiesRuns, ARunMustBeginWithAgentStarted) {
  auto events = kFive;
  events[0].second = "agent_thinking";
  expect_violation(published(events), "runs", "run r1 began with agent_thinking", 0);
}

TEST(PropertiesRuns, SeqMustBeGapless) {
  auto events = kFive;
  events[3].first = 5;  // tool_completed skips seq 4
  expect_violation(published(events), "runs", "run r1 emitted seq 5 after 3", 3);
}

TEST(PropertiesRuns, ARunMustHaveATerminalEvent) {
  auto events = kFive;
  events.pop_back();
  expect_violation(published(events), "runs", "run r1 never ended", 0);
}

TEST(PropertiesRuns, ARunHasExactlyOneTerminalEventAndItIsLast) {
  auto events = kFive;
  events.emplace_back(6, "agent_error");
  expect_violation(published(events), "runs", "run r1 emitted agent_error after its terminal event", 5);
}

sim::Trace world_end(const std::string& active_runs) {
  sim::Trace trace;
  namespace rf = sim::record_field;
  trace.add({1000,
             std::string(sim::actor::kWorld),
             std::string(sim::record::kEnd),
             {{std::string(rf::kOpenConnections), "0"},
              {std::string(rf::kManagerConnections), "0"},
              {std::string(rf::kActiveRuns), active_runs},
              {std::string(rf::kRunLogRuns), "0"},
              {std::string(rf::kReceiverRuns), "0"},
              {std::string(rf::kSessions), "0"},
              {std::string(rf::kPendingEvents), "3"}}});
  return trace;
}

TEST(PropertiesResources, PassesWhenNothingIsHeldAndPendingEventsAreNotALeak) {
  EXPECT_TRUE(judge(world_end("0"), "resources").empty());
}

TEST(PropertiesResources, NamesWhatIsStillHeld) {
  expect_violation(world_end("1"), "resources", "after everyone left, still held: active_runs=1", 0);
}

TEST(PropertiesNoCrash, PassesWithoutACrashRecord) { EXPECT_TRUE(judge(world_end("0"), "no_crash").empty()); }

TEST(PropertiesNoCrash, ACrashRecordIsAViolation) {
  auto trace = world_end("0");
  trace.add({2000, std::string(sim::actor::kWorld), std::string(sim::record::kCrash), {{"what", "boom"}}});
  expect_violation(trace, "no_crash", "an exception escaped the system: boom", 1);
}

// A run of the whole system: optionally a planned missing component, then
// /health's answer.
sim::Trace health(const std::string& missing, const std::string& status, const std::string& body) {
  sim::Trace trace;
  if (!missing.empty()) {
    trace.add({0,
               std::string(sim::actor::kFaults),
               std::string(sim::record::kPlanned),
               {{"kind", "component_missing"}, {"target", "system"}, {"params", "component=" + missing}}});
  }
  trace.add({1000,
             std::string(sim::actor::kSystem),
             std::string(sim::record::kHealth),
             {{"status", status}, {"body", body}}});
  return trace;
}

TEST(PropertiesHealth, PassesA200WithEverythingPresent) {
  EXPECT_TRUE(judge(health("", "200", "{}"), "health").empty());
}

TEST(PropertiesHealth, A503WithEverythingPresentIsAViolation) {
  expect_violation(health("", "503", "{}"), "health", "/health says 503 with every critical component present", 0);
}

TEST(PropertiesHealth, PassesA503NamingTheMissingComponent) {
  EXPECT_TRUE(judge(health("llm", "503", R"({"failing":"no LLM client"})"), "health").empty());
}

TEST(PropertiesHealth, A503ThatDoesNotNameTheMissingComponentIsAViolation) {
  expect_violation(health("llm", "503", R"({"failing":"something else"})"), "health",
                   "/health 503 does not name the missing component (no LLM client)", 1);
}

TEST(PropertiesHealth, AMissingComponentWithout503IsAViolation) {
  expect_violation(health("llm", "200", R"({"failing":"no LLM client"})"), "health",
                   "component 'llm' is missing but /health says 200", 1);
}

TEST(PropertiesHealth, NothingIsAdmittedWhenUnhealthy) {
  auto trace = health("llm", "503", R"({"failing":"no LLM client"})");
  trace.add(sim::make_connect_record(2000, "user:u1", 1, "valid"));
  EXPECT_TRUE(judge(trace, "health").empty());
  trace.add(sim::make_open_record(3000, "user:u1", "1"));
  expect_violation(trace, "health", "a connection was accepted although startup validation failed", 3);
}

// The session middleware is optional: without it /health is still 200 but
// lists it degraded (and only then).
sim::Trace session_health(bool planned, const std::string& body) {
  sim::Trace trace;
  if (planned) {
    trace.add({0,
               std::string(sim::actor::kFaults),
               std::string(sim::record::kPlanned),
               {{"kind", "session_missing"}, {"target", "system"}, {"params", ""}}});
  }
  trace.add(
      {1000, std::string(sim::actor::kSystem), std::string(sim::record::kHealth), {{"status", "200"}, {"body", body}}});
  return trace;
}

constexpr std::string_view kSessionDegraded =
    R"j({"status":"ok","degraded":["session: middleware not installed (session features off)"]})j";

TEST(PropertiesHealth, PassesAMissingSessionListedDegraded) {
  EXPECT_TRUE(judge(session_health(true, std::string(kSessionDegraded)), "health").empty());
}

TEST(PropertiesHealth, AMissingSessionNotListedDegradedIsAViolation) {
  expect_violation(session_health(true, R"({"status":"ok"})"), "health",
                   "the session middleware is not installed but /health does not list it degraded", 1);
  expect_violation(session_health(true, R"({"status":"ok","degraded":["something else"]})"), "health",
                   "the session middleware is not installed but /health does not list it degraded", 1);
}

TEST(PropertiesHealth, AnInstalledSessionListedDegradedIsAViolation) {
  expect_violation(session_health(false, std::string(kSessionDegraded)), "health",
                   "/health lists the session middleware degraded, yet it is installed", 0);
}

}  // namespace
}  // namespace bridgesim::properties
