// Always-on invariants (BRIDGESIM_ASSERT): a component called the wrong way
// throws runtime::InvariantViolation, in every build; and the system's
// `catch (const std::exception&)` sites, which turn a bad request or a
// failing tool into an error, let it through.
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/agents.hpp"
#include "system/bridge.hpp"
#include "system/message_loop.hpp"
#include "system/messenger.hpp"
#include "system/ordered_receiver.hpp"
#include "system/router.hpp"
#include "system/run_log.hpp"
#include "system/runtime/invariant.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/relay.hpp"
#include "system/session.hpp"
#include "system/websocket_manager.hpp"
#include "tests/system/fake_connection.hpp"

namespace bridgesim::system {
namespace {

using runtime::InvariantViolation;
using testsupport::FakeConnection;

static_assert(!std::is_base_of_v<std::exception, InvariantViolation>,
              "a broken invariant must not be caught as a bad request");

// The reason of the InvariantViolation `fn` throws; fails the test when it
// throws nothing or something else.
std::string violation_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InvariantViolation& e) {
    return e.what();
  } catch (...) {
    ADD_FAILURE() << "threw something other than an InvariantViolation";
    return {};
  }
  ADD_FAILURE() << "no InvariantViolation";
  return {};
}

// The manager's protected seam, exposed: what an incident variant can call.
class SeamManager final : public WebSocketManager {
 public:
  using WebSocketManager::send_unchecked;
  using WebSocketManager::WebSocketManager;
};

TEST(SystemInvariants, ManagerSendsUncheckedOnlyToAConnectionItKnows) {
  sim::Scheduler clock{sim::Rng(1)};
  SeamManager manager(runtime::make_logger("wsm", clock, false));
  auto conn = std::make_shared<FakeConnection>(1);
  manager.add(conn, "alice");
  manager.accept(1, "", {});
  manager.send_unchecked(1, "hello");
  EXPECT_EQ(conn->frames.size(), 1u);
  manager.on_closed(1);
  const auto what = violation_of([&] { manager.send_unchecked(1, "after on_closed"); });
  EXPECT_NE(what.find("websocket_manager.cpp:"), std::string::npos) << what;
  EXPECT_NE(what.find("send_unchecked addresses a connection the manager knows"), std::string::npos) << what;
}

TEST(SystemInvariants, ReceiverRefusesARelayedEventOfAnotherUsersRun) {
  sim::Scheduler clock{sim::Rng(1)};
  RunLog log(clock, RunLogLimits{});
  std::vector<runtime::RelayMessage> delivered;
  OrderedReceiver receiver(clock, log, ReceiverLimits{},
                           [&](const runtime::RelayMessage& m) { delivered.push_back(m); });
  const runtime::RelayMessage started{"alice", "run-1", 1, "agent_started", "{}"};
  ASSERT_TRUE(log.append(started, false));
  receiver.on_message(started);
  EXPECT_EQ(delivered.size(), 1u);
  // The log says run-1 is alice's; a relay naming bob for run-2 of alice is a bug upstream.
  const runtime::RelayMessage other{"alice", "run-2", 1, "agent_started", "{}"};
  ASSERT_TRUE(log.append(other, false));
  auto forged = other;
  forged.user_id = "bob";
  const auto what = violation_of([&] { receiver.on_message(forged); });
  EXPECT_NE(what.find("the relay and the run log agree on a run's user"), std::string::npos) << what;
  EXPECT_EQ(delivered.size(), 1u) << "nothing reached bob";
}

TEST(SystemInvariants, ReceiverNeedsSomewhereToDeliver) {
  sim::Scheduler clock{sim::Rng(1)};
  RunLog log(clock, RunLogLimits{});
  const auto what = violation_of([&] { OrderedReceiver receiver(clock, log, ReceiverLimits{}, nullptr); });
  EXPECT_NE(what.find("a receiver has somewhere to deliver to"), std::string::npos) << what;
}

TEST(SystemInvariants, MessengerWithoutAManagerIsABug) {
  Messenger messenger(nullptr);
  EXPECT_NE(violation_of([&] { messenger.send(1, "x"); }).find("valid critical path"), std::string::npos);
  EXPECT_NE(violation_of([&] { messenger.close(1, 1000, "bye"); }).find("valid critical path"), std::string::npos);
}

TEST(SystemInvariants, RouterDispatchesOnlyAuthenticatedRequests) {
  MessageRouter router;
  int calls = 0;
  router.add_handler("ping", [&](const RequestContext&, const boost::json::object&) { ++calls; });
  EXPECT_TRUE(router.dispatch("ping", RequestContext{1, "alice"}, {}));
  const auto what = violation_of([&] { router.dispatch("ping", RequestContext{1, ""}, {}); });
  EXPECT_NE(what.find("only an authenticated connection's requests are dispatched"), std::string::npos) << what;
  EXPECT_EQ(calls, 1);
}

TEST(SystemInvariants, SessionsAreOnePerAuthenticatedConnection) {
  sim::Rng random(3);
  SessionMiddleware sessions(random);
  sessions.open(1, "alice");
  EXPECT_NE(violation_of([&] { sessions.open(1, "alice"); }).find("a connection opens one session"), std::string::npos);
  EXPECT_NE(violation_of([&] { sessions.open(2, ""); }).find("authenticated users only"), std::string::npos);
}

TEST(SystemInvariants, SchedulerTimeDoesNotOverflow) {
  sim::Scheduler scheduler{sim::Rng(1)};
  scheduler.post_after(5, [] {});
  scheduler.run_until(10);
  const runtime::Nanos now = scheduler.elapsed_ns();
  ASSERT_GT(now, 0);
  constexpr runtime::Nanos kMax = std::numeric_limits<runtime::Nanos>::max();
  scheduler.post_after(kMax - now, [] {});  // fits exactly
  EXPECT_NE(
      violation_of([&] { scheduler.post_after(kMax - now + 1, [] {}); }).find("an event's time does not overflow"),
      std::string::npos);
}

// An emitter subclass that puts a non-lifecycle type through the bridge.
class PongEmitter final : public UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void emit_pong() { emit("pong", {}); }
};

// The agent side wired as startup wires it, on a simulated clock.
struct EngineWorld {
  sim::Scheduler scheduler{sim::Rng(1)};
  sim::Rng random{2};
  runtime::DirectRelay relay;
  RunLog log{scheduler, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, scheduler}};
  AgentRegistry registry{
      &bridge, std::make_unique<FakeLlmClient>(scheduler, random, LatencyRange{1'000'000, 2'000'000}), scheduler};
  ExecutionEngine engine{registry, scheduler};
};

TEST(SystemInvariants, OnlyLifecycleEventsAndRealSeqsCrossTheBridge) {
  EngineWorld w;
  PongEmitter emitter(w.bridge, UserExecutionContext{"alice", "t", "run-1", "q"}, "assistant");
  emitter.notify_agent_started();
  EXPECT_NE(violation_of([&] { emitter.emit_pong(); }).find("an emitter emits lifecycle events only"),
            std::string::npos);
  const UserExecutionContext ctx{"alice", "t", "run-2", "q"};
  EXPECT_NE(violation_of([&] { w.bridge.deliver(ctx, 0, "agent_started", "{}"); }).find("seq counts from 1"),
            std::string::npos);
}

// An agent whose `finished` comes too early or twice: the engine's contract
// is one terminal event, then finished, once.
class HastyAgent final : public Agent {
 public:
  HastyAgent(AgentDeps deps, bool terminal_first) : deps_(std::move(deps)), terminal_first_(terminal_first) {}
  void run(std::string, std::function<void()> finished) override {
    deps_.emitter->notify_agent_started();
    if (terminal_first_) deps_.emitter->notify_agent_completed("done");
    finished();
    finished();
  }
  void cancel(std::string_view) override {}
  UserEmitter& emitter() override { return *deps_.emitter; }

 private:
  AgentDeps deps_;
  bool terminal_first_;
};

TEST(SystemInvariants, EngineRunsEndWithTheirTerminalEventThenFinishOnce) {
  EngineWorld w;
  w.registry.register_agent("early", [](AgentDeps d) { return std::make_shared<HastyAgent>(std::move(d), false); });
  w.registry.register_agent("twice", [](AgentDeps d) { return std::make_shared<HastyAgent>(std::move(d), true); });
  const auto early = violation_of([&] { w.engine.start(UserExecutionContext{"alice", "t", "r1", "q"}, "early", "x"); });
  EXPECT_NE(early.find("agents.cpp:"), std::string::npos) << early;
  EXPECT_NE(early.find("a run reports finished only after its terminal event"), std::string::npos) << early;
  const auto twice = violation_of([&] { w.engine.start(UserExecutionContext{"bob", "t", "r2", "q"}, "twice", "x"); });
  EXPECT_NE(twice.find("a run reports finished once"), std::string::npos) << twice;
}

// --- the catch (const std::exception&) sites let a broken invariant through ---

[[noreturn]] void break_an_invariant() { runtime::invariant_failed("false", "broken on purpose", __FILE__, __LINE__); }

TEST(SystemInvariants, TheMessageLoopDoesNotTurnABrokenInvariantIntoAnErrorFrame) {
  sim::Scheduler clock{sim::Rng(1)};
  WebSocketManager manager{runtime::make_logger("loop", clock, false)};
  Messenger messenger{&manager};
  MessageRouter router;
  router.add_handler("crash", [](const RequestContext&, const boost::json::object&) { throw std::runtime_error("x"); });
  router.add_handler("bug", [](const RequestContext&, const boost::json::object&) { break_an_invariant(); });
  MessageLoop loop{manager, router, messenger, 1024, runtime::make_logger("loop", clock, false)};
  auto conn = std::make_shared<FakeConnection>(1);
  manager.add(conn, "alice");
  manager.accept(1, "", {});
  loop.on_text(1, R"({"type":"crash"})");
  ASSERT_EQ(conn->frames.size(), 1u) << "an ordinary exception is an error frame";
  EXPECT_NE(violation_of([&] { loop.on_text(1, R"({"type":"bug"})"); }).find("broken on purpose"), std::string::npos);
  EXPECT_EQ(conn->frames.size(), 1u) << "a broken invariant is not an error frame";
}

class BuggyAgent final : public Agent {
 public:
  explicit BuggyAgent(AgentDeps deps) : deps_(std::move(deps)) {}
  void run(std::string, std::function<void()>) override {
    deps_.emitter->notify_agent_started();
    break_an_invariant();
  }
  void cancel(std::string_view) override {}
  UserEmitter& emitter() override { return *deps_.emitter; }

 private:
  AgentDeps deps_;
};

class BuggyTool final : public Tool {
 public:
  std::string_view name() const override { return "search"; }
  void run(boost::json::object, std::function<void(boost::json::value)>) override { break_an_invariant(); }
};

TEST(SystemInvariants, TheEngineDoesNotTurnABrokenInvariantIntoAgentError) {
  EngineWorld w;
  w.registry.register_agent("buggy", [](AgentDeps d) { return std::make_shared<BuggyAgent>(std::move(d)); });
  std::vector<std::string> types;
  w.relay.subscribe([&](runtime::RelayMessage m) { types.push_back(m.type); });
  EXPECT_NE(violation_of([&] {
              w.engine.start(UserExecutionContext{"alice", "t", "r1", "q"}, "buggy", "x");
            }).find("broken on purpose"),
            std::string::npos);
  EXPECT_EQ(types, std::vector<std::string>{"agent_started"}) << "no agent_error papers over the bug";
}

TEST(SystemInvariants, TheAgentDoesNotTurnABrokenInvariantInAToolIntoAgentError) {
  EngineWorld w;
  w.registry.add_tool(std::make_unique<BuggyTool>());
  w.registry.register_agent("assistant", [](AgentDeps d) { return std::make_shared<ScriptedAgent>(std::move(d)); });
  std::vector<std::string> types;
  w.relay.subscribe([&](runtime::RelayMessage m) { types.push_back(m.type); });
  EXPECT_EQ(w.engine.start(UserExecutionContext{"alice", "t", "r1", "q"}, "assistant", "x"), "");
  EXPECT_NE(violation_of([&] { w.scheduler.run_until(runtime::seconds(1)); }).find("broken on purpose"),
            std::string::npos);
  EXPECT_EQ(types, (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing"}));
}

}  // namespace
}  // namespace bridgesim::system
