#pragma once
// The whole system behind one entry point. Startup builds every component
// through a factory seam (Components), in order, then validates the
// critical path; transports hand it connections and HTTP requests.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "system/agents.hpp"
#include "system/auth.hpp"
#include "system/auth_service_client.hpp"
#include "system/bridge.hpp"
#include "system/critical_path.hpp"
#include "system/ordered_receiver.hpp"
#include "system/router.hpp"
#include "system/run_log.hpp"
#include "system/runtime/auth_service.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/random.hpp"
#include "system/runtime/relay.hpp"
#include "system/session.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

struct Runtime {
  const runtime::Clock& clock;
  runtime::Timers& timers;
  runtime::Random& random;
  runtime::Logger logger;
  // Optional: when null, the App uses an in-process relay and an auth
  // service that knows everyone.
  runtime::EventRelay* relay = nullptr;
  runtime::AuthServiceTransport* auth_service = nullptr;
};

struct AppConfig {
  std::string jwt_secret = "bridgesim-dev-secret";
  std::size_t max_frame_bytes = 64 * 1024;
  std::string default_agent = "assistant";
  LatencyRange llm_latency{5 * runtime::kNanosPerMilli, 20 * runtime::kNanosPerMilli};
  LatencyRange tool_latency{2 * runtime::kNanosPerMilli, 15 * runtime::kNanosPerMilli};
  std::size_t outbound_queue_max = 256;  // frames a connection may lag before it is closed 1013
  RunLogLimits run_log;
  ReceiverLimits receiver;
  AuthServiceLimits auth_service;
  std::size_t idempotency_keys_max = 100'000;  // (user, client_msg_id) -> run remembered
  std::size_t max_active_runs_per_user = 16;
};

class App;

// Factory seams. A factory may return nullptr: that models a component
// missing at startup, which validation must catch.
struct Components {
  std::function<std::unique_ptr<ConnectionManager>(const AppConfig&, Runtime&)> manager;
  std::function<std::unique_ptr<AgentWebSocketBridge>(BridgeWiring, Runtime&)> bridge;
  std::function<std::unique_ptr<LlmClient>(const AppConfig&, Runtime&)> llm;
  std::function<void(AgentRegistry&, const AppConfig&, Runtime&)> tools_and_agents;
  std::function<std::unique_ptr<Authenticator>(const AppConfig&, Runtime&, AuthServiceClient&)> auth;
  std::function<void(MessageRouter&, App&)> handlers;
  std::function<std::unique_ptr<EventReceiver>(runtime::Timers&, const RunLog&, const AppConfig&, EventReceiver::Deliver)>
      receiver;
  // Optional middleware: nullptr degrades session features only.
  std::function<std::unique_ptr<SessionMiddleware>(Runtime&)> session;

  static Components defaults();
};

// Everything startup made, kept for the life of the process.
struct AppState {
  std::unique_ptr<runtime::EventRelay> own_relay;                 // when the runtime brought none
  std::unique_ptr<runtime::AuthServiceTransport> own_auth_service;  // likewise
  runtime::EventRelay* relay = nullptr;
  std::unique_ptr<RunLog> run_log;
  std::unique_ptr<ConnectionManager> manager;
  std::unique_ptr<EventReceiver> receiver;
  std::unique_ptr<AgentWebSocketBridge> bridge;
  std::unique_ptr<AgentRegistry> registry;
  std::unique_ptr<ExecutionEngine> engine;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<AuthServiceClient> auth_service;
  std::unique_ptr<SessionMiddleware> session;
  std::unique_ptr<MessageRouter> router;
};

struct HealthReport {
  bool ok = false;
  std::vector<std::string> failing;   // "component: why" — critical: 503
  std::vector<std::string> degraded;  // optional features off: still 200
};

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


class App {
 public:
  App(AppConfig config, Runtime runtime, Components components);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // A new WebSocket handshake from a transport.
  void on_connection(std::shared_ptr<runtime::Connection> connection);
  // GET /health; POST /api/agent/v2/execute (a run whose events go to the
  // caller's open sockets: 202, 401 without a valid token, 422 naming the
  // bad field, 503 while the auth service has not confirmed the identity).
  HttpResponse handle_http(const HttpRequest& request);
  HttpResponse handle_http(std::string_view method, std::string_view target) { return handle_http({method, target, {}, {}}); }

  const HealthReport& health() const { return health_; }
  AppState& state() { return state_; }
  const AppConfig& config() const { return config_; }
  Runtime& runtime() { return runtime_; }

  // Starts a run for the request's user; the context is built here from the
  // authenticated identity, never from the request body's claims. A request
  // id seen before replays that run instead (retries are idempotent); an
  // empty request id starts a run unconditionally.
  void start_run(const RequestContext& request, std::string thread_id, std::string request_id, std::string_view agent,
                 std::string input);
  // An `error` frame to one connection.
  void send_error(runtime::ConnectionId id, std::string_view code, std::string_view message);
  // Replays the run's events after `after_seq` to one connection, if the run
  // is the request user's; otherwise the same error as for an unknown run.
  void resume(const RequestContext& request, const std::string& run_id, std::uint64_t after_seq);
  void cancel(const RequestContext& request, const std::string& run_id);

 private:
  HttpResponse execute(const HttpRequest& request);
  void run_startup(Components& components);
  void validate_critical_path();
  void authenticate(const std::shared_ptr<runtime::Connection>& connection, std::weak_ptr<bool> alive);
  void admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision);
  void on_text(runtime::ConnectionId id, std::string text);
  void on_closed(runtime::ConnectionId id);
  std::string next_run_id();

  AppConfig config_;
  Runtime runtime_;
  AppState state_;
  HealthReport health_;
  // (user_id, client_msg_id) -> run_id: a retried message resumes its run
  // instead of starting another. Bounded by idempotency_keys_max.
  std::map<std::pair<std::string, std::string>, std::string> runs_by_request_;
  std::deque<std::pair<std::string, std::string>> request_order_;  // oldest first, for eviction
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The production handler set: user_message, start_agent, ping, disconnect, resume, cancel.
void register_default_handlers(MessageRouter& router, App& app);

}  // namespace bridgesim::system
