#pragma once
// The remote auth service (identity lookup / revocation) as the system sees
// its transport. The system adds timeout, circuit breaker and caching on top
// (system/auth_service_client.hpp); the simulated world makes it slow, down
// or flapping.
#include <functional>
#include <string>

namespace bridgesim::runtime {

enum class AuthServiceReply { kAllowed, kDenied, kUnavailable };

class AuthServiceTransport {
 public:
  virtual ~AuthServiceTransport() = default;
  // Calls `done` exactly once, later or never (a hung service): callers
  // must bring their own timeout.
  virtual void check_identity(std::string user_id, std::function<void(AuthServiceReply)> done) = 0;
};

// An auth service that knows everyone: the default when none is configured.
class AllowAllAuthService final : public AuthServiceTransport {
 public:
  void check_identity(std::string, std::function<void(AuthServiceReply)> done) override {
    done(AuthServiceReply::kAllowed);
  }
};

}  // namespace bridgesim::runtime
