#pragma once
// Agents and what they are built from. The LLM and the tools are fakes with
// scripted answers and latencies drawn from the injected rng and clock, so a
// run is the same in both worlds up to timing.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "system/bridge.hpp"
#include "system/runtime/bounds.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/random.hpp"

namespace bridgesim::system {

struct LatencyRange {
  runtime::Nanos min_ns = 0;
  runtime::Nanos max_ns = 0;
  runtime::Nanos draw(runtime::Random& random) const;
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // Calls `done` with the completion later, on the system's thread.
  virtual void complete(std::string prompt, std::function<void(std::string)> done) = 0;
};

class FakeLlmClient final : public LlmClient {
 public:
  FakeLlmClient(runtime::Timers& timers, runtime::Random& random, LatencyRange latency);
  void complete(std::string prompt, std::function<void(std::string)> done) override;

 private:
  runtime::Timers& timers_;
  runtime::Random& random_;
  LatencyRange latency_;
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual std::string_view name() const = 0;
  // Calls `done` with the tool's results later; may throw to model a failing tool.
  virtual void run(boost::json::object parameters, std::function<void(boost::json::value)> done) = 0;
};

// A search tool answering from its input, after a drawn latency.
class FakeSearchTool final : public Tool {
 public:
  FakeSearchTool(runtime::Timers& timers, runtime::Random& random, LatencyRange latency);
  std::string_view name() const override { return "search"; }
  void run(boost::json::object parameters, std::function<void(boost::json::value)> done) override;

 private:
  runtime::Timers& timers_;
  runtime::Random& random_;
  LatencyRange latency_;
};

// How a scripted run goes: how many tool calls, and how often the agent
// thinks again between them. The default is the classic five-event run
// (think, one tool call, answer) and draws nothing; a range draws per run
// from the registry's Random.
struct AgentShape {
  int tool_calls_min = 1;
  int tool_calls_max = 1;
  // agent_thinking events between one tool call's tool_completed and the
  // next tool_executing (the first call always follows exactly one).
  int thinking_between_min = 0;
  int thinking_between_max = 0;
  bool draws() const { return tool_calls_min != tool_calls_max || thinking_between_min != thinking_between_max; }
  // Empty when valid, else what is wrong.
  std::string error() const;
};

struct AgentDeps {
  LlmClient& llm;
  std::map<std::string, Tool*, std::less<>> tools;
  std::unique_ptr<UserEmitter> emitter;
  const runtime::Clock& clock;
  AgentShape shape{};
  runtime::Random* random = nullptr;  // required when shape.draws()
};

class Agent {
 public:
  virtual ~Agent() = default;
  // Runs to exactly one terminal event (agent_completed or agent_error) and
  // then calls `finished`.
  virtual void run(std::string input, std::function<void()> finished) = 0;
  // Ends the run now with agent_error {reason}, unless it already ended.
  virtual void cancel(std::string_view reason) = 0;
  virtual UserEmitter& emitter() = 0;
};

// think -> tool call -> (think again -> tool call)* -> answer; as many tool
// calls and as much thinking between them as deps.shape draws.
class ScriptedAgent final : public Agent, public std::enable_shared_from_this<ScriptedAgent> {
 public:
  explicit ScriptedAgent(AgentDeps deps);
  void run(std::string input, std::function<void()> finished) override;
  void cancel(std::string_view reason) override { fail(reason); }
  UserEmitter& emitter() override { return *deps_.emitter; }

 private:
  int draw(int lo, int hi);
  void call_tool(std::string input);
  // After tool call `calls_done_`: think again and call the next, or answer.
  void after_tool(std::string input, std::string tool_output);
  void think_then_call(std::string input, int thoughts_left);
  void answer(std::string tool_output);
  void fail(std::string_view reason);
  void finish();

  AgentDeps deps_;
  std::function<void()> finished_;
  int tool_calls_ = 1;
  int calls_done_ = 0;
};

using AgentFactory = std::function<std::shared_ptr<Agent>(AgentDeps)>;

// Agent factories plus the dependencies every agent gets. No singletons: a
// fresh agent, with a fresh emitter bound to the request's user, per request.
class AgentRegistry {
 public:
  AgentRegistry(AgentWebSocketBridge* bridge, std::unique_ptr<LlmClient> llm, const runtime::Clock& clock);

  void add_tool(std::unique_ptr<Tool> tool);
  // Every agent created from now on gets this shape, drawing from `random`
  // (required when shape.draws()). Throws std::invalid_argument when invalid.
  void set_agent_shape(AgentShape shape, runtime::Random* random);
  void register_agent(std::string name, AgentFactory factory);
  bool has_agent(std::string_view name) const { return factories_.find(name) != factories_.end(); }
  std::vector<std::string> agent_names() const;
  bool has_llm() const { return llm_ != nullptr; }
  bool has_bridge() const { return bridge_ != nullptr; }

  // nullptr when `name` is unknown. Throws when the registry is not wired.
  std::shared_ptr<Agent> create(std::string_view name, UserExecutionContext ctx);

 private:
  AgentWebSocketBridge* bridge_;
  std::unique_ptr<LlmClient> llm_;
  const runtime::Clock& clock_;
  AgentShape shape_;
  runtime::Random* shape_random_ = nullptr;
  std::map<std::string, std::unique_ptr<Tool>, std::less<>> tools_;
  std::map<std::string, AgentFactory, std::less<>> factories_;
};

// Owns the running agents until each reaches its terminal event.
class ExecutionEngine {
 public:
  // At most `active_runs_per_user_max` runs of one user at a time: one user
  // cannot starve the others.
  // `bounds` (may be null) hears of every run refused at the cap.
  ExecutionEngine(AgentRegistry& registry, runtime::Timers& timers, std::size_t active_runs_per_user_max = 16,
                  runtime::BoundObserver* bounds = nullptr);
  // Empty on success, else why the run could not start.
  std::string start(UserExecutionContext ctx, std::string_view agent_name, std::string input);
  // False when no such run is active.
  bool cancel(const std::string& run_id, std::string_view reason);
  std::size_t active_runs() const { return active_.size(); }
  std::uint64_t runs_started() const { return runs_started_; }

 private:
  // An agent's `finished` callback: checks the run's bookkeeping, frees its
  // slot on the next turn.
  void on_finished(const std::string& run_id, bool& reported);

  AgentRegistry& registry_;
  runtime::Timers& timers_;
  struct Active {
    std::shared_ptr<Agent> agent;
    std::string user_id;
  };
  std::map<std::string, Active> active_;  // by run_id
  std::map<std::string, std::size_t> active_per_user_;
  std::size_t active_runs_per_user_max_;
  runtime::BoundObserver* bounds_;
  std::uint64_t runs_started_ = 0;
};

}  // namespace bridgesim::system
