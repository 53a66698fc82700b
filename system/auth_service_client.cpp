#include "system/auth_service_client.hpp"

#include <memory>

namespace bridgesim::system {

AuthServiceClient::AuthServiceClient(runtime::AuthServiceTransport& transport, const runtime::Clock& clock,
                                     runtime::Timers& timers, AuthServiceLimits limits)
    : transport_(transport), clock_(clock), timers_(timers), limits_(limits) {}

AuthServiceClient::~AuthServiceClient() { *alive_ = false; }

bool AuthServiceClient::breaker_open() const { return clock_.now_ns() < open_until_ns_; }

void AuthServiceClient::record(bool success) {
  if (success) {
    consecutive_failures_ = 0;
    return;
  }
  if (++consecutive_failures_ >= limits_.failures_to_open) open_until_ns_ = clock_.now_ns() + limits_.open_for_ns;
}

void AuthServiceClient::check(const std::string& user_id, std::function<void(IdentityVerdict)> done) {
  if (known_.count(user_id) != 0) return done(IdentityVerdict::kAllowed);
  if (breaker_open()) return done(IdentityVerdict::kUnavailable);
  ++calls_;
  // Whichever comes first, the reply or the timeout, answers; the other is ignored.
  struct Call {
    std::function<void(IdentityVerdict)> done;
    bool answered = false;
    runtime::TimerHandle timeout;
  };
  auto call = std::make_shared<Call>();
  call->done = std::move(done);
  std::weak_ptr<bool> alive = alive_;
  call->timeout = timers_.call_after(limits_.timeout_ns, [this, call, alive] {
    if (alive.expired() || call->answered) return;
    call->answered = true;
    record(false);
    call->done(IdentityVerdict::kUnavailable);
  });
  transport_.check_identity(user_id, [this, call, alive, user_id](runtime::AuthServiceReply reply) {
    if (alive.expired() || call->answered) return;
    call->answered = true;
    call->timeout.cancel();
    switch (reply) {
      case runtime::AuthServiceReply::kAllowed:
        record(true);
        if (known_.size() >= limits_.known_identities_max) known_.erase(known_.begin());
        known_.insert(user_id);
        return call->done(IdentityVerdict::kAllowed);
      case runtime::AuthServiceReply::kDenied: record(true); return call->done(IdentityVerdict::kDenied);
      case runtime::AuthServiceReply::kUnavailable: record(false); return call->done(IdentityVerdict::kUnavailable);
    }
  });
}

}  // namespace bridgesim::system
