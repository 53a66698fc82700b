#include "system/http_api.hpp"

#include <exception>
#include <memory>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {
namespace {

namespace field = protocol::field;

HttpResponse json_response(int status, const boost::json::object& body) {
  return HttpResponse{status, "application/json", boost::json::serialize(body)};
}

HttpResponse method_not_allowed() { return {405, "application/json", R"({"error":"method not allowed"})"}; }

constexpr std::string_view kExecuteTarget = "/api/agent/v2/execute";

}  // namespace

HttpApi::HttpApi(HttpApiWiring wiring) : wiring_(std::move(wiring)) {}

std::string HttpApi::run_owner(const AuthDecision& decision, const boost::json::object&) const {
  return decision.user_id;
}

std::optional<AuthDecision> HttpApi::authenticate(std::string_view authorization) {
  auto decided = std::make_shared<std::optional<AuthDecision>>();
  wiring_.auth->authenticate(runtime::HandshakeRequest{std::string(kExecuteTarget), std::string(authorization), {}},
                             [decided](AuthDecision decision) {
                               if (!decided->has_value()) *decided = std::move(decision);
                             });
  return *decided;
}

HttpResponse HttpApi::handle(const HttpRequest& request) {
  if (request.target == kExecuteTarget) {
    if (request.method != "POST") return method_not_allowed();
    return execute(request);
  }
  if (request.target == "/health" || request.target == "/health/ready") {
    if (request.method != "GET") return method_not_allowed();
    return health_response();
  }
  if (request.target == "/health/live") {
    if (request.method != "GET") return method_not_allowed();
    // The process is up and its event loop answers: nothing else (a
    // broken critical path is readiness's business, not a reason to restart).
    return {200, "application/json", R"({"status":"live"})"};
  }
  return {404, "application/json", R"({"error":"not found"})"};
}

HttpResponse HttpApi::health_response() const {
  boost::json::array failing, degraded;
  for (const auto& f : wiring_.health.failing) failing.emplace_back(f);
  for (const auto& d : wiring_.health.degraded) degraded.emplace_back(d);
  boost::json::object body{{"status", wiring_.health.ok ? "ok" : "unhealthy"}};
  if (!failing.empty()) body["failing"] = std::move(failing);
  if (!degraded.empty()) body["degraded"] = std::move(degraded);
  return json_response(wiring_.health.ok ? 200 : 503, body);
}

HttpResponse HttpApi::execute(const HttpRequest& request) {
  if (!wiring_.health.ok)
    return json_response(503, {{"error", "service unavailable"}, {field::kMessage, wiring_.health.failing.front()}});
  BRIDGESIM_ASSERT(wiring_.auth != nullptr, "a healthy app has an authenticator");
  // The app's own authenticator, exactly as at the WebSocket handshake:
  // local verification, then the auth service (fail closed throughout).
  std::optional<AuthDecision> decision;
  try {
    decision = authenticate(request.authorization);
  } catch (const std::exception& e) {
    return json_response(500, {{"error", "authentication failed"}, {field::kMessage, e.what()}});
  }
  if (!decision) {
    return json_response(503, {{"error", "identity not confirmed"},
                               {field::kMessage, "the auth service has not confirmed this identity yet; retry later"}});
  }
  if (!decision->ok) {
    // The handshake's status: 401 refused, 503 the auth service cannot confirm it now.
    const int status = decision->http_status >= 400 ? decision->http_status : 401;
    return json_response(status, {{"error", status == 503 ? "identity not confirmed" : "unauthorized"},
                                  {field::kMessage, decision->reason}});
  }
  BRIDGESIM_ASSERT(!decision->user_id.empty(), "an admitted identity is never empty");
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
  if (agent.empty()) agent = wiring_.default_agent;
  return launch(run_owner(*decision, body), thread_id, std::move(agent), input);
}

HttpResponse HttpApi::launch(const std::string& user, const std::string& thread_id, std::string agent,
                             const std::string& input) {
  BRIDGESIM_ASSERT(!user.empty(), "an execute run belongs to someone");
  if (!wiring_.registry.has_agent(agent)) {
    return json_response(422, {{"error", "validation_error"},
                               {"fields", boost::json::object{{field::kAgentName, "unknown agent '" + agent + "'"}}}});
  }
  // As on the WebSocket path: every run is logged, so with the log full of
  // runs in flight the request is refused rather than run unresumable.
  if (!run_log_has_room()) {
    runtime::report_bound(wiring_.bounds, {runtime::bound::kRuns, runtime::bound_action::kRefused, user, "", 0,
                                           wiring_.run_log.runs(), wiring_.run_log.runs_max()});
    return json_response(503, {{"error", protocol::error_codes::kRunNotStarted},
                               {field::kMessage, "too many runs in flight; retry later"}});
  }
  // The thread id doubles as the run's request id (no idempotency key here).
  const RunService::Launched run = wiring_.runs.launch(user, thread_id, thread_id, agent, input);
  if (!run.error.empty())
    return json_response(409, {{"error", protocol::error_codes::kRunNotStarted}, {field::kMessage, run.error}});
  BRIDGESIM_ASSERT(!run.run_id.empty(), "a started run has an id");
  return json_response(202, {{field::kRunId, run.run_id}, {field::kThreadId, thread_id}, {field::kUserId, user}});
}

}  // namespace bridgesim::system
