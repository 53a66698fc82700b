// Model-based test of AgentWebSocketBridge + UserEmitter (rc::state): any
// sequence of notify_* calls an agent may make is published for the
// emitter's own user only, seq gapless from 1, agent_started first, nothing
// after the terminal event — and the run log holds exactly what was published.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/bridge.hpp"
#include "system/events.hpp"

namespace bridgesim::system {
namespace {

class CapturingRelay final : public runtime::EventRelay {
 public:
  void subscribe(std::function<void(runtime::RelayMessage)>) override {}
  void publish(runtime::RelayMessage m) override { published.push_back(std::move(m)); }
  std::vector<runtime::RelayMessage> published;
};

struct Model {
  std::uint64_t seq = 0;
  bool finished = false;
};

struct Sut {
  sim::Scheduler clock{sim::Rng(7)};
  CapturingRelay relay;
  RunLog log{clock, RunLogLimits{}};
  AgentWebSocketBridge bridge{BridgeWiring{relay, log, clock}};
  std::unique_ptr<UserEmitter> emitter =
      bridge.create_user_emitter(UserExecutionContext{"alice", "t-1", "run-1", "m-1"}, "assistant");
};

using Command = rc::state::Command<Model, Sut>;

enum class Kind { kStarted, kThinking, kToolExecuting, kToolCompleted, kCompleted, kError };
const char* name_of(Kind k) {
  switch (k) {
    case Kind::kStarted: return "agent_started";
    case Kind::kThinking: return "agent_thinking";
    case Kind::kToolExecuting: return "tool_executing";
    case Kind::kToolCompleted: return "tool_completed";
    case Kind::kCompleted: return "agent_completed";
    case Kind::kError: return "agent_error";
  }
  return "?";
}

struct Notify final : Command {
  Kind kind = *rc::gen::element(Kind::kStarted, Kind::kThinking, Kind::kToolExecuting, Kind::kToolCompleted,
                                Kind::kCompleted, Kind::kError);
  // What the emitter must accept: started first, then anything but started, until terminal.
  bool valid(const Model& m) const {
    if (m.finished) return false;
    return m.seq == 0 ? kind == Kind::kStarted : kind != Kind::kStarted;
  }
  void apply(Model& m) const override {
    if (!valid(m)) return;
    ++m.seq;
    m.finished = kind == Kind::kCompleted || kind == Kind::kError;
  }
  void run(const Model& m, Sut& s) const override {
    const std::size_t before = s.relay.published.size();
    bool threw = false;
    try {
      switch (kind) {
        case Kind::kStarted: s.emitter->notify_agent_started(); break;
        case Kind::kThinking: s.emitter->notify_agent_thinking("hmm"); break;
        case Kind::kToolExecuting: s.emitter->notify_tool_executing("search", {{"query", "q"}}); break;
        case Kind::kToolCompleted: s.emitter->notify_tool_completed("search", boost::json::array{}, 5); break;
        case Kind::kCompleted: s.emitter->notify_agent_completed("done"); break;
        case Kind::kError: s.emitter->notify_agent_error("boom"); break;
      }
    } catch (const std::logic_error&) {
      threw = true;
    }
    RC_ASSERT(threw == !valid(m));
    RC_ASSERT(s.relay.published.size() == before + (valid(m) ? 1 : 0));
    if (!valid(m)) return;
    const auto& p = s.relay.published.back();
    RC_ASSERT(p.user_id == "alice");
    RC_ASSERT(p.run_id == "run-1");
    RC_ASSERT(p.seq == m.seq + 1);
    RC_ASSERT(p.type == std::string(name_of(kind)));
    const auto frame = boost::json::parse(p.frame).as_object();
    RC_ASSERT(frame.at("user_id").as_string() == "alice");
    RC_ASSERT(frame.at("thread_id").as_string() == "t-1");
    RC_ASSERT(frame.at("seq").to_number<std::uint64_t>() == m.seq + 1);
    RC_ASSERT(s.log.after("run-1", 0).size() == m.seq + 1);
    RC_ASSERT(s.log.owner("run-1") == std::optional<std::string>("alice"));
  }
  void show(std::ostream& os) const override { os << "Notify(" << name_of(kind) << ")"; }
};

RC_GTEST_PROP(ModelBridge, EmitterAgreesWithTheModel, ()) {
  Sut sut;
  rc::state::check(Model{}, sut, rc::state::gen::execOneOfWithArgs<Notify>());
}

}  // namespace
}  // namespace bridgesim::system
