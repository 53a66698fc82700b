#include "system/events.hpp"

#include "protocol/frames.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

std::string serialize(const AgentEvent& event) {
  BRIDGESIM_ASSERT(event.seq >= 1, "seq counts from 1");
  BRIDGESIM_ASSERT(event.timestamp_ns >= 0, "an event is stamped with a time after the epoch");
  // The wire carries whole milliseconds, truncated.
  return protocol::make_run_event({event.type, event.ctx.run_id, event.ctx.thread_id, event.ctx.user_id,
                                   event.agent_name, event.seq, event.timestamp_ns / runtime::kNanosPerMilli},
                                  event.payload);
}

}  // namespace bridgesim::system
