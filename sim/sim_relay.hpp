#pragma once
// The relay between the agent's process and the socket's process, simulated:
// FIFO with a small latency, unless a relay fault reorders, drops or
// duplicates. Every publish, drop and duplicate is a trace record, which is
// also how properties see what the system emitted at the source.
#include <set>
#include <string>

#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::sim {

class SimRelay final : public runtime::EventRelay {
 public:
  SimRelay(Scheduler& scheduler, Rng rng, Trace& trace, const FaultPlan* faults);
  void subscribe(std::function<void(runtime::RelayMessage)> receiver) override { receiver_ = std::move(receiver); }
  void publish(runtime::RelayMessage message) override;

  // The fault kinds this relay applies (its rows name Injector::kRelay).
  static constexpr FaultKind kFaultKinds[] = {FaultKind::kRelayReorder, FaultKind::kRelayDrop,
                                              FaultKind::kRelayDuplicate};

 private:
  void send(runtime::RelayMessage message, bool reorder, runtime::Nanos window_ns);

  Scheduler& scheduler_;
  Rng rng_;
  Trace& trace_;
  const FaultPlan* faults_;
  std::function<void(runtime::RelayMessage)> receiver_;
  runtime::Nanos last_at_ = 0;
  std::set<std::string> reordered_runs_;  // traced once per run
  static constexpr runtime::Nanos kLatencyMaxNs = runtime::kNanosPerMilli;
};

}  // namespace bridgesim::sim
