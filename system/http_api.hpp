#pragma once
// The HTTP endpoints: GET /health (startup's critical-path validation) and
// /health/ready (the same answer: can take traffic; load never makes it
// 503), GET /health/live (200 while the process answers), and POST /api/agent/v2/execute, which
// starts a run whose events go to the caller's open sockets (202; 401
// without a valid token or for a denied identity; 422 naming the bad field;
// 503 while the critical path is broken, while the auth service has not
// confirmed the identity, or while the run log has no room for a new run;
// 409 when the engine refuses the run). The token is checked by the app's
// own Authenticator, the one the WebSocket handshake uses; the run is the
// token's user's, whatever the body claims. Built through a factory seam
// (Components::http_api): incident variants override the two decisions below.
#include <optional>
#include <string>
#include <string_view>

#include "system/agents.hpp"
#include "system/auth.hpp"
#include "system/health.hpp"
#include "system/run_log.hpp"
#include "system/run_service.hpp"
#include "system/runtime/bounds.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace bridgesim::system {

struct HttpRequest {
  std::string_view method;
  std::string_view target;
  std::string_view authorization;  // raw Authorization header, may be empty
  std::string_view body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// What the API serves with, all owned by the App.
struct HttpApiWiring {
  const HealthReport& health;
  std::string default_agent;  // an execute request without `agent_name` runs it
  Authenticator* auth;        // the app's own (null only on a broken critical path)
  const RunLog& run_log;
  const AgentRegistry& registry;
  RunService& runs;
  runtime::BoundObserver* bounds = nullptr;  // hears of a run refused for a full run log
};

class HttpApi {
 public:
  explicit HttpApi(HttpApiWiring wiring);
  virtual ~HttpApi() = default;
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  HttpResponse handle(const HttpRequest& request);

 protected:
  // Whether the run log can take one more run (503 run_not_started if not).
  virtual bool run_log_has_room() const { return wiring_.run_log.has_room(); }
  // Whose run an admitted request starts: the authenticated identity's,
  // never a claim of the body.
  virtual std::string run_owner(const AuthDecision& decision, const boost::json::object& body) const;

 private:
  HttpResponse health_response() const;
  HttpResponse execute(const HttpRequest& request);
  // 202 naming the run, or the refusal; `user` is the admitted identity.
  HttpResponse launch(const std::string& user, const std::string& thread_id, std::string agent,
                      const std::string& input);
  // The decision if the authenticator made it at once; nullopt while it
  // waits on the auth service (its late answer is cached there).
  std::optional<AuthDecision> authenticate(std::string_view authorization);

  HttpApiWiring wiring_;
};

}  // namespace bridgesim::system
