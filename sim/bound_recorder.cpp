#include "sim/bound_recorder.hpp"

#include "sim/trace_records.hpp"

namespace bridgesim::sim {

void BoundRecorder::on_bound(const runtime::BoundHit& hit) {
  trace_.add(make_bound_record(scheduler_.elapsed_ns(), hit));
}

}  // namespace bridgesim::sim
