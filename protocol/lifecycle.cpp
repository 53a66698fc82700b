#include "protocol/lifecycle.hpp"

#include <initializer_list>
#include <iterator>

#include "protocol/message_types.hpp"

namespace bridgesim::protocol {

namespace et = event_type;

// The classic five-event run's next event first, so a message reads as it
// did when that was the only order.
std::vector<std::string> LifecycleOrder::allowed() const {
  const auto list = [](std::initializer_list<std::string_view> types) {
    std::vector<std::string> out;
    for (const auto t : types) out.emplace_back(t);
    return out;
  };
  switch (phase_) {
    case Phase::kNone: return list({et::kAgentStarted});
    case Phase::kStarted: return list({et::kAgentThinking, et::kAgentError});
    case Phase::kThought: return list({et::kToolExecuting, et::kAgentThinking, et::kAgentError});
    case Phase::kExecuting: return list({et::kToolCompleted, et::kAgentError});
    case Phase::kToolDone: return list({et::kAgentCompleted, et::kToolExecuting, et::kAgentThinking, et::kAgentError});
    case Phase::kEnded: break;
  }
  return {};
}

std::string LifecycleOrder::expected() const {
  const auto types = allowed();
  if (types.empty()) return "nothing more";
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == types.size() ? " or " : ", ") + types[i];
    if (types[i] == et::kToolCompleted) out += " of " + open_tool_;
  }
  return out;
}

std::vector<std::string> LifecycleOrder::shortest_rest() const {
  static constexpr std::string_view kRest[] = {et::kAgentStarted, et::kAgentThinking, et::kToolExecuting,
                                               et::kToolCompleted, et::kAgentCompleted};
  std::size_t from = std::size(kRest);
  switch (phase_) {
    case Phase::kNone: from = 0; break;
    case Phase::kStarted: from = 1; break;
    case Phase::kThought: from = 2; break;
    case Phase::kExecuting: from = 3; break;
    case Phase::kToolDone: from = 4; break;
    case Phase::kEnded: break;
  }
  std::vector<std::string> out;
  for (std::size_t i = from; i < std::size(kRest); ++i) out.emplace_back(kRest[i]);
  return out;
}

std::string LifecycleOrder::next(std::string_view type, std::string_view tool_name) {
  const auto refuse = [&] { return "got " + std::string(type) + "; expected " + expected(); };
  if (phase_ == Phase::kEnded) return refuse();
  if (type == et::kAgentError) {
    if (phase_ == Phase::kNone) return refuse();
    phase_ = Phase::kEnded;
    return {};
  }
  Phase to = phase_;
  if (type == et::kAgentStarted && phase_ == Phase::kNone) {
    to = Phase::kStarted;
  } else if (type == et::kAgentThinking &&
             (phase_ == Phase::kStarted || phase_ == Phase::kThought || phase_ == Phase::kToolDone)) {
    to = Phase::kThought;
  } else if (type == et::kToolExecuting && (phase_ == Phase::kThought || phase_ == Phase::kToolDone)) {
    to = Phase::kExecuting;
  } else if (type == et::kToolCompleted && phase_ == Phase::kExecuting && tool_name == open_tool_) {
    to = Phase::kToolDone;
  } else if (type == et::kAgentCompleted && phase_ == Phase::kToolDone) {
    to = Phase::kEnded;
  } else {
    return refuse();
  }
  if (type == et::kToolExecuting) open_tool_ = std::string(tool_name);
  phase_ = to;
  return {};
}

}  // namespace bridgesim::protocol
