#pragma once
// The order of a run's events (docs/protocol.md, "Lifecycle"), as one small
// state machine every checker shares: agent_started; agent_thinking; one or
// more tool_executing / tool_completed pairs (same tool_name), with more
// agent_thinking allowed between pairs; agent_completed. agent_error may end
// the run at any point after agent_started. Nothing follows the terminal event.
#include <string>
#include <string_view>
#include <vector>

namespace bridgesim::protocol {

class LifecycleOrder {
 public:
  // Takes the run's next event; "" when it may come now, else why not (the
  // order is left as it was, so the caller may report and carry on).
  std::string next(std::string_view type, std::string_view tool_name = {});
  // The event types that may come now, the classic five-event run's first.
  std::vector<std::string> allowed() const;
  // The same, for messages: "tool_executing, agent_thinking or agent_error".
  std::string expected() const;
  // The shortest way from here to agent_completed: what a run that stopped
  // here never sent.
  std::vector<std::string> shortest_rest() const;
  bool ended() const { return phase_ == Phase::kEnded; }

 private:
  enum class Phase {
    kNone,       // nothing yet: agent_started
    kStarted,    // agent_thinking
    kThought,    // agent_thinking or tool_executing
    kExecuting,  // tool_completed of the open tool
    kToolDone,   // tool_executing, agent_thinking or agent_completed
    kEnded,      // nothing
  };
  Phase phase_ = Phase::kNone;
  std::string open_tool_;
};

}  // namespace bridgesim::protocol
