#pragma once
// The HTTP endpoints: GET /health (startup's critical-path validation) and
// /health/ready (the same answer: can take traffic; load never makes it
// 503), GET /health/live (200 while the process answers), and POST /api/agent/v2/execute, which
// starts a run whose events go to the caller's open sockets (202; 401
// without a valid token or for a denied identity; 422 naming the bad field;
// 503 while the critical path is broken, while the auth service has not
// confirmed the identity, or while the run log has no room for a new run;
// 409 when the engine refuses the run). The token is checked by the app's
// own Authenticator, the one the WebSocket handshake uses.
#include <optional>
#include <string>
#include <string_view>

#include "system/agents.hpp"
#include "system/auth.hpp"
#include "system/health.hpp"
#include "system/run_log.hpp"
#include "system/run_service.hpp"

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

class HttpApi {
 public:
  // Tokens are checked by `auth` (null only on a broken critical path); an
  // execute request without `agent_name` runs `default_agent`.
  HttpApi(const HealthReport& health, std::string default_agent, Authenticator* auth, const RunLog& run_log,
          const AgentRegistry& registry, RunService& runs);

  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse health_response() const;
  HttpResponse execute(const HttpRequest& request);
  // The decision if the authenticator made it at once; nullopt while it
  // waits on the auth service (its late answer is cached there).
  std::optional<AuthDecision> authenticate(std::string_view authorization);

  const HealthReport& health_;
  std::string default_agent_;
  Authenticator* auth_;
  const RunLog& run_log_;
  const AgentRegistry& registry_;
  RunService& runs_;
};

}  // namespace bridgesim::system
