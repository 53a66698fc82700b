#pragma once
// The remote auth service, simulated: answers "allowed" after a small
// latency, unless a fault makes it down (refuses at once), slow (answers
// after delay_ms) or flapping (down and up in alternate periods), or it
// denies a revoked identity (auth_revoked: state "...+revoked", while it is
// up). Every call is a trace record: call {user, state}.
#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/runtime/auth_service.hpp"

namespace bridgesim::sim {

class SimAuthService final : public runtime::AuthServiceTransport {
 public:
  SimAuthService(Scheduler& scheduler, Rng rng, Trace& trace, const FaultPlan* faults);
  void check_identity(std::string user_id, std::function<void(runtime::AuthServiceReply)> done) override;

  // The fault kinds this service applies (its rows name Injector::kAuthService),
  // in the order their fault_hit records are made.
  static constexpr FaultKind kFaultKinds[] = {FaultKind::kAuthDown, FaultKind::kAuthSlow, FaultKind::kAuthFlapping,
                                              FaultKind::kAuthRevoked};

 private:
  Scheduler& scheduler_;
  Rng rng_;
  Trace& trace_;
  const FaultPlan* faults_;
};

}  // namespace bridgesim::sim
