#pragma once
// Which of a scenario's faults a probe applies to a live server, and how;
// which it cannot, and why (listed per fault in the console and the report).
//
// Applied by the clients themselves (the simulator's own code, unchanged):
// the token faults, token_expires, client_close (before accept, after an
// event, mid-tool; abort, close frame or `disconnect`), the cancel_mid_run
// workload, the [mix]'s late tab and reused client_msg_ids. Applied by the
// probe on its clients' sockets: reset (TCP RST, SO_LINGER 0) at `at`, and
// slow_consumer (one frame read per read_interval_ms from `at` to heal, so
// TCP backpressure reaches the server). With `via_proxy` (probe
// --via-proxy: the clients connect through an embedded bridgesim proxy) the
// network path's faults are applied by the proxy, as `bridgesim proxy
// --scenario` applies them (proxy/fault_mapping.hpp): latency, jitter,
// spikes, reorder, partition, server_close, and reset or slow_consumer
// aimed at everyone. What is inside the server is never applied.
#include <string>
#include <vector>

#include "cli/live_transport.hpp"
#include "scenarios/client_world.hpp"
#include "scenarios/scenario.hpp"
#include "sim/fault_plan.hpp"

namespace bridgesim::cli {

struct NotApplied {
  std::string what;  // a fault kind ("partition"), or "swarm", "[system]", "[network]", "[mix] tool_calls"
  std::string target;
  std::string why;
};

struct LiveFaultPlan {
  std::vector<sim::Fault> by_clients;  // the clients enact them
  std::vector<sim::Fault> by_probe;    // the probe applies them to its clients' sockets
  std::vector<sim::Fault> by_proxy;    // the embedded fault proxy applies them (via_proxy only)
  std::vector<NotApplied> not_applied;
};

LiveFaultPlan plan_live_faults(const scenarios::Scenario& scenario, bool via_proxy = false);

// Schedules the probe's own faults (reset, slow_consumer) on the world's
// timers; each leaves a `fault_hit` record of actor "probe" when it acts.
void schedule_probe_faults(const LiveFaultPlan& plan, const scenarios::ClientWorld& world, LiveTransport& transport);

}  // namespace bridgesim::cli
