// RunService: run ids drawn from the runtime's Random, idempotent starts by
// (user, client_msg_id) within the key bound, and resume/cancel only for the
// run's own user.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/agents.hpp"
#include "system/bridge.hpp"
#include "system/messenger.hpp"
#include "system/run_log.hpp"
#include "system/run_service.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/relay.hpp"
#include "system/websocket_manager.hpp"
#include "tests/system/fake_connection.hpp"

namespace bridgesim::system {
namespace {

using runtime::millis;
using testsupport::FakeConnection;

// The run side as startup wires it, with one open connection for alice.
struct RunWorld {
  explicit RunWorld(std::size_t keys_max = 100)
      : scheduler(sim::Rng(1).fork("scheduler")),
        random(sim::Rng(1).fork("system")),
        runs(log, engine, messenger, random, keys_max) {
    registry.add_tool(std::make_unique<FakeSearchTool>(scheduler, random, LatencyRange{millis(2), millis(15)}));
    registry.register_agent("assistant",
                            [](AgentDeps deps) { return std::make_shared<ScriptedAgent>(std::move(deps)); });
    relay.subscribe([this](runtime::RelayMessage m) { manager.send_to_user(m.user_id, m.frame); });
    manager.add(alice, "alice");
    manager.accept(alice->id(), "", {});
  }
  void run() { scheduler.run_until(scheduler.elapsed_ns() + runtime::seconds(2)); }
  BadRequest refusal(const std::function<void()>& request) {
    try {
      request();
    } catch (const BadRequest& e) {
      return e;
    }
    ADD_FAILURE() << "not refused";
    return BadRequest("", "");
  }

  sim::Scheduler scheduler;
  sim::Rng random;
  runtime::DirectRelay relay;
  RunLog log{scheduler, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, scheduler}};
  AgentRegistry registry{
      &bridge, std::make_unique<FakeLlmClient>(scheduler, random, LatencyRange{millis(5), millis(20)}), scheduler};
  ExecutionEngine engine{registry, scheduler};
  WebSocketManager manager{runtime::make_logger("runs", scheduler, false)};
  Messenger messenger{&manager};
  std::shared_ptr<FakeConnection> alice = std::make_shared<FakeConnection>(1);
  RunService runs;
  const RequestContext as_alice{1, "alice"};
  const RequestContext as_bob{2, "bob"};
};

TEST(SystemRunService, LaunchDrawsTheRunIdFromTheRuntimesRandom) {
  RunWorld w;
  sim::Rng same(sim::Rng(1).fork("system"));
  char expected[24];
  std::snprintf(expected, sizeof expected, "run-%016llx", static_cast<unsigned long long>(same.next_u64()));
  const auto run = w.runs.launch("alice", "t1", "r1", "assistant", "hi");
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(run.run_id, expected);
  EXPECT_EQ(w.engine.runs_started(), 1u);
}

TEST(SystemRunService, ARetriedRequestReplaysItsRunInsteadOfStartingAnother) {
  RunWorld w;
  w.runs.start(w.as_alice, "t1", "m1", "assistant", "hi");
  w.run();
  const std::size_t live = w.alice->frames.size();
  ASSERT_GT(live, 0u);
  w.runs.start(w.as_alice, "t1", "m1", "assistant", "hi");
  EXPECT_EQ(w.engine.runs_started(), 1u);
  ASSERT_EQ(w.alice->frames.size(), 2 * live) << "the replay is the whole run again";
  for (std::size_t i = 0; i < live; ++i) EXPECT_EQ(w.alice->frames[live + i], w.alice->frames[i]);
  w.runs.start(w.as_alice, "t1", "", "assistant", "hi");
  w.runs.start(w.as_alice, "t1", "", "assistant", "hi");
  EXPECT_EQ(w.engine.runs_started(), 3u) << "an empty request id is never a retry";
}

TEST(SystemRunService, TheOldestRequestIdIsForgottenBeyondTheBound) {
  RunWorld w(1);
  w.runs.start(w.as_alice, "t1", "m1", "assistant", "hi");
  w.runs.start(w.as_alice, "t1", "m2", "assistant", "hi");
  w.runs.start(w.as_alice, "t1", "m1", "assistant", "hi");
  EXPECT_EQ(w.engine.runs_started(), 3u);
  w.runs.start(w.as_alice, "t1", "m1", "assistant", "hi");
  EXPECT_EQ(w.engine.runs_started(), 3u);
}

TEST(SystemRunService, AnotherUsersRunIsAnUnknownRun) {
  RunWorld w;
  const auto run = w.runs.launch("alice", "t1", "r1", "assistant", "hi");
  const BadRequest theirs = w.refusal([&] { w.runs.resume(w.as_bob, run.run_id, 0); });
  const BadRequest none = w.refusal([&] { w.runs.resume(w.as_bob, "run-none", 0); });
  EXPECT_EQ(theirs.code(), "unknown_run");
  EXPECT_EQ(none.code(), "unknown_run");
  EXPECT_EQ(w.refusal([&] { w.runs.cancel(w.as_bob, run.run_id); }).code(), "unknown_run");
  w.runs.cancel(w.as_alice, run.run_id);
  w.run();
  EXPECT_EQ(w.refusal([&] { w.runs.cancel(w.as_alice, run.run_id); }).code(), "run_finished");
}

TEST(SystemRunService, AnUnknownAgentIsRefusedWithTheEnginesReason) {
  RunWorld w;
  EXPECT_NE(w.runs.launch("alice", "t1", "r1", "nobody", "hi").error, "");
  EXPECT_EQ(w.refusal([&] { w.runs.start(w.as_alice, "t1", "m1", "nobody", "hi"); }).code(), "run_not_started");
}

}  // namespace
}  // namespace bridgesim::system
