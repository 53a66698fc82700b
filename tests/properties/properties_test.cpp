// Each checker on hand-made traces: passes a good run, and names the first
// violating record of a bad one.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "properties/properties.hpp"
#include "protocol/message_types.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::properties {
namespace {

class TraceBuilder {
 public:
  TraceBuilder& open(const std::string& user, const std::string& conn) { return add(user, "open", {{"conn", conn}}); }
  TraceBuilder& ask(const std::string& user, const std::string& conn, const std::string& thread) {
    const auto frame = boost::json::serialize(boost::json::object{
        {"type", "user_message"}, {"thread_id", thread}, {"text", "hi"}, {"client_msg_id", thread + "-m"}});
    return add(user, "send", {{"conn", conn}, {"frame", frame}});
  }
  TraceBuilder& event(const std::string& to_user, const std::string& conn, const std::string& type, std::uint64_t seq,
                      const std::string& owner, const std::string& thread, const std::string& run = "run-1") {
    boost::json::object frame{{"type", type},      {"run_id", run}, {"thread_id", thread}, {"user_id", owner},
                              {"agent_name", "a"}, {"seq", seq},    {"timestamp", 1}};
    if (type == "agent_thinking") frame["reasoning"] = "r";
    if (type == "tool_executing") {
      frame["tool_name"] = "search";
      frame["parameters"] = boost::json::object{};
    }
    if (type == "tool_completed") {
      frame["tool_name"] = "search";
      frame["results"] = boost::json::array{};
      frame["duration"] = 0.01;
    }
    if (type == "agent_completed") {
      frame["status"] = "success";
      frame["final_response"] = "done";
    }
    if (type == "agent_error") frame["reason"] = "tool failed";
    return raw(to_user, conn, boost::json::serialize(frame));
  }
  TraceBuilder& raw(const std::string& user, const std::string& conn, const std::string& frame) {
    return add(user, "recv", {{"conn", conn}, {"frame", frame}});
  }
  TraceBuilder& five(const std::string& user, const std::string& conn, const std::string& thread,
                     const std::string& run = "run-1") {
    std::uint64_t seq = 1;
    for (const auto type : protocol::event_type::kLifecycle)
      event(user, conn, std::string(type), seq++, user, thread, run);
    return *this;
  }
  TraceBuilder& add(const std::string& user, const std::string& kind, std::vector<sim::Field> fields) {
    trace.add({now_ += 1000, "user:" + user, kind, std::move(fields)});
    return *this;
  }
  sim::Trace trace;

 private:
  runtime::Nanos now_ = 0;
};

TEST(PropertiesDelivery, PassesWhenAllFiveArriveInOrder) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1").five("u1", "1", "t1");
  EXPECT_FALSE(check_delivery(b.trace));
  EXPECT_FALSE(check_isolation(b.trace));
  EXPECT_FALSE(check_protocol(b.trace));
}

// The judge indexes frames per (client, thread): a second message on a thread
// is judged by what arrived after it, never by the first message's run.
TEST(PropertiesDelivery, ASecondMessageOnAThreadIsNotAnsweredByTheFirstsRun) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1").five("u1", "1", "t1");
  const auto second = boost::json::serialize(boost::json::object{
      {"type", "user_message"}, {"thread_id", "t1"}, {"text", "again"}, {"client_msg_id", "t1-m2"}});
  b.add("u1", "send", {{"conn", "1"}, {"frame", second}});
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 7u) << "points at the second user_message";
  EXPECT_NE(v->message.find("t1-m2"), std::string::npos) << v->message;
  b.five("u1", "1", "t1", "run-2");
  EXPECT_FALSE(check_delivery(b.trace));
}

TEST(PropertiesDelivery, NamesTheMissingEventsAtTheRequest) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "agent_thinking", 2, "u1", "t1");
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->property, "delivery");
  EXPECT_EQ(v->record_index, 1u) << "points at the user_message that went unanswered";
  EXPECT_NE(v->message.find("never [tool_executing, tool_completed, agent_completed]"), std::string::npos)
      << v->message;
}

TEST(PropertiesDelivery, CatchesOutOfOrderEvents) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "tool_executing", 2, "u1", "t1");
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 3u);
  EXPECT_NE(v->message.find("expected agent_thinking"), std::string::npos) << v->message;
}

TEST(PropertiesDelivery, EventsBeyondAGapAreNotAcceptedUntilTheGapIsFilled) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "tool_executing", 3, "u1", "t1");
  b.event("u1", "1", "tool_completed", 4, "u1", "t1").event("u1", "1", "agent_completed", 5, "u1", "t1");
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("received [agent_started] and never [agent_thinking"), std::string::npos) << v->message;
}

// The relay lost seq 2; the run log can give it back unless it never kept it
// (past events_per_run_max) or forgot the run before the repair was due.
TEST(PropertiesDelivery, ARelayLossTheRunLogCannotRepairExcusesTheGap) {
  const auto lost = [](std::optional<runtime::BoundHit> bound, runtime::Nanos bound_at) {
    TraceBuilder b;
    b.open("u1", "1").ask("u1", "1", "t1");
    b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "tool_executing", 3, "u1", "t1");
    b.event("u1", "1", "tool_completed", 4, "u1", "t1").event("u1", "1", "agent_completed", 5, "u1", "t1");
    b.trace.add(sim::fault_hit(
        3000, std::string(sim::actor::kRelay), sim::FaultKind::kRelayDrop,
        {sim::make_field(sim::record_field::kRun, "run-1"), sim::make_field(sim::record_field::kSeq, "2")}));
    if (bound) b.trace.add(sim::make_bound_record(bound_at, *bound));
    return b.trace;
  };
  const runtime::BoundHit not_logged{
      runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "run-1", 2, 1, 1};
  const runtime::BoundHit evicted{runtime::bound::kRuns, runtime::bound_action::kEvicted, "u1", "run-1", 0, 2, 2};
  EXPECT_FALSE(check_delivery(lost(not_logged, 3000)));
  EXPECT_FALSE(check_delivery(lost(evicted, 3000 + 200 * runtime::kNanosPerMilli)));
  // The log could still give it back: the loss alone, or an eviction after the repair was due.
  EXPECT_TRUE(check_delivery(lost(std::nullopt, 0)));
  EXPECT_TRUE(check_delivery(lost(evicted, 3000 + 300 * runtime::kNanosPerMilli)));
  EXPECT_TRUE(check_delivery(
      lost(runtime::BoundHit{runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "run-1", 3, 1, 1},
           3000)))
      << "another seq not logged: seq 2 is in the log";
}

// A planned fault of `kind` for u1 over [0 s, 1 s].
sim::TraceRecord planned_for_u1(const std::string& kind) {
  return {0,
          std::string(sim::actor::kFaults),
          std::string(sim::record::kPlanned),
          {{"kind", kind}, {"target", "user:u1"}, {"at", "0.000000s"}, {"heal", "1.000000s"}, {"params", ""}}};
}

// The log kept only the first events_per_run_max events and the terminal
// one: what a client lost of the others to a fault no resume gives back
// (swarm seed 2 of bounds_run_log: a client abort after tool_executing).
TEST(PropertiesDelivery, EventsTheRunLogNeverKeptAndAFaultLostAreExcused) {
  const auto unlogged = [](const std::string& fault) {
    TraceBuilder b;
    if (!fault.empty()) b.trace.add(planned_for_u1(fault));
    b.open("u1", "1").ask("u1", "1", "t1");
    b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "agent_thinking", 2, "u1", "t1");
    b.event("u1", "1", "agent_completed", 5, "u1", "t1");  // replayed by a resume: 3 and 4 are not in the log
    for (std::uint64_t seq : {3, 4}) {
      b.trace.add(sim::make_bound_record(
          5000, {runtime::bound::kEventsPerRun, runtime::bound_action::kNotLogged, "u1", "run-1", seq, 2, 2}));
    }
    return b.trace;
  };
  EXPECT_FALSE(check_delivery(unlogged("client_close")));
  // Or the log forgot the finished run for room (runs_max) before the client came back to resume it.
  const auto forgotten = [](const std::string& fault) {
    TraceBuilder b;
    if (!fault.empty()) b.trace.add(planned_for_u1(fault));
    b.open("u1", "1").ask("u1", "1", "t1").event("u1", "1", "agent_started", 1, "u1", "t1");
    b.trace.add(
        sim::make_bound_record(5000, {runtime::bound::kRuns, runtime::bound_action::kEvicted, "u1", "run-1", 0, 2, 2}));
    return b.trace;
  };
  EXPECT_FALSE(check_delivery(forgotten("client_close")));
  EXPECT_TRUE(check_delivery(forgotten("")));
  const auto v = check_delivery(unlogged(""));
  ASSERT_TRUE(v) << "no fault: nothing lost them but the system";
  EXPECT_NE(v->message.find("never [tool_executing, tool_completed, agent_completed]"), std::string::npos)
      << v->message;
}

TEST(PropertiesDelivery, AGapFilledByResumeCompletesTheRun) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "tool_executing", 3, "u1", "t1");
  // The client asked to resume after seq 1: the replay fills the gap.
  for (std::uint64_t seq = 2; seq <= 5; ++seq)
    b.event("u1", "1", std::string(protocol::event_type::kLifecycle[seq - 1]), seq, "u1", "t1");
  EXPECT_FALSE(check_delivery(b.trace));
}

TEST(PropertiesDelivery, DuplicatesAreDroppedByTheClientBeforeJudging) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "agent_started", 1, "u1", "t1");
  b.event("u1", "1", "agent_thinking", 2, "u1", "t1").event("u1", "1", "tool_executing", 3, "u1", "t1");
  b.event("u1", "1", "tool_completed", 4, "u1", "t1").event("u1", "1", "agent_completed", 5, "u1", "t1");
  EXPECT_FALSE(check_delivery(b.trace));
}

TEST(PropertiesDelivery, AgentErrorWithReasonIsATerminalOutcome) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.event("u1", "1", "agent_started", 1, "u1", "t1").event("u1", "1", "agent_error", 2, "u1", "t1");
  EXPECT_FALSE(check_delivery(b.trace));
  EXPECT_FALSE(check_protocol(b.trace));
}

TEST(PropertiesDelivery, AValidClientThatNeverGotInIsNamedWithItsTab) {
  TraceBuilder b;
  b.trace.add({1, "user:u1/tab2", "connect", {{"attempt", "16"}, {"token", "valid"}}});
  b.trace.add({2, "user:u1/tab2", "gave_up", {{"why", "refused with 503 after 16 attempts"}}});
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 1u);
  EXPECT_EQ(v->message, "u1/tab2 holds a valid token and was never admitted: refused with 503 after 16 attempts");
}

TEST(PropertiesDelivery, ASystemThatIsDownExcusesAClientThatNeverGotIn) {
  TraceBuilder b;
  b.trace.add({0, "system", "health", {{"status", "503"}, {"body", "{}"}}});
  b.trace.add({1, "user:u1", "connect", {{"attempt", "1"}, {"token", "valid"}}});
  b.trace.add({2, "user:u1", "gave_up", {{"why", "refused with 503"}}});
  EXPECT_FALSE(check_delivery(b.trace));
}

TEST(PropertiesAuth, AnAcceptedForgedTokenIsNamedWithItsTab) {
  TraceBuilder b;
  b.trace.add({1, "user:u3/tab2", "connect", {{"attempt", "1"}, {"token", "forged"}}});
  b.trace.add({2, "user:u3/tab2", "open", {{"conn", "4"}}});
  const auto v = check_auth(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 1u);
  EXPECT_EQ(v->message, "u3/tab2 connected with a forged token and was accepted");
}

TEST(PropertiesAuth, AValidTokenThatWasAcceptedPasses) {
  TraceBuilder b;
  b.trace.add({1, "user:u3/tab2", "connect", {{"attempt", "1"}, {"token", "valid"}}});
  b.trace.add({2, "user:u3/tab2", "open", {{"conn", "4"}}});
  EXPECT_TRUE(check_properties(b.trace, {"auth"}).empty());
}

TEST(PropertiesAuth, AnAcceptedMissingTokenIsAViolation) {
  TraceBuilder b;
  b.trace.add({1, "user:u3/tab2", "connect", {{"attempt", "1"}, {"token", "missing"}}});
  b.trace.add({2, "user:u3/tab2", "open", {{"conn", "4"}}});
  const auto v = check_properties(b.trace, {"auth"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "auth");
  EXPECT_EQ(v[0].message, "u3/tab2 connected with a missing token and was accepted");
}

// A client that presented `token` (and was not let in), then a run the relay
// published for that user.
sim::Trace run_for_client_with(const std::string& token) {
  sim::Trace trace;
  trace.add({1, "user:u3", "connect", {{"attempt", "1"}, {"token", token}}});
  trace.add(sim::make_publish_record(2, "u3", "run-7", 1, "agent_started"));
  return trace;
}

TEST(PropertiesAuth, ARunForAnIdentityWithAValidTokenPasses) {
  EXPECT_TRUE(check_properties(run_for_client_with("valid"), {"auth"}).empty());
}

TEST(PropertiesAuth, ARunForAnIdentityWithoutAValidTokenIsAViolation) {
  const auto v = check_properties(run_for_client_with("expired"), {"auth"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "auth");
  EXPECT_EQ(v[0].record_index, 1u);
  EXPECT_EQ(v[0].message, "a run (run-7) ran for u3, an identity that never presented a valid token");
}

// Faults heal at 3000 ns; the request is at 2000 and its terminal event at 7000.
sim::Trace healed_then_answered(const std::string& liveness_bound_ns) {
  TraceBuilder b;
  b.trace.add({0, "faults", "heal_by", {{"at_ns", "3000"}, {"liveness_bound_ns", liveness_bound_ns}}});
  b.open("u1", "1").ask("u1", "1", "t1").five("u1", "1", "t1");
  return b.trace;
}

TEST(PropertiesDelivery, ATerminalEventAtTheLivenessBoundPasses) {
  EXPECT_TRUE(check_properties(healed_then_answered("4000"), {"delivery"}).empty());
}

TEST(PropertiesDelivery, ATerminalEventPastTheLivenessBoundAfterHealIsAViolation) {
  const auto v = check_properties(healed_then_answered("3999"), {"delivery"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "delivery");
  EXPECT_EQ(v[0].record_index, 7u) << "points at the terminal event";
  EXPECT_NE(v[0].message.find("u1's message t1-m ended at"), std::string::npos) << v[0].message;
  EXPECT_NE(v[0].message.find("later than its liveness bound"), std::string::npos) << v[0].message;
}

// One request answered by the five events, the last of them in run `last_run`.
sim::Trace answered_ending_in(const std::string& last_run) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    b.event("u1", "1", std::string(protocol::event_type::kLifecycle[seq - 1]), seq, "u1", "t1",
            seq == 5 ? last_run : "run-1");
  }
  return b.trace;
}

TEST(PropertiesDelivery, OneRunPerMessagePasses) {
  EXPECT_TRUE(check_properties(answered_ending_in("run-1"), {"delivery"}).empty());
}

TEST(PropertiesDelivery, AMessageThatStartedMoreThanOneRunIsAViolation) {
  const auto v = check_properties(answered_ending_in("run-2"), {"delivery"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "delivery");
  EXPECT_EQ(v[0].record_index, 6u);
  EXPECT_EQ(v[0].message, "u1's message t1-m started more than one run (run-1, run-2)");
}

// u1's run ends "cancelled by the user" after `canceller` sent a cancel for it.
sim::Trace cancelled_after_cancel_by(const std::string& canceller, const std::string& conn) {
  TraceBuilder b;
  b.open("u1", "1").open("u2", "2").ask("u1", "1", "t1");
  b.add(canceller, "send",
        {{"conn", conn},
         {"frame", boost::json::serialize(boost::json::object{{"type", "cancel"}, {"run_id", "run-1"}})}});
  b.event("u1", "1", "agent_started", 1, "u1", "t1");
  b.raw("u1", "1",
        boost::json::serialize(boost::json::object{{"type", "agent_error"},
                                                   {"run_id", "run-1"},
                                                   {"thread_id", "t1"},
                                                   {"user_id", "u1"},
                                                   {"agent_name", "a"},
                                                   {"seq", 2},
                                                   {"timestamp", 1},
                                                   {"reason", "cancelled by the user"}}));
  return b.trace;
}

TEST(PropertiesDelivery, ARunCancelledByItsOwnUserPasses) {
  EXPECT_TRUE(check_properties(cancelled_after_cancel_by("u1", "1"), {"delivery"}).empty());
}

TEST(PropertiesDelivery, ARunCancelledBySomeoneElseIsAViolation) {
  const auto v = check_properties(cancelled_after_cancel_by("u2", "2"), {"delivery"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "delivery");
  EXPECT_EQ(v[0].record_index, 5u);
  EXPECT_EQ(v[0].message, "run run-1 of u1 was cancelled, but u1 never asked to cancel it");
}

TEST(PropertiesIsolation, CatchesAnEventOfAnotherUser) {
  TraceBuilder b;
  b.open("u1", "1").open("u2", "2").ask("u1", "1", "t1").ask("u2", "2", "t2");
  b.event("u2", "2", "agent_started", 1, "u1", "t1");
  const auto v = check_isolation(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 4u);
  EXPECT_EQ(v->message, "user u2 received agent_started of user u1 (run run-1, thread t1) on connection 2");
}

TEST(PropertiesIsolation, CatchesAForeignThreadEvenWithTheRightUserId) {
  TraceBuilder b;
  b.open("u2", "2").ask("u2", "2", "t2");
  b.event("u2", "2", "agent_started", 1, "u2", "t1");
  const auto v = check_isolation(b.trace);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("thread 't1', which is not one of theirs"), std::string::npos) << v->message;
}

TEST(PropertiesIsolation, CatchesOneRunReachingTwoUsers) {
  TraceBuilder b;
  b.open("u1", "1").open("u2", "2").ask("u1", "1", "t").ask("u2", "2", "t");
  b.event("u1", "1", "agent_started", 1, "u1", "t", "run-9").event("u2", "2", "agent_thinking", 2, "u2", "t", "run-9");
  const auto v = check_isolation(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->message, "run run-9 reached both user u1 and user u2");
}

TEST(PropertiesProtocol, CatchesATransportViolationRecord) {
  TraceBuilder b;
  b.trace.add({5,
               "net",
               "violation",
               {{"conn", "3"}, {"what", "send after close: Cannot call send once a close message has been sent"}}});
  const auto v = check_protocol(b.trace);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record_index, 0u);
  EXPECT_NE(v->message.find("connection 3"), std::string::npos);
}

TEST(PropertiesProtocol, CatchesAnEventWithoutItsPayload) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  b.raw(
      "u1", "1",
      R"({"type":"agent_thinking","run_id":"r","thread_id":"t1","user_id":"u1","agent_name":"a","seq":2,"timestamp":1})");
  const auto v = check_protocol(b.trace);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("payload field 'reasoning'"), std::string::npos) << v->message;
}

TEST(PropertiesProtocol, CatchesANonJsonFrame) {
  TraceBuilder b;
  b.open("u1", "1").raw("u1", "1", "oops");
  ASSERT_TRUE(check_protocol(b.trace));
}

TEST(PropertiesCatalog, UnknownNameIsAnError) {
  sim::Trace empty;
  EXPECT_THROW(check_properties(empty, {"no_such_property"}), std::invalid_argument);
  EXPECT_TRUE(check_properties(empty, {}).empty());
  EXPECT_NE(find_property("isolation"), nullptr);
}

// --- several tool calls and repeated thinking (docs/protocol.md "Lifecycle") ---

TEST(PropertiesDelivery, PassesARunOfThreeToolCallsWithThinkingBetweenThem) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  std::uint64_t seq = 1;
  for (const char* type :
       {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_thinking", "agent_thinking",
        "tool_executing", "tool_completed", "tool_executing", "tool_completed", "agent_completed"}) {
    b.event("u1", "1", type, seq++, "u1", "t1");
  }
  EXPECT_FALSE(check_delivery(b.trace));
}

TEST(PropertiesDelivery, RejectsThinkingInsideAToolCall) {
  TraceBuilder b;
  b.open("u1", "1").ask("u1", "1", "t1");
  std::uint64_t seq = 1;
  for (const char* type :
       {"agent_started", "agent_thinking", "tool_executing", "agent_thinking", "tool_completed", "agent_completed"}) {
    b.event("u1", "1", type, seq++, "u1", "t1");
  }
  const auto v = check_delivery(b.trace);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("got agent_thinking as seq 4; expected tool_completed of search or agent_error"),
            std::string::npos)
      << v->message;
}

}  // namespace
}  // namespace bridgesim::properties
