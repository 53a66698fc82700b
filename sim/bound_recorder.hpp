#pragma once
// Writes every bound the system reports (runtime::BoundObserver) to the
// trace as a `system bound` record at the scheduler's time.
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::sim {

class BoundRecorder final : public runtime::BoundObserver {
 public:
  BoundRecorder(const Scheduler& scheduler, Trace& trace) : scheduler_(scheduler), trace_(trace) {}
  void on_bound(const runtime::BoundHit& hit) override;

 private:
  const Scheduler& scheduler_;
  Trace& trace_;
};

}  // namespace bridgesim::sim
