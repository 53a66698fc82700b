#pragma once
// A scenario's FaultPlan (sim/fault_plan.hpp) as the proxy applies it: each
// network fault becomes toxics added at its `at` and removed at its `heal`
// (times since the proxy started), aimed at its target; every other fault
// is listed with the reason the proxy cannot apply it.
//
//   latency {min_ms, max_ms}       -> latency (latency = mid, jitter = half the range), both streams
//   latency_spike {per_million, spike_ms} -> latency_spike, both streams
//   jitter {max_ms}                -> latency (latency = jitter = max_ms / 2: [0, max_ms]), both streams
//   reorder {window_ms}            -> reorder, both streams
//   partition {}                   -> partition, both streams (held until heal)
//   slow_consumer {read_interval_ms} -> slow_reader, downstream
//   server_close {frame}           -> server_close (frame true: close 1001; false: no close frame)
//   reset {}                       -> reset_peer (timeout 0: at `at`)
//   client_close                   -> not applied: the client's own act (the probe's clients enact it)
//   relay_*, application kinds     -> not applied: inside the server, behind the socket
//   *_token, token_expires         -> not applied: the client's token (the probe mints it)
#include <string>
#include <vector>

#include "proxy/fault_proxy.hpp"
#include "sim/fault_plan.hpp"

namespace bridgesim::proxy {

struct NotApplied {
  std::string kind;
  std::string why;
};

struct PlanMapping {
  std::vector<ScheduledToxic> toxics;
  std::vector<NotApplied> not_applied;
};

// Toxic names: "<kind>#<n>_<stream>", n the fault's 1-based place in the plan.
PlanMapping map_fault_plan(const sim::FaultPlan& plan);

// The same as trace records: `planned` (actor "faults", the simulator's
// fields: kind, target, at, heal, params) for every fault, then
// `not_applied` (actor "proxy") for those the proxy cannot apply.
void record_plan(ProxyTrace& trace, const sim::FaultPlan& plan, const PlanMapping& mapping);

}  // namespace bridgesim::proxy
