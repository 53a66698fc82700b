// AgentShape: the scripted agent makes the tool calls and thinks between
// them as its shape draws, every run a valid lifecycle; the default shape is
// the classic five-event run and draws nothing.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/lifecycle.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/agents.hpp"
#include "system/run_log.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {
namespace {

using runtime::millis;

struct ShapeWorld {
  // nullopt: the registry is never given a shape (as before shapes existed).
  explicit ShapeWorld(std::uint64_t seed, std::optional<AgentShape> shape)
      : scheduler(sim::Rng(seed).fork("scheduler")), random(sim::Rng(seed).fork("system")) {
    relay.subscribe([this](runtime::RelayMessage m) { published[m.run_id].push_back(m.type); });
    registry.add_tool(std::make_unique<FakeSearchTool>(scheduler, random, LatencyRange{millis(2), millis(15)}));
    if (shape) registry.set_agent_shape(*shape, &random);
    registry.register_agent("assistant",
                            [](AgentDeps deps) { return std::make_shared<ScriptedAgent>(std::move(deps)); });
  }
  void run_many(int runs) {
    for (int i = 0; i < runs; ++i) {
      const std::string id = "r" + std::to_string(i);
      EXPECT_EQ(engine.start(UserExecutionContext{"alice", "t" + std::to_string(i), id, id}, "assistant", "q"), "");
      scheduler.run_until(scheduler.elapsed_ns() + runtime::seconds(10));
    }
  }

  sim::Scheduler scheduler;
  sim::Rng random;
  runtime::DirectRelay relay;
  RunLog log{scheduler, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, scheduler}};
  AgentRegistry registry{
      &bridge, std::make_unique<FakeLlmClient>(scheduler, random, LatencyRange{millis(5), millis(20)}), scheduler};
  ExecutionEngine engine{registry, scheduler};
  std::map<std::string, std::vector<std::string>> published;  // run -> event types
};

int count(const std::vector<std::string>& types, const std::string& type) {
  return static_cast<int>(std::count(types.begin(), types.end(), type));
}

TEST(AgentShape, DrawsOneToThreeToolCallsAndRepeatedThinkingEveryRunValid) {
  ShapeWorld w(7, AgentShape{1, 3, 0, 2});
  w.run_many(60);
  std::set<int> tool_counts;
  int repeated_thinking = 0;
  for (const auto& [run, types] : w.published) {
    protocol::LifecycleOrder order;
    for (const auto& t : types) EXPECT_EQ(order.next(t, t.rfind("tool_", 0) == 0 ? "search" : ""), "") << run;
    EXPECT_TRUE(order.ended()) << run;
    EXPECT_EQ(types.back(), "agent_completed") << run;
    const int tools = count(types, "tool_executing");
    EXPECT_EQ(tools, count(types, "tool_completed")) << run;
    tool_counts.insert(tools);
    repeated_thinking += count(types, "agent_thinking") > 1 ? 1 : 0;
  }
  EXPECT_EQ(w.published.size(), 60u);
  EXPECT_EQ(tool_counts, (std::set<int>{1, 2, 3})) << "every count in the range is drawn";
  EXPECT_GT(repeated_thinking, 0) << "some runs think more than once";
}

TEST(AgentShape, TheDefaultShapeIsTheFiveEventRunAndDrawsNothing) {
  ShapeWorld shaped(3, AgentShape{});
  shaped.run_many(5);
  for (const auto& [run, types] : shaped.published) {
    EXPECT_EQ(types, (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                               "agent_completed"}));
  }
  // The default shape draws nothing: the system stream ends where it ends
  // without any shape (so the shipped scenarios keep their traces).
  ShapeWorld unshaped(3, std::nullopt);
  unshaped.run_many(5);
  EXPECT_EQ(shaped.random.next_u64(), unshaped.random.next_u64());
}

TEST(AgentShape, AFixedCountMakesExactlyThatManyCalls) {
  ShapeWorld w(5, AgentShape{2, 2, 1, 1});
  w.run_many(3);
  for (const auto& [run, types] : w.published) {
    EXPECT_EQ(types,
              (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                        "agent_thinking", "tool_executing", "tool_completed", "agent_completed"}))
        << run;
  }
}

TEST(AgentShape, BadShapesAreRefusedWithAReason) {
  ShapeWorld w(1, AgentShape{});
  EXPECT_THROW(w.registry.set_agent_shape(AgentShape{0, 1, 0, 0}, &w.random), std::invalid_argument);
  EXPECT_THROW(w.registry.set_agent_shape(AgentShape{3, 2, 0, 0}, &w.random), std::invalid_argument);
  EXPECT_THROW(w.registry.set_agent_shape(AgentShape{1, 1, 2, 1}, &w.random), std::invalid_argument);
  EXPECT_THROW(w.registry.set_agent_shape(AgentShape{1, 3, 0, 0}, nullptr), std::invalid_argument);
  EXPECT_EQ(AgentShape{}.error(), "");
}

}  // namespace
}  // namespace bridgesim::system
