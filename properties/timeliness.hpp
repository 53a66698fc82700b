#pragma once
// Timeliness in virtual time: the bounds the `timeliness` property judges,
// and each event's emit-to-receive latency (what the reports' latency
// histogram counts, and what the property bounds).
#include <cstdint>
#include <string>
#include <vector>

#include "properties/client_view.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties {

// The production platform's acceptance suite: consecutive events of a run
// under 100 ms apart. The scripted agent's steps take 2 to 20 ms (system
// AppConfig: llm 5-20 ms, tool 2-15 ms) and a fault-free link up to 5 ms,
// so a fault-free run's largest gap is about 25 ms.
inline constexpr runtime::Nanos kEventGapBoundNs = 100 * runtime::kNanosPerMilli;
// From the relay's publish to the client's first receipt: a fault-free link
// takes at most 5 ms, the relay at most a few more.
inline constexpr runtime::Nanos kEventLatencyBoundNs = 100 * runtime::kNanosPerMilli;
// A fault-free request, from its first send to the terminal event its
// client received: about 70 ms for the scripted agent.
inline constexpr runtime::Nanos kRequestBoundNs = 1 * runtime::kNanosPerSecond;

struct EventLatency {
  std::size_t record_index = 0;  // the client's first receipt of the event
  std::string actor;
  std::string user;
  std::string run;
  std::uint64_t seq = 0;
  runtime::Nanos published_ns = 0;
  runtime::Nanos received_ns = 0;
  // Published while the receiving connection was open: the live path, not
  // a replay to a connection that opened later.
  bool live = true;
};

// The first receipt of each published event by each client, in trace order.
std::vector<EventLatency> event_latencies(const sim::Trace& trace, const ClientView& view);
// The same, computed on first use and kept with `view` (built from `trace`).
const std::vector<EventLatency>& event_latencies_of(const sim::Trace& trace, const ClientView& view);

}  // namespace bridgesim::properties
