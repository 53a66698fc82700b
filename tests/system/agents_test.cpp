// ScriptedAgent and ExecutionEngine: think -> tool -> answer; every started
// run ends in exactly one terminal event, whatever the tool or agent does.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/agents.hpp"
#include "system/run_log.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::system {
namespace {

using runtime::millis;

class ThrowingTool final : public Tool {
 public:
  std::string_view name() const override { return "search"; }
  void run(boost::json::object, std::function<void(boost::json::value)>) override {
    throw std::runtime_error("index offline");
  }
};

// An agent whose run throws after agent_started.
class CrashingAgent final : public Agent {
 public:
  explicit CrashingAgent(AgentDeps deps) : deps_(std::move(deps)) {}
  void run(std::string, std::function<void()>) override {
    deps_.emitter->notify_agent_started();
    throw std::runtime_error("segfault averted");
  }
  void cancel(std::string_view) override {}
  UserEmitter& emitter() override { return *deps_.emitter; }

 private:
  AgentDeps deps_;
};

// The whole agent side, wired as startup wires it, on a simulated clock.
struct AgentWorld {
  enum class ToolKind { kFake, kThrowing, kNone };

  explicit AgentWorld(std::uint64_t seed = 1, ToolKind tool = ToolKind::kFake)
      : scheduler(sim::Rng(seed).fork("scheduler")), random(sim::Rng(seed).fork("system")) {
    relay.subscribe([this](runtime::RelayMessage m) { published.push_back(std::move(m)); });
    if (tool == ToolKind::kFake)
      registry.add_tool(std::make_unique<FakeSearchTool>(scheduler, random, LatencyRange{millis(2), millis(15)}));
    if (tool == ToolKind::kThrowing) registry.add_tool(std::make_unique<ThrowingTool>());
    registry.register_agent("assistant",
                            [](AgentDeps deps) { return std::make_shared<ScriptedAgent>(std::move(deps)); });
    registry.register_agent("crasher", [](AgentDeps deps) { return std::make_shared<CrashingAgent>(std::move(deps)); });
  }

  std::string start(const std::string& run_id, const std::string& agent = "assistant",
                    const std::string& user = "alice") {
    return engine.start(UserExecutionContext{user, "thread-1", run_id, "req-" + run_id}, agent, "weather in Oslo");
  }
  void run() { scheduler.run_until(scheduler.elapsed_ns() + runtime::seconds(10)); }

  std::vector<std::string> types(const std::string& run_id) const {
    std::vector<std::string> out;
    for (const auto& m : published) {
      if (m.run_id == run_id) out.push_back(m.type);
    }
    return out;
  }
  int terminals(const std::string& run_id) const {
    int n = 0;
    for (const auto& t : types(run_id)) n += (t == "agent_completed" || t == "agent_error") ? 1 : 0;
    return n;
  }
  boost::json::object last_frame(const std::string& run_id) const {
    for (auto it = published.rbegin(); it != published.rend(); ++it) {
      if (it->run_id == run_id) return boost::json::parse(it->frame).as_object();
    }
    return {};
  }

  sim::Scheduler scheduler;
  sim::Rng random;
  runtime::DirectRelay relay;
  RunLog log{scheduler, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, scheduler}};
  AgentRegistry registry{
      &bridge, std::make_unique<FakeLlmClient>(scheduler, random, LatencyRange{millis(5), millis(20)}), scheduler};
  ExecutionEngine engine{registry, scheduler};
  std::vector<runtime::RelayMessage> published;
};

const std::vector<std::string> kGoldenPath{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                           "agent_completed"};

TEST(SystemAgents, ScriptedRunEmitsTheFiveEventsThenLeavesNoActiveRun) {
  AgentWorld w;
  EXPECT_EQ(w.start("r1"), "");
  EXPECT_EQ(w.engine.active_runs(), 1u);
  EXPECT_EQ(w.types("r1"), std::vector<std::string>{"agent_started"}) << "the rest waits on the LLM's latency";
  w.run();
  EXPECT_EQ(w.types("r1"), kGoldenPath);
  EXPECT_EQ(w.terminals("r1"), 1);
  EXPECT_EQ(w.engine.active_runs(), 0u);
  EXPECT_EQ(w.engine.runs_started(), 1u);
  const auto done = w.last_frame("r1");
  EXPECT_EQ(done.at("status").as_string(), "success");
  EXPECT_FALSE(done.at("final_response").as_string().empty());
}

TEST(SystemAgents, ToolEventsCarryTheInputAndTheToolsResults) {
  AgentWorld w;
  w.start("r1");
  w.run();
  ASSERT_EQ(w.published.size(), 5u);
  const auto executing = boost::json::parse(w.published[2].frame).as_object();
  EXPECT_EQ(executing.at("tool_name").as_string(), "search");
  EXPECT_EQ(executing.at("parameters").as_object().at("query").as_string(), "weather in Oslo");
  const auto completed = boost::json::parse(w.published[3].frame).as_object();
  EXPECT_EQ(completed.at("results").as_object().at("count").to_number<int>(), 1);
  const double duration_s = completed.at("duration").to_number<double>();
  EXPECT_GE(duration_s, 0.002);  // within the tool's latency range
  EXPECT_LE(duration_s, 0.015);
}

TEST(SystemAgents, ThrowingToolEndsTheRunWithAgentErrorAndAReason) {
  AgentWorld w(1, AgentWorld::ToolKind::kThrowing);
  EXPECT_EQ(w.start("r1"), "");
  w.run();
  EXPECT_EQ(w.types("r1"),
            (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing", "agent_error"}));
  EXPECT_EQ(w.terminals("r1"), 1);
  const std::string reason(w.last_frame("r1").at("reason").as_string());
  EXPECT_NE(reason.find("index offline"), std::string::npos) << reason;
  EXPECT_EQ(w.engine.active_runs(), 0u);
}

TEST(SystemAgents, MissingToolEndsTheRunWithAgentError) {
  AgentWorld w(1, AgentWorld::ToolKind::kNone);
  w.start("r1");
  w.run();
  EXPECT_EQ(w.types("r1"), (std::vector<std::string>{"agent_started", "agent_thinking", "agent_error"}));
  EXPECT_NE(std::string(w.last_frame("r1").at("reason").as_string()).find("search"), std::string::npos);
  EXPECT_EQ(w.engine.active_runs(), 0u);
}

TEST(SystemAgents, AnAgentThatThrowsStillEndsWithOneAgentError) {
  AgentWorld w;
  EXPECT_EQ(w.start("r1", "crasher"), "");
  w.run();
  EXPECT_EQ(w.types("r1"), (std::vector<std::string>{"agent_started", "agent_error"}));
  EXPECT_NE(std::string(w.last_frame("r1").at("reason").as_string()).find("segfault averted"), std::string::npos);
  EXPECT_EQ(w.engine.active_runs(), 0u);
}

TEST(SystemAgents, CancelMidRunEndsItOnceAndLateCallbacksEmitNothing) {
  AgentWorld w;
  w.start("r1");
  EXPECT_TRUE(w.engine.cancel("r1", "cancelled by the user"));
  w.run();
  EXPECT_EQ(w.types("r1"), (std::vector<std::string>{"agent_started", "agent_error"}));
  EXPECT_EQ(w.last_frame("r1").at("reason").as_string(), "cancelled by the user");
  EXPECT_EQ(w.engine.active_runs(), 0u);
  EXPECT_FALSE(w.engine.cancel("r1", "again")) << "an ended run is no longer active";
}

TEST(SystemAgents, UnknownAgentAndDuplicateRunIdDoNotStart) {
  AgentWorld w;
  EXPECT_NE(w.start("r1", "nobody"), "");
  EXPECT_TRUE(w.published.empty());
  EXPECT_EQ(w.engine.active_runs(), 0u);
  EXPECT_EQ(w.start("r2"), "");
  EXPECT_NE(w.start("r2"), "") << "a run id that is still active";
  EXPECT_EQ(w.engine.runs_started(), 1u);
  w.run();
  EXPECT_EQ(w.types("r2"), kGoldenPath) << "the refused duplicate did not disturb the first";
}

TEST(SystemAgents, ActiveRunsPerUserAreBounded) {
  AgentWorld w;
  ExecutionEngine engine(w.registry, w.scheduler, 2);
  auto start = [&](const std::string& run, const std::string& user) {
    return engine.start(UserExecutionContext{user, "t", run, run}, "assistant", "x");
  };
  EXPECT_EQ(start("a1", "alice"), "");
  EXPECT_EQ(start("a2", "alice"), "");
  EXPECT_NE(start("a3", "alice"), "") << "a third concurrent run of one user";
  EXPECT_EQ(start("b1", "bob"), "") << "other users are not affected";
  EXPECT_EQ(engine.active_runs(), 3u);
  EXPECT_TRUE(w.types("a3").empty());
  w.run();
  EXPECT_EQ(engine.active_runs(), 0u);
  EXPECT_EQ(start("a4", "alice"), "") << "finished runs free their slots";
  w.run();
  EXPECT_EQ(w.types("a4"), kGoldenPath);
}

TEST(SystemAgents, ConcurrentRunsOfTwoUsersStayApart) {
  AgentWorld w;
  w.start("ra", "assistant", "alice");
  w.start("rb", "assistant", "bob");
  w.run();
  EXPECT_EQ(w.types("ra"), kGoldenPath);
  EXPECT_EQ(w.types("rb"), kGoldenPath);
  for (const auto& m : w.published) EXPECT_EQ(m.user_id, m.run_id == "ra" ? "alice" : "bob");
  EXPECT_EQ(w.engine.active_runs(), 0u);
}

TEST(SystemAgents, RegistryWithoutLlmOrBridgeRefusesToBuildAgents) {
  sim::Scheduler clock{sim::Rng(1)};
  AgentRegistry no_llm(nullptr, nullptr, clock);
  no_llm.register_agent("assistant", [](AgentDeps deps) { return std::make_shared<ScriptedAgent>(std::move(deps)); });
  EXPECT_FALSE(no_llm.has_llm());
  EXPECT_FALSE(no_llm.has_bridge());
  EXPECT_THROW(no_llm.create("assistant", UserExecutionContext{"a", "t", "r", "q"}), std::logic_error);
  EXPECT_EQ(no_llm.create("nobody", UserExecutionContext{"a", "t", "r", "q"}), nullptr);
}

TEST(SystemAgents, LatencyRangeDrawsWithinItsBounds) {
  sim::Rng random(5);
  const LatencyRange range{millis(2), millis(3)};
  for (int i = 0; i < 1000; ++i) {
    const runtime::Nanos d = range.draw(random);
    EXPECT_GE(d, millis(2));
    EXPECT_LE(d, millis(3));
  }
  EXPECT_THROW((LatencyRange{-1, 0}.draw(random)), std::invalid_argument);
  EXPECT_THROW((LatencyRange{millis(3), millis(2)}.draw(random)), std::invalid_argument);
}

// Any seed, any mix of healthy and cancelled runs: each run ends in exactly
// one terminal event, it is the last of the run, and nothing stays active.
RC_GTEST_PROP(SystemAgents, EveryRunEndsInExactlyOneTerminalEvent, (std::uint64_t seed)) {
  AgentWorld w(seed);
  const int runs = *rc::gen::inRange(1, 6);
  for (int i = 0; i < runs; ++i)
    RC_ASSERT(w.start("r" + std::to_string(i), "assistant", "u" + std::to_string(i % 2)) == "");
  const int cancel_at_ms = *rc::gen::inRange(0, 60);
  const int cancelled = *rc::gen::inRange(0, runs);
  w.scheduler.post_after(millis(cancel_at_ms), [&] { w.engine.cancel("r" + std::to_string(cancelled), "cancelled"); });
  w.run();
  for (int i = 0; i < runs; ++i) {
    const auto types = w.types("r" + std::to_string(i));
    RC_ASSERT(!types.empty());
    RC_ASSERT(types.front() == "agent_started");
    RC_ASSERT(w.terminals("r" + std::to_string(i)) == 1);
    RC_ASSERT(types.back() == "agent_completed" || types.back() == "agent_error");
  }
  RC_ASSERT(w.engine.active_runs() == 0u);
}

}  // namespace
}  // namespace bridgesim::system
