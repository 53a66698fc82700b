#pragma once
// The system's client of the remote auth service: timeout, circuit breaker
// and a bounded cache of identities already confirmed. Every check asks the
// service (so a revoked identity is refused, and forgotten); fails closed:
// when the service is down, slow or the breaker is open, a *new* identity is
// refused; an identity confirmed before still gets in on its locally verified
// token.
// The cache is LRU: at known_identities_max, the identity confirmed or
// admitted longest ago is forgotten first (deterministic, by use order).
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "system/runtime/auth_service.hpp"
#include "system/runtime/bounds.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::system {

struct AuthServiceLimits {
  runtime::Nanos timeout_ns = 500 * runtime::kNanosPerMilli;
  int failures_to_open = 3;                                   // consecutive failures
  runtime::Nanos open_for_ns = 1 * runtime::kNanosPerSecond;  // then one probe is let through
  std::size_t known_identities_max = 100'000;
  // An identity the service confirmed this recently is not asked again (so
  // a synchronous caller, POST /execute, gets an answer): a revocation takes
  // effect within this long.
  runtime::Nanos confirmed_fresh_ns = 1 * runtime::kNanosPerSecond;
  // Likewise a denial is remembered this long for a synchronous caller
  // (check's `synchronous`), whose retry then hears "denied" (POST /execute:
  // 401) instead of asking again (503). A handshake can wait for the service:
  // it always asks. At most known_identities_max denials are held; the
  // oldest goes first.
};

enum class IdentityVerdict { kAllowed, kDenied, kUnavailable };

class AuthServiceClient {
 public:
  AuthServiceClient(runtime::AuthServiceTransport& transport, const runtime::Clock& clock, runtime::Timers& timers,
                    AuthServiceLimits limits, runtime::BoundObserver* bounds = nullptr);
  ~AuthServiceClient();

  // Calls `done` exactly once. `synchronous`: the caller cannot wait for the
  // service's answer (POST /execute), so a denial heard less than
  // confirmed_fresh_ns ago answers without asking again.
  void check(const std::string& user_id, std::function<void(IdentityVerdict)> done, bool synchronous = false);
  bool breaker_open() const;
  // Confirmed by the service before (and still cached).
  bool is_known(const std::string& user_id) const { return known_.count(user_id) != 0; }
  std::size_t known_identities() const { return known_.size(); }
  std::uint64_t calls() const { return calls_; }

 private:
  void record(bool success);
  // The cache: a hit moves the identity to the back; the front is evicted.
  void remember(const std::string& user_id);
  void touch(const std::string& user_id);
  void forget(const std::string& user_id);
  // The verdict when the service cannot answer: allowed only from the cache.
  IdentityVerdict unavailable(const std::string& user_id);

  runtime::AuthServiceTransport& transport_;
  const runtime::Clock& clock_;
  runtime::Timers& timers_;
  AuthServiceLimits limits_;
  runtime::BoundObserver* bounds_;    // hears of every identity forgotten
  std::list<std::string> use_order_;  // least recently used first
  std::map<std::string, std::list<std::string>::iterator> known_;
  std::map<std::string, runtime::Nanos> confirmed_at_ns_;  // of the known identities: the service's last "allowed"
  std::map<std::string, runtime::Nanos> denied_at_ns_;     // the service's last "denied", while fresh
  void remember_denial(const std::string& user_id);
  int consecutive_failures_ = 0;
  runtime::Nanos open_until_ns_ = 0;
  std::uint64_t calls_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace bridgesim::system
