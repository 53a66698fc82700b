#include "system/auth_service_client.hpp"

#include <memory>

#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

AuthServiceClient::AuthServiceClient(runtime::AuthServiceTransport& transport, const runtime::Clock& clock,
                                     runtime::Timers& timers, AuthServiceLimits limits, runtime::BoundObserver* bounds)
    : transport_(transport), clock_(clock), timers_(timers), limits_(limits), bounds_(bounds) {}

AuthServiceClient::~AuthServiceClient() { *alive_ = false; }

void AuthServiceClient::touch(const std::string& user_id) {
  const auto it = known_.find(user_id);
  BRIDGESIM_ASSERT(it != known_.end(), "only a cached identity is touched");
  use_order_.splice(use_order_.end(), use_order_, it->second);
}

void AuthServiceClient::remember(const std::string& user_id) {
  if (limits_.known_identities_max == 0) return;  // caching off
  confirmed_at_ns_[user_id] = clock_.now_ns();
  if (known_.count(user_id) != 0) return touch(user_id);  // two checks raced: one entry
  if (known_.size() >= limits_.known_identities_max) {
    const std::string& lru = use_order_.front();  // the least recently used identity
    runtime::report_bound(bounds_, {runtime::bound::kKnownIdentities, runtime::bound_action::kEvicted, lru, lru, 0,
                                    known_.size(), limits_.known_identities_max});
    known_.erase(lru);
    confirmed_at_ns_.erase(lru);
    use_order_.pop_front();
  }
  known_.emplace(user_id, use_order_.insert(use_order_.end(), user_id));
  BRIDGESIM_ASSERT(known_.size() == use_order_.size(), "the cache and its use order hold the same identities");
  BRIDGESIM_ASSERT(known_.size() <= limits_.known_identities_max, "the identity cache is bounded");
}

bool AuthServiceClient::breaker_open() const { return clock_.now_ns() < open_until_ns_; }

void AuthServiceClient::record(bool success) {
  if (success) {
    consecutive_failures_ = 0;
    return;
  }
  if (++consecutive_failures_ >= limits_.failures_to_open) open_until_ns_ = clock_.now_ns() + limits_.open_for_ns;
}

void AuthServiceClient::forget(const std::string& user_id) {
  const auto it = known_.find(user_id);
  if (it == known_.end()) return;
  use_order_.erase(it->second);
  known_.erase(it);
  confirmed_at_ns_.erase(user_id);
  BRIDGESIM_ASSERT(known_.size() == use_order_.size(), "the cache and its use order hold the same identities");
}

void AuthServiceClient::remember_denial(const std::string& user_id) {
  if (limits_.known_identities_max == 0) return;  // caching off
  const runtime::Nanos now = clock_.now_ns();
  if (denied_at_ns_.count(user_id) == 0 && denied_at_ns_.size() >= limits_.known_identities_max) {
    auto oldest = denied_at_ns_.begin();
    for (auto it = denied_at_ns_.begin(); it != denied_at_ns_.end(); ++it)
      if (it->second < oldest->second) oldest = it;
    denied_at_ns_.erase(oldest);
  }
  denied_at_ns_[user_id] = now;
  BRIDGESIM_ASSERT(denied_at_ns_.size() <= limits_.known_identities_max, "the denial memory is bounded");
}

IdentityVerdict AuthServiceClient::unavailable(const std::string& user_id) {
  if (known_.count(user_id) == 0) return IdentityVerdict::kUnavailable;
  touch(user_id);
  return IdentityVerdict::kAllowed;  // confirmed before: the cache stands in for the service
}

void AuthServiceClient::check(const std::string& user_id, std::function<void(IdentityVerdict)> done, bool synchronous) {
  // The service is asked whenever it may answer (unless it confirmed the
  // identity moments ago), so a revoked identity is refused; the cache only
  // stands in while it cannot.
  // For a caller that cannot wait, a denial heard moments ago stands (the
  // service said so: fail closed).
  const auto denied = denied_at_ns_.find(user_id);
  if (synchronous && denied != denied_at_ns_.end()) {
    if (clock_.now_ns() - denied->second < limits_.confirmed_fresh_ns) return done(IdentityVerdict::kDenied);
    denied_at_ns_.erase(denied);
  }
  if (breaker_open()) return done(unavailable(user_id));
  const auto fresh = confirmed_at_ns_.find(user_id);
  if (fresh != confirmed_at_ns_.end() && clock_.now_ns() - fresh->second < limits_.confirmed_fresh_ns) {
    touch(user_id);
    return done(IdentityVerdict::kAllowed);
  }
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
  call->timeout = timers_.call_after(limits_.timeout_ns, [this, call, alive, user_id] {
    if (alive.expired() || call->answered) return;
    call->answered = true;
    record(false);
    call->done(unavailable(user_id));
  });
  transport_.check_identity(user_id, [this, call, alive, user_id](runtime::AuthServiceReply reply) {
    if (alive.expired() || call->answered) return;
    call->answered = true;
    call->timeout.cancel();
    BRIDGESIM_ASSERT(calls_ > 0, "a reply answers a call that was made");
    switch (reply) {
      case runtime::AuthServiceReply::kAllowed:
        record(true);
        denied_at_ns_.erase(user_id);
        remember(user_id);
        return call->done(IdentityVerdict::kAllowed);
      case runtime::AuthServiceReply::kDenied:
        record(true);
        forget(user_id);  // revoked: the cache must not let it back in
        remember_denial(user_id);
        return call->done(IdentityVerdict::kDenied);
      case runtime::AuthServiceReply::kUnavailable: record(false); return call->done(unavailable(user_id));
    }
  });
}

}  // namespace bridgesim::system
