// AgentWebSocketBridge and UserEmitter: every event is stamped with the
// emitter's own context, seq is gapless from 1, agent_started comes first,
// nothing follows a terminal event, and each type carries its payload.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/bridge.hpp"
#include "system/run_log.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {
namespace {

struct BridgeWorld {
  BridgeWorld() {
    relay.subscribe([this](runtime::RelayMessage m) { published.push_back(std::move(m)); });
  }
  std::unique_ptr<UserEmitter> emitter(const std::string& user, const std::string& thread, const std::string& run) {
    return bridge.create_user_emitter(UserExecutionContext{user, thread, run, "req-" + run}, "assistant");
  }
  boost::json::object frame(std::size_t i) const { return boost::json::parse(published.at(i).frame).as_object(); }

  sim::Scheduler scheduler{sim::Rng(1)};
  runtime::DirectRelay relay;
  RunLog log{scheduler, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, scheduler}};
  std::vector<runtime::RelayMessage> published;
};

void run_golden_path(UserEmitter& e) {
  e.notify_agent_started();
  e.notify_agent_thinking("let me look");
  e.notify_tool_executing("search", {{"query", "weather"}});
  e.notify_tool_completed("search", boost::json::object{{"hits", 3}}, runtime::millis(1500));
  e.notify_agent_completed("sunny");
}

TEST(SystemBridge, EventsCarryTheEmittersUserThreadAndRun) {
  BridgeWorld w;
  auto e = w.emitter("alice", "thread-1", "run-1");
  run_golden_path(*e);
  ASSERT_EQ(w.published.size(), 5u);
  const char* types[] = {"agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"};
  for (std::size_t i = 0; i < w.published.size(); ++i) {
    const auto& m = w.published[i];
    EXPECT_EQ(m.user_id, "alice");
    EXPECT_EQ(m.run_id, "run-1");
    EXPECT_EQ(m.type, types[i]);
    EXPECT_EQ(m.seq, i + 1);
    const auto f = w.frame(i);
    EXPECT_EQ(f.at("type").as_string(), types[i]);
    EXPECT_EQ(f.at("user_id").as_string(), "alice");
    EXPECT_EQ(f.at("thread_id").as_string(), "thread-1");
    EXPECT_EQ(f.at("run_id").as_string(), "run-1");
    EXPECT_EQ(f.at("agent_name").as_string(), "assistant");
    EXPECT_EQ(f.at("seq").to_number<std::uint64_t>(), i + 1);
    EXPECT_TRUE(f.contains("timestamp"));
  }
  EXPECT_EQ(e->events_emitted(), 5u);
  EXPECT_TRUE(e->finished());
  EXPECT_EQ(w.bridge.frames_delivered(), 5u);
}

TEST(SystemBridge, EachEventCarriesItsPayloadFields) {
  BridgeWorld w;
  auto e = w.emitter("alice", "t", "r");
  run_golden_path(*e);
  ASSERT_EQ(w.published.size(), 5u);
  EXPECT_EQ(w.frame(1).at("reasoning").as_string(), "let me look");
  const auto executing = w.frame(2);
  EXPECT_EQ(executing.at("tool_name").as_string(), "search");
  EXPECT_EQ(executing.at("parameters"), (boost::json::object{{"query", "weather"}}));
  const auto completed_tool = w.frame(3);
  EXPECT_EQ(completed_tool.at("tool_name").as_string(), "search");
  EXPECT_EQ(completed_tool.at("results"), (boost::json::object{{"hits", 3}}));
  EXPECT_DOUBLE_EQ(completed_tool.at("duration").to_number<double>(), 1.5);  // seconds
  const auto done = w.frame(4);
  EXPECT_EQ(done.at("status").as_string(), "success");
  EXPECT_EQ(done.at("final_response").as_string(), "sunny");

  auto failing = w.emitter("bob", "t", "r2");
  failing->notify_agent_started();
  failing->notify_agent_error("tool exploded");
  ASSERT_EQ(w.published.size(), 7u);
  EXPECT_EQ(w.frame(6).at("type").as_string(), "agent_error");
  EXPECT_EQ(w.frame(6).at("reason").as_string(), "tool exploded");
}

TEST(SystemBridge, TimestampIsTheBridgeClockInMilliseconds) {
  BridgeWorld w;
  w.scheduler.post_after(runtime::millis(250), [] {});
  w.scheduler.run_until(runtime::millis(250));
  auto e = w.emitter("alice", "t", "r");
  e->notify_agent_started();
  EXPECT_EQ(w.frame(0).at("timestamp").to_number<std::int64_t>(),
            (sim::kSimEpochNs + runtime::millis(250)) / runtime::kNanosPerMilli);
}

TEST(SystemBridge, AgentStartedMustComeFirst) {
  BridgeWorld w;
  auto e = w.emitter("alice", "t", "r");
  EXPECT_THROW(e->notify_agent_thinking("too early"), std::logic_error);
  EXPECT_THROW(e->notify_tool_executing("search", {}), std::logic_error);
  EXPECT_THROW(e->notify_agent_completed("too early"), std::logic_error);
  EXPECT_THROW(e->notify_agent_error("too early"), std::logic_error);
  EXPECT_TRUE(w.published.empty());
  EXPECT_EQ(e->events_emitted(), 0u);
  EXPECT_FALSE(e->finished());
  // A refused event leaves the emitter as it was.
  e->notify_agent_started();
  ASSERT_EQ(w.published.size(), 1u);
  EXPECT_EQ(w.published[0].seq, 1u);
  EXPECT_THROW(e->notify_agent_started(), std::logic_error) << "only once";
  EXPECT_EQ(w.published.size(), 1u);
}

TEST(SystemBridge, NothingAfterAgentCompleted) {
  BridgeWorld w;
  auto e = w.emitter("alice", "t", "r");
  run_golden_path(*e);
  EXPECT_THROW(e->notify_agent_thinking("more"), std::logic_error);
  EXPECT_THROW(e->notify_agent_completed("again"), std::logic_error);
  EXPECT_THROW(e->notify_agent_error("late"), std::logic_error);
  EXPECT_EQ(w.published.size(), 5u);
  EXPECT_EQ(e->events_emitted(), 5u);
}

TEST(SystemBridge, NothingAfterAgentError) {
  BridgeWorld w;
  auto e = w.emitter("alice", "t", "r");
  e->notify_agent_started();
  e->notify_agent_thinking("hmm");
  e->notify_agent_error("cancelled");
  EXPECT_TRUE(e->finished());
  EXPECT_THROW(e->notify_tool_completed("search", nullptr, 0), std::logic_error);
  EXPECT_THROW(e->notify_agent_completed("late"), std::logic_error);
  EXPECT_THROW(e->notify_agent_error("twice"), std::logic_error);
  EXPECT_EQ(w.published.size(), 3u);
}

TEST(SystemBridge, EmittersOfDifferentUsersNeverAddressEachOther) {
  BridgeWorld w;
  auto alice = w.emitter("alice", "ta", "ra");
  auto bob = w.emitter("bob", "tb", "rb");
  alice->notify_agent_started();
  bob->notify_agent_started();
  alice->notify_agent_thinking("a");
  bob->notify_agent_thinking("b");
  bob->notify_agent_completed("b done");
  alice->notify_agent_completed("a done");
  ASSERT_EQ(w.published.size(), 6u);
  std::uint64_t alice_seq = 0, bob_seq = 0;
  for (std::size_t i = 0; i < w.published.size(); ++i) {
    const auto& m = w.published[i];
    const auto f = w.frame(i);
    const bool is_alice = m.run_id == "ra";
    EXPECT_EQ(m.user_id, is_alice ? "alice" : "bob");
    EXPECT_EQ(f.at("user_id").as_string(), m.user_id);
    EXPECT_EQ(f.at("thread_id").as_string(), is_alice ? "ta" : "tb");
    EXPECT_EQ(m.seq, is_alice ? ++alice_seq : ++bob_seq) << "each run has its own gapless seq";
  }
  EXPECT_EQ(alice_seq, 3u);
  EXPECT_EQ(bob_seq, 3u);
}

TEST(SystemBridge, DeliveredEventsAreLoggedForResume) {
  BridgeWorld w;
  auto e = w.emitter("alice", "t", "run-7");
  run_golden_path(*e);
  EXPECT_EQ(w.log.owner("run-7"), "alice");
  const auto missed = w.log.after("run-7", 2);
  ASSERT_EQ(missed.size(), 3u);
  EXPECT_EQ(missed[0].seq, 3u);
  EXPECT_EQ(missed[0].frame, w.published[2].frame);
  EXPECT_EQ(missed[2].type, "agent_completed");
}

TEST(SystemBridge, EmitterRefusesAContextWithoutUserOrRun) {
  BridgeWorld w;
  EXPECT_THROW(w.emitter("", "t", "r"), std::invalid_argument);
  EXPECT_THROW(w.emitter("alice", "t", ""), std::invalid_argument);
}

// Any number of think/tool rounds: seq stays gapless from 1 and the run
// ends with exactly one terminal event.
RC_GTEST_PROP(SystemBridge, SeqIsGaplessForAnyNumberOfSteps, (std::uint8_t rounds_raw, bool fail)) {
  const int rounds = rounds_raw % 20;
  BridgeWorld w;
  auto e = w.emitter("u", "t", "r");
  e->notify_agent_started();
  for (int i = 0; i < rounds; ++i) {
    e->notify_agent_thinking("step " + std::to_string(i));
    e->notify_tool_executing("search", {{"i", i}});
    e->notify_tool_completed("search", boost::json::array{i}, i);
  }
  if (fail) {
    e->notify_agent_error("failed");
  } else {
    e->notify_agent_completed("ok");
  }
  RC_ASSERT(w.published.size() == static_cast<std::size_t>(2 + 3 * rounds));
  int terminals = 0;
  for (std::size_t i = 0; i < w.published.size(); ++i) {
    RC_ASSERT(w.published[i].seq == i + 1);
    RC_ASSERT(w.frame(i).at("seq").to_number<std::uint64_t>() == i + 1);
    const std::string& type = w.published[i].type;
    if (type == "agent_completed" || type == "agent_error") ++terminals;
  }
  RC_ASSERT(terminals == 1);
  RC_ASSERT(w.published.back().type == (fail ? "agent_error" : "agent_completed"));
}

}  // namespace
}  // namespace bridgesim::system
