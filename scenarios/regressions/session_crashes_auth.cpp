// Incident: authentication read the user's session through the session
// middleware; on a deployment without the middleware every handshake threw.
#include <memory>
#include <stdexcept>

#include "scenarios/regressions/regressions.hpp"
#include "system/auth_service_client.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

class SessionBoundAuthenticator final : public system::Authenticator {
 public:
  SessionBoundAuthenticator(std::unique_ptr<system::Authenticator> inner, std::shared_ptr<bool> session_installed)
      : inner_(std::move(inner)), session_installed_(std::move(session_installed)) {}
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(system::AuthDecision)> done) override {
    if (!*session_installed_)
      throw std::runtime_error("'SessionMiddleware' must be installed to access request.session");
    inner_->authenticate(request, std::move(done));
  }

 private:
  std::unique_ptr<system::Authenticator> inner_;
  std::shared_ptr<bool> session_installed_;
};

}  // namespace

Variant session_crashes_auth() {
  return Variant{"session_crashes_auth", "auth required the session middleware and failed every handshake without it",
                 "delivery", [](system::Components& c) {
                   // Set when startup builds the session middleware; a deployment
                   // that replaces or drops that factory leaves it false.
                   auto installed = std::make_shared<bool>(false);
                   c.session = [session = c.session, installed](system::Runtime& rt) {
                     auto middleware = session ? session(rt) : nullptr;
                     *installed = middleware != nullptr;
                     return middleware;
                   };
                   c.auth = [auth = c.auth, installed](
                                const system::AppConfig& config, system::Runtime& rt,
                                system::AuthServiceClient& service) -> std::unique_ptr<system::Authenticator> {
                     return std::make_unique<SessionBoundAuthenticator>(auth(config, rt, service), installed);
                   };
                 }};
}

}  // namespace bridgesim::scenarios::regressions
