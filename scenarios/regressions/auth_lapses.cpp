// Incidents in authentication after the handshake's token checks passed:
// an identity cache consulted before the auth service, so a user revoked
// after it first got in was let back in from the cache; and a token's `exp`
// dropped from the admission decision, so a socket whose token expired
// stayed open and kept starting runs. Only `auth` sees them: the clients
// get everything they ask for.
#include <memory>
#include <set>
#include <string>

#include "scenarios/regressions/regressions.hpp"
#include "system/auth_service_client.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

// Admits an identity it saw admitted before without asking anyone.
class CacheFirstAuthenticator final : public system::Authenticator {
 public:
  explicit CacheFirstAuthenticator(std::unique_ptr<system::JwtAuthenticator> inner) : inner_(std::move(inner)) {}
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(system::AuthDecision)> done) override {
    system::AuthDecision local = inner_->verify_locally(request);
    if (local.ok && admitted_.count(local.user_id) != 0) return done(std::move(local));  // the bug
    inner_->authenticate(request, [this, done = std::move(done)](system::AuthDecision decision) {
      if (decision.ok) admitted_.insert(decision.user_id);
      done(std::move(decision));
    });
  }

 private:
  std::unique_ptr<system::JwtAuthenticator> inner_;
  std::set<std::string> admitted_;
};

// Admits as the real one does, but forgets when the token expires.
class NoExpiryAuthenticator final : public system::Authenticator {
 public:
  explicit NoExpiryAuthenticator(std::unique_ptr<system::Authenticator> inner) : inner_(std::move(inner)) {}
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(system::AuthDecision)> done) override {
    inner_->authenticate(request, [done = std::move(done)](system::AuthDecision decision) {
      decision.expires_unix_s = 0;  // the bug: "never"
      done(std::move(decision));
    });
  }

 private:
  std::unique_ptr<system::Authenticator> inner_;
};

}  // namespace

Variant revoked_admitted() {
  return Variant{"revoked_admitted",
                 "an identity cache was consulted before the auth service; a user revoked mid-session got back in "
                 "from it",
                 "auth", [](system::Components& c) {
                   c.auth = [](const system::AppConfig& config, system::Runtime& rt,
                               system::AuthServiceClient& service) -> std::unique_ptr<system::Authenticator> {
                     return std::make_unique<CacheFirstAuthenticator>(
                         std::make_unique<system::JwtAuthenticator>(config.jwt_secret, rt.clock, &service));
                   };
                 }};
}

Variant expired_socket_runs() {
  return Variant{"expired_socket_runs",
                 "admission dropped the token's exp; a socket whose token expired stayed open and kept starting runs",
                 "auth", [](system::Components& c) {
                   c.auth = [auth = c.auth](
                                const system::AppConfig& config, system::Runtime& rt,
                                system::AuthServiceClient& service) -> std::unique_ptr<system::Authenticator> {
                     return std::make_unique<NoExpiryAuthenticator>(auth(config, rt, service));
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
