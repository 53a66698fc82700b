#include "system/events.hpp"

#include "protocol/frames.hpp"

namespace bridgesim::system {

std::string serialize(const AgentEvent& event) {
  // The wire carries whole milliseconds, truncated.
  return protocol::make_run_event({event.type, event.ctx.run_id, event.ctx.thread_id, event.ctx.user_id,
                                   event.agent_name, event.seq, event.timestamp_ns / runtime::kNanosPerMilli},
                                  event.payload);
}

}  // namespace bridgesim::system
