#include "sim/sim_auth_service.hpp"

#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {

SimAuthService::SimAuthService(Scheduler& scheduler, Rng rng, Trace& trace, const FaultPlan* faults)
    : scheduler_(scheduler), rng_(std::move(rng)), trace_(trace), faults_(faults) {}

void SimAuthService::check_identity(std::string user_id, std::function<void(runtime::AuthServiceReply)> done) {
  const runtime::Nanos now = scheduler_.elapsed_ns();
  runtime::Nanos delay =
      static_cast<runtime::Nanos>(rng_.uniform(runtime::kNanosPerMilli, 3 * runtime::kNanosPerMilli));
  runtime::AuthServiceReply reply = runtime::AuthServiceReply::kAllowed;
  std::string state = "up";
  if (faults_ != nullptr) {
    if (faults_->active(FaultKind::kAuthDown, now)) {
      reply = runtime::AuthServiceReply::kUnavailable;
      state = "down";
    } else if (const Fault* f = faults_->active(FaultKind::kAuthFlapping, now)) {
      const runtime::Nanos period = f->int_param("period_ms", 1) * runtime::kNanosPerMilli;
      if (((now - f->at_ns) / period) % 2 == 0) {
        reply = runtime::AuthServiceReply::kUnavailable;
        state = "flapping-down";
      } else {
        state = "flapping-up";
      }
    }
    // A service that answers denies a revoked identity; one that is down
    // says nothing about it.
    if (reply == runtime::AuthServiceReply::kAllowed && faults_->active(FaultKind::kAuthRevoked, now, user_id)) {
      reply = runtime::AuthServiceReply::kDenied;
      state += "+revoked";
    }
    if (const Fault* f = faults_->active(FaultKind::kAuthSlow, now)) {
      delay += f->int_param("delay_ms", 0) * runtime::kNanosPerMilli;
      state += "+slow";
    }
  }
  const std::string self(actor::kAuthService);
  trace_.add({now,
              self,
              std::string(record::kCall),
              {make_field(record_field::kUser, user_id), make_field(record_field::kState, state)}});
  for (const FaultKind kind : kFaultKinds) {
    // A targeted kind takes effect on its target's calls only.
    const std::string_view whom = info(kind).targeted ? std::string_view(user_id) : std::string_view();
    if (faults_ != nullptr && faults_->active(kind, now, whom)) trace_.add(fault_hit(now, self, kind));
  }
  scheduler_.post_after(delay, [done = std::move(done), reply] { done(reply); });
}

}  // namespace bridgesim::sim
