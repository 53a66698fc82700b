#pragma once
// The HTTP endpoints: GET /health, and POST /api/agent/v2/execute, which
// starts a run whose events go to the caller's open sockets (202; 401
// without a valid token; 422 naming the bad field; 503 while the critical
// path is broken or the auth service has not confirmed the identity).
#include <string>
#include <string_view>

#include "system/agents.hpp"
#include "system/auth_service_client.hpp"
#include "system/health.hpp"
#include "system/run_service.hpp"
#include "system/runtime/clock.hpp"

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
  // Tokens are verified with `jwt_secret`; an execute request without
  // `agent_name` runs `default_agent`.
  HttpApi(const HealthReport& health, std::string jwt_secret, std::string default_agent, const runtime::Clock& clock,
          const AuthServiceClient& auth_service, const AgentRegistry& registry, RunService& runs);

  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse health_response() const;
  HttpResponse execute(const HttpRequest& request);

  const HealthReport& health_;
  std::string jwt_secret_;
  std::string default_agent_;
  const runtime::Clock& clock_;
  const AuthServiceClient& auth_service_;
  const AgentRegistry& registry_;
  RunService& runs_;
};

}  // namespace bridgesim::system
