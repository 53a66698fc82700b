#include "system/http_api.hpp"

#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "system/auth.hpp"

namespace bridgesim::system {
namespace {

namespace field = protocol::field;

HttpResponse json_response(int status, const boost::json::object& body) {
  return HttpResponse{status, "application/json", boost::json::serialize(body)};
}

HttpResponse method_not_allowed() { return {405, "application/json", R"({"error":"method not allowed"})"}; }

}  // namespace

HttpApi::HttpApi(const HealthReport& health, std::string jwt_secret, std::string default_agent,
                 const runtime::Clock& clock, const AuthServiceClient& auth_service, const AgentRegistry& registry,
                 RunService& runs)
    : health_(health),
      jwt_secret_(std::move(jwt_secret)),
      default_agent_(std::move(default_agent)),
      clock_(clock),
      auth_service_(auth_service),
      registry_(registry),
      runs_(runs) {}

HttpResponse HttpApi::handle(const HttpRequest& request) {
  if (request.target == "/api/agent/v2/execute") {
    if (request.method != "POST") return method_not_allowed();
    return execute(request);
  }
  if (request.target == "/health") {
    if (request.method != "GET") return method_not_allowed();
    return health_response();
  }
  return {404, "application/json", R"({"error":"not found"})"};
}

HttpResponse HttpApi::health_response() const {
  boost::json::array failing, degraded;
  for (const auto& f : health_.failing) failing.emplace_back(f);
  for (const auto& d : health_.degraded) degraded.emplace_back(d);
  boost::json::object body{{"status", health_.ok ? "ok" : "unhealthy"}};
  if (!failing.empty()) body["failing"] = std::move(failing);
  if (!degraded.empty()) body["degraded"] = std::move(degraded);
  return json_response(health_.ok ? 200 : 503, body);
}

HttpResponse HttpApi::execute(const HttpRequest& request) {
  if (!health_.ok)
    return json_response(503, {{"error", "service unavailable"}, {field::kMessage, health_.failing.front()}});
  // The same local verification as the WebSocket handshake; the identity
  // must also be one the auth service confirmed (fail closed otherwise).
  const JwtAuthenticator verifier(jwt_secret_, clock_);
  const AuthDecision decision =
      verifier.verify_locally(runtime::HandshakeRequest{"/", std::string(request.authorization), {}});
  if (!decision.ok) return json_response(401, {{"error", "unauthorized"}, {field::kMessage, decision.reason}});
  if (!auth_service_.is_known(decision.user_id)) {
    return json_response(
        503, {{"error", "identity not confirmed"},
              {field::kMessage, "the auth service has not confirmed this identity yet; open a WebSocket first"}});
  }
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(request.body, ec);
  if (ec || !parsed.is_object()) {
    return json_response(
        422, {{"error", "validation_error"}, {"fields", boost::json::object{{"body", "must be a JSON object"}}}});
  }
  const auto& body = parsed.as_object();
  boost::json::object fields;
  auto text_field = [&](std::string_view name, bool required) -> std::string {
    const auto* v = body.if_contains(name);
    if (v == nullptr) {
      if (required) fields[name] = "required";
      return {};
    }
    if (!v->is_string() || v->as_string().empty()) {
      fields[name] = "must be a non-empty string";
      return {};
    }
    return std::string(v->as_string());
  };
  std::string agent = text_field(field::kAgentName, false);
  const std::string thread_id = text_field(field::kThreadId, true);
  const std::string input = text_field(field::kInput, true);
  if (!fields.empty()) return json_response(422, {{"error", "validation_error"}, {"fields", std::move(fields)}});
  if (agent.empty()) agent = default_agent_;
  if (!registry_.has_agent(agent)) {
    return json_response(422, {{"error", "validation_error"},
                               {"fields", boost::json::object{{field::kAgentName, "unknown agent '" + agent + "'"}}}});
  }
  // The thread id doubles as the run's request id (no idempotency key here).
  const RunService::Launched run = runs_.launch(decision.user_id, thread_id, thread_id, agent, input);
  if (!run.error.empty())
    return json_response(409, {{"error", protocol::error_codes::kRunNotStarted}, {field::kMessage, run.error}});
  return json_response(
      202, {{field::kRunId, run.run_id}, {field::kThreadId, thread_id}, {field::kUserId, decision.user_id}});
}

}  // namespace bridgesim::system
