// Incident: when the auth service degraded, authentication fell into a
// "permissive" mode that trusted the token's claims without verifying its
// signature or expiry, so forged and expired tokens got in.
#include <boost/json.hpp>

#include "scenarios/regressions/regressions.hpp"
#include "system/auth_service_client.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

std::string unverified_sub(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return {};
  const auto payload = system::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  if (!payload) return {};
  boost::system::error_code ec;
  const auto claims = boost::json::parse(*payload, ec);
  if (ec || !claims.is_object()) return {};
  const auto* sub = claims.as_object().if_contains("sub");
  return sub != nullptr && sub->is_string() ? std::string(sub->as_string()) : std::string();
}

class PermissiveAuthenticator final : public system::Authenticator {
 public:
  PermissiveAuthenticator(std::string secret, const runtime::Clock& clock, system::AuthServiceClient& service)
      : strict_(std::move(secret), clock, &service), service_(service) {}

  void authenticate(const runtime::HandshakeRequest& request, std::function<void(system::AuthDecision)> done) override {
    bool via_subprotocol = false;
    const std::string token = system::extract_token(request, via_subprotocol);
    const std::string claimed = unverified_sub(token);
    if (claimed.empty()) return strict_.authenticate(request, std::move(done));
    service_.check(claimed, [this, request, claimed, done = std::move(done)](system::IdentityVerdict verdict) mutable {
      if (verdict == system::IdentityVerdict::kUnavailable) {
        // The bug: "the auth service is down, let them in".
        return done(system::AuthDecision{true, claimed, "", 200, ""});
      }
      strict_.authenticate(request, std::move(done));
    });
  }

 private:
  system::JwtAuthenticator strict_;
  system::AuthServiceClient& service_;
};

}  // namespace

Variant permissive_auth() {
  return Variant{
      "permissive_auth",
      "auth trusted unverified token claims while the auth service was degraded",
      "auth",
      [](system::Components& c) {
        c.auth = [](const system::AppConfig& config, system::Runtime& rt,
                    system::AuthServiceClient& service) -> std::unique_ptr<system::Authenticator> {
          return std::make_unique<PermissiveAuthenticator>(config.jwt_secret, rt.clock, service);
        };
      },
  };
}

}  // namespace bridgesim::scenarios::regressions
