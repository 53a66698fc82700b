// Incidents on POST /api/agent/v2/execute, reached only by clients that use
// it ([mix] execute: execute_endpoint, execute_run_log and the swarm):
// an endpoint with an authenticator of its own, so the auth service (and
// any fix to Components::auth) never saw its requests; one that skipped the
// run log's room check; one that took the run's user from the body.
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "scenarios/regressions/regressions.hpp"
#include "system/auth.hpp"
#include "system/http_api.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

system::HttpApiWiring with_auth(system::HttpApiWiring wiring, system::Authenticator* auth) {
  wiring.auth = auth;
  return wiring;
}

// Verifies tokens locally with its own JwtAuthenticator: signature and exp,
// never the auth service, so a revoked identity still gets in.
class OwnAuthenticatorApi final : public system::HttpApi {
 public:
  OwnAuthenticatorApi(system::HttpApiWiring wiring, std::unique_ptr<system::Authenticator> own)
      : HttpApi(with_auth(std::move(wiring), own.get())), own_(std::move(own)) {}

 private:
  std::unique_ptr<system::Authenticator> own_;
};

// 202 whether or not the run log can take the run.
class RoomlessApi final : public system::HttpApi {
 public:
  using HttpApi::HttpApi;

 protected:
  bool run_log_has_room() const override { return true; }
};

// The body's user_id, when it names one, owns the run.
class BodyUserApi final : public system::HttpApi {
 public:
  using HttpApi::HttpApi;

 protected:
  std::string run_owner(const system::AuthDecision& decision, const boost::json::object& body) const override {
    const auto* claimed = body.if_contains(protocol::field::kUserId);
    if (claimed != nullptr && claimed->is_string() && !claimed->as_string().empty())
      return std::string(claimed->as_string());
    return decision.user_id;
  }
};

}  // namespace

Variant execute_own_authenticator() {
  return Variant{"execute_own_authenticator",
                 "POST execute built its own authenticator (local verification only), bypassing Components::auth and "
                 "the auth service: a revoked identity kept starting runs over HTTP",
                 "auth", [](system::Components& c) {
                   c.http_api = [](system::HttpApiWiring wiring, const system::AppConfig& config, system::Runtime& rt) {
                     return std::make_unique<OwnAuthenticatorApi>(
                         std::move(wiring), std::make_unique<system::JwtAuthenticator>(config.jwt_secret, rt.clock));
                   };
                 }};
}

Variant execute_skips_room_check() {
  return Variant{"execute_skips_room_check",
                 "POST execute skipped the run log's room check: 202 for a run the full log could not take, whose "
                 "events were then dropped",
                 "delivery", [](system::Components& c) {
                   c.http_api = [](system::HttpApiWiring wiring, const system::AppConfig&, system::Runtime&) {
                     return std::make_unique<RoomlessApi>(std::move(wiring));
                   };
                 }};
}

Variant execute_trusts_body_user() {
  return Variant{"execute_trusts_body_user",
                 "POST execute took the run's user from the body's user_id: a caller started runs that streamed to "
                 "another user's sockets",
                 "isolation", [](system::Components& c) {
                   c.http_api = [](system::HttpApiWiring wiring, const system::AppConfig&, system::Runtime&) {
                     return std::make_unique<BodyUserApi>(std::move(wiring));
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
