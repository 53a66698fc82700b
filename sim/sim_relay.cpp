#include "sim/sim_relay.hpp"

#include <algorithm>

#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {
namespace {

std::vector<Field> run_and_seq(const runtime::RelayMessage& message) {
  return {make_field(record_field::kRun, message.run_id), make_field(record_field::kSeq, std::to_string(message.seq))};
}

}  // namespace

SimRelay::SimRelay(Scheduler& scheduler, Rng rng, Trace& trace, const FaultPlan* faults)
    : scheduler_(scheduler), rng_(std::move(rng)), trace_(trace), faults_(faults) {}

void SimRelay::publish(runtime::RelayMessage message) {
  const runtime::Nanos now = scheduler_.elapsed_ns();
  const std::string relay(actor::kRelay);
  trace_.add(make_publish_record(now, message.user_id, message.run_id, message.seq, message.type));
  const Fault* drop = faults_ ? faults_->active(FaultKind::kRelayDrop, now) : nullptr;
  if (drop != nullptr && rng_.chance(static_cast<std::uint32_t>(drop->int_param("per_million", 0)))) {
    trace_.add(fault_hit(now, relay, FaultKind::kRelayDrop, run_and_seq(message)));
    return;
  }
  const Fault* reorder = faults_ ? faults_->active(FaultKind::kRelayReorder, now) : nullptr;
  const runtime::Nanos window = reorder ? reorder->int_param("window_ms", 1) * runtime::kNanosPerMilli : 0;
  if (reorder != nullptr && reordered_runs_.insert(message.run_id).second) {
    trace_.add(fault_hit(now, relay, FaultKind::kRelayReorder, {make_field(record_field::kRun, message.run_id)}));
  }
  const Fault* dup = faults_ ? faults_->active(FaultKind::kRelayDuplicate, now) : nullptr;
  if (dup != nullptr && rng_.chance(static_cast<std::uint32_t>(dup->int_param("per_million", 0)))) {
    trace_.add(fault_hit(now, relay, FaultKind::kRelayDuplicate, run_and_seq(message)));
    send(message, true, std::max<runtime::Nanos>(window, 5 * runtime::kNanosPerMilli));
  }
  send(std::move(message), reorder != nullptr, window);
}

void SimRelay::send(runtime::RelayMessage message, bool reorder, runtime::Nanos window_ns) {
  const runtime::Nanos now = scheduler_.elapsed_ns();
  runtime::Nanos at = now + static_cast<runtime::Nanos>(rng_.uniform(0, kLatencyMaxNs));
  if (reorder) {
    at += static_cast<runtime::Nanos>(rng_.uniform(0, static_cast<std::uint64_t>(window_ns)));
  } else {
    at = std::max(at, last_at_ + 1);  // a healthy bus keeps publish order
    last_at_ = at;
  }
  scheduler_.post_after(at - now, [this, m = std::move(message)]() mutable {
    if (receiver_) receiver_(std::move(m));
  });
}

}  // namespace bridgesim::sim
