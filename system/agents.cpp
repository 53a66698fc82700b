#include "system/agents.hpp"

#include <stdexcept>
#include <utility>

#include <boost/json.hpp>

#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

runtime::Nanos LatencyRange::draw(runtime::Random& random) const {
  if (min_ns < 0 || max_ns < min_ns) throw std::invalid_argument("LatencyRange: need 0 <= min <= max");
  const auto drawn = static_cast<runtime::Nanos>(
      random.uniform(static_cast<std::uint64_t>(min_ns), static_cast<std::uint64_t>(max_ns)));
  BRIDGESIM_ASSERT(min_ns <= drawn && drawn <= max_ns, "the injected Random draws within the range it is given");
  return drawn;
}

FakeLlmClient::FakeLlmClient(runtime::Timers& timers, runtime::Random& random, LatencyRange latency)
    : timers_(timers), random_(random), latency_(latency) {}

void FakeLlmClient::complete(std::string prompt, std::function<void(std::string)> done) {
  timers_.call_after(latency_.draw(random_),
                     [prompt = std::move(prompt), done = std::move(done)] { done("Considered: " + prompt); });
}

FakeSearchTool::FakeSearchTool(runtime::Timers& timers, runtime::Random& random, LatencyRange latency)
    : timers_(timers), random_(random), latency_(latency) {}

void FakeSearchTool::run(boost::json::object parameters, std::function<void(boost::json::value)> done) {
  const auto* query = parameters.if_contains("query");
  if (query == nullptr || !query->is_string())
    throw std::invalid_argument("search: parameter 'query' must be a string");
  std::string q(query->as_string());
  timers_.call_after(latency_.draw(random_), [q = std::move(q), done = std::move(done)] {
    done(boost::json::object{{"hits", boost::json::array{boost::json::string("result for " + q)}}, {"count", 1}});
  });
}

std::string AgentShape::error() const {
  if (tool_calls_min < 1 || tool_calls_max < tool_calls_min || tool_calls_max > 16)
    return "tool calls must satisfy 1 <= min <= max <= 16";
  if (thinking_between_min < 0 || thinking_between_max < thinking_between_min || thinking_between_max > 16)
    return "thinking between tool calls must satisfy 0 <= min <= max <= 16";
  return {};
}

ScriptedAgent::ScriptedAgent(AgentDeps deps) : deps_(std::move(deps)) {
  if (!deps_.emitter) throw std::invalid_argument("ScriptedAgent: no emitter");
  if (const std::string error = deps_.shape.error(); !error.empty())
    throw std::invalid_argument("ScriptedAgent: " + error);
  if (deps_.shape.draws() && deps_.random == nullptr)
    throw std::invalid_argument("ScriptedAgent: a shape with ranges needs a Random");
}

int ScriptedAgent::draw(int lo, int hi) {
  if (lo == hi) return lo;  // the default shape draws nothing: its traces stay as they were
  return static_cast<int>(deps_.random->uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
}

// Every step re-checks finished(): a cancel may have ended the run while
// the LLM or the tool was working.
void ScriptedAgent::run(std::string input, std::function<void()> finished) {
  BRIDGESIM_ASSERT(!finished_ && deps_.emitter->events_emitted() == 0, "an agent runs once");
  finished_ = std::move(finished);
  tool_calls_ = draw(deps_.shape.tool_calls_min, deps_.shape.tool_calls_max);
  deps_.emitter->notify_agent_started();
  deps_.llm.complete("plan: " + input, [self = shared_from_this(), input](std::string reasoning) {
    if (self->deps_.emitter->finished()) return;
    self->deps_.emitter->notify_agent_thinking(reasoning);
    self->call_tool(input);
  });
}

void ScriptedAgent::finish() {
  BRIDGESIM_ASSERT(deps_.emitter->finished(), "an agent finishes only after its terminal event");
  if (finished_) std::exchange(finished_, nullptr)();
}

void ScriptedAgent::call_tool(std::string input) {
  const auto tool = deps_.tools.find("search");
  if (tool == deps_.tools.end()) return fail("tool 'search' is not available");
  ++calls_done_;
  boost::json::object parameters{
      {"query", calls_done_ == 1 ? input : input + " (step " + std::to_string(calls_done_) + ")"}};
  deps_.emitter->notify_tool_executing(tool->first, parameters);
  const runtime::Nanos started_ns = deps_.clock.now_ns();
  try {
    tool->second->run(std::move(parameters), [self = shared_from_this(), name = tool->first, started_ns,
                                              input](boost::json::value results) {
      if (self->deps_.emitter->finished()) return;
      self->deps_.emitter->notify_tool_completed(name, results, self->deps_.clock.now_ns() - started_ns);
      self->after_tool(input, boost::json::serialize(results));
    });
  } catch (const std::exception& e) {
    fail(std::string("tool 'search' failed: ") + e.what());
  }
}

void ScriptedAgent::after_tool(std::string input, std::string tool_output) {
  BRIDGESIM_ASSERT(calls_done_ >= 1 && calls_done_ <= tool_calls_, "an agent makes the tool calls it drew, no more");
  if (calls_done_ == tool_calls_) return answer(std::move(tool_output));
  think_then_call(std::move(input), draw(deps_.shape.thinking_between_min, deps_.shape.thinking_between_max));
}

void ScriptedAgent::think_then_call(std::string input, int thoughts_left) {
  if (thoughts_left == 0) return call_tool(std::move(input));
  deps_.llm.complete("reconsider: " + input, [self = shared_from_this(), input, thoughts_left](std::string reasoning) {
    if (self->deps_.emitter->finished()) return;
    self->deps_.emitter->notify_agent_thinking(reasoning);
    self->think_then_call(input, thoughts_left - 1);
  });
}

void ScriptedAgent::answer(std::string tool_output) {
  deps_.llm.complete("answer with: " + tool_output, [self = shared_from_this()](std::string response) {
    if (self->deps_.emitter->finished()) return;
    self->deps_.emitter->notify_agent_completed(response);
    self->finish();
  });
}

void ScriptedAgent::fail(std::string_view reason) {
  if (deps_.emitter->finished()) return;
  deps_.emitter->notify_agent_error(reason);
  finish();
}

AgentRegistry::AgentRegistry(AgentWebSocketBridge* bridge, std::unique_ptr<LlmClient> llm, const runtime::Clock& clock)
    : bridge_(bridge), llm_(std::move(llm)), clock_(clock) {}

void AgentRegistry::add_tool(std::unique_ptr<Tool> tool) {
  BRIDGESIM_ASSERT(tool != nullptr, "startup adds real tools");
  std::string name(tool->name());
  tools_[name] = std::move(tool);
}

void AgentRegistry::set_agent_shape(AgentShape shape, runtime::Random* random) {
  if (const std::string error = shape.error(); !error.empty()) throw std::invalid_argument("agent shape: " + error);
  if (shape.draws() && random == nullptr) throw std::invalid_argument("agent shape: ranges need a Random");
  shape_ = shape;
  shape_random_ = random;
}

void AgentRegistry::register_agent(std::string name, AgentFactory factory) {
  BRIDGESIM_ASSERT(static_cast<bool>(factory), "an agent is registered with a factory");
  factories_[std::move(name)] = std::move(factory);
}

std::vector<std::string> AgentRegistry::agent_names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

std::shared_ptr<Agent> AgentRegistry::create(std::string_view name, UserExecutionContext ctx) {
  const auto factory = factories_.find(name);
  if (factory == factories_.end()) return nullptr;
  if (!bridge_ || !llm_) throw std::logic_error("AgentRegistry: not wired (bridge or LLM client missing)");
  AgentDeps deps{*llm_,  {},     bridge_->create_user_emitter(std::move(ctx), std::string(name)),
                 clock_, shape_, shape_random_};
  BRIDGESIM_ASSERT(deps.emitter != nullptr, "the bridge makes an emitter for every agent");
  for (const auto& [tool_name, tool] : tools_) deps.tools.emplace(tool_name, tool.get());
  return factory->second(std::move(deps));
}

ExecutionEngine::ExecutionEngine(AgentRegistry& registry, runtime::Timers& timers, std::size_t active_runs_per_user_max,
                                 runtime::BoundObserver* bounds)
    : registry_(registry), timers_(timers), active_runs_per_user_max_(active_runs_per_user_max), bounds_(bounds) {}

std::string ExecutionEngine::start(UserExecutionContext ctx, std::string_view agent_name, std::string input) {
  const std::string run_id = ctx.run_id;
  const std::string user_id = ctx.user_id;
  if (active_.count(run_id) != 0) return "run id already active";
  if (const auto n = active_per_user_.find(user_id);
      n != active_per_user_.end() && n->second >= active_runs_per_user_max_) {
    runtime::report_bound(bounds_, {runtime::bound::kActiveRunsPerUser, runtime::bound_action::kRefused, user_id,
                                    run_id, 0, n->second, active_runs_per_user_max_});
    return "too many active runs (" + std::to_string(active_runs_per_user_max_) + "); wait for one to finish";
  }
  auto agent = registry_.create(agent_name, std::move(ctx));
  if (!agent) return "unknown agent '" + std::string(agent_name) + "'";
  const UserExecutionContext& bound = agent->emitter().context();
  BRIDGESIM_ASSERT(bound.run_id == run_id && bound.user_id == user_id,
                   "an agent's emitter is bound to its own run and user");
  active_.emplace(run_id, Active{agent, user_id});
  const std::size_t of_user = ++active_per_user_[user_id];
  BRIDGESIM_ASSERT(of_user <= active_runs_per_user_max_, "no user has more active runs than the bound");
  ++runs_started_;
  auto reported = std::make_shared<bool>(false);
  auto finished = [this, run_id, reported] { on_finished(run_id, *reported); };
  try {
    agent->run(std::move(input), finished);
  } catch (const std::exception& e) {
    // An agent that throws still ends its run with exactly one terminal event.
    if (!agent->emitter().finished()) agent->emitter().notify_agent_error(std::string("agent failed: ") + e.what());
    if (!*reported) finished();
  }
  return {};
}

void ExecutionEngine::on_finished(const std::string& run_id, bool& reported) {
  BRIDGESIM_ASSERT(!reported, "a run reports finished once");
  reported = true;
  const auto it = active_.find(run_id);
  BRIDGESIM_ASSERT(it != active_.end(), "a run that reports finished is active");
  BRIDGESIM_ASSERT(it->second.agent->emitter().finished(), "a run reports finished only after its terminal event");
  // Erase on the next turn: `finished` runs inside the agent's own callback.
  timers_.call_after(0, [this, run_id] {
    const auto active = active_.find(run_id);
    BRIDGESIM_ASSERT(active != active_.end(), "a finished run is erased once");
    const auto per_user = active_per_user_.find(active->second.user_id);
    BRIDGESIM_ASSERT(per_user != active_per_user_.end() && per_user->second > 0,
                     "an active run is counted for its user");
    if (--per_user->second == 0) active_per_user_.erase(per_user);
    active_.erase(active);
    BRIDGESIM_ASSERT(active_per_user_.size() <= active_.size(), "every counted user has an active run");
  });
}

bool ExecutionEngine::cancel(const std::string& run_id, std::string_view reason) {
  const auto it = active_.find(run_id);
  if (it == active_.end()) return false;
  const std::shared_ptr<Agent> agent = it->second.agent;
  agent->cancel(reason);
  BRIDGESIM_ASSERT(agent->emitter().finished(), "a cancelled run has ended with its terminal event");
  return true;
}

}  // namespace bridgesim::system
