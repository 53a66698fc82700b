#pragma once
// The system's side of a run event: what the emitter knows (the run's
// context, virtual time) turned into protocol values. The frames themselves
// are built in protocol/.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "system/context.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::system {

// An agent lifecycle event: the common fields every such event carries, plus
// the type's own payload fields (`payload` is merged flat into the frame).
struct AgentEvent {
  std::string_view type;
  const UserExecutionContext& ctx;
  std::string_view agent_name;
  std::uint64_t seq;
  runtime::Nanos timestamp_ns;
  boost::json::object payload;
};

std::string serialize(const AgentEvent& event);

}  // namespace bridgesim::system
