#pragma once
// The whole system behind one entry point. Startup builds every component
// through a factory seam (Components), in order, then validates the
// critical path; transports hand it connections and HTTP requests.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/fields.hpp"
#include "system/agents.hpp"
#include "system/auth.hpp"
#include "system/auth_service_client.hpp"
#include "system/bridge.hpp"
#include "system/critical_path.hpp"
#include "system/health.hpp"
#include "system/http_api.hpp"
#include "system/message_loop.hpp"
#include "system/messenger.hpp"
#include "system/ordered_receiver.hpp"
#include "system/router.hpp"
#include "system/run_log.hpp"
#include "system/run_service.hpp"
#include "system/runtime/auth_service.hpp"
#include "system/runtime/bounds.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/random.hpp"
#include "system/runtime/relay.hpp"
#include "system/session.hpp"
#include "system/websocket_admission.hpp"
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
  // Optional: hears of every bound the system reaches (system/runtime/bounds.hpp).
  runtime::BoundObserver* bounds = nullptr;
};

struct AppConfig {
  std::string jwt_secret = "bridgesim-dev-secret";
  std::size_t frame_bytes_max = protocol::kFrameBytesMaxDefault;
  std::string default_agent = "assistant";
  LatencyRange llm_latency{5 * runtime::kNanosPerMilli, 20 * runtime::kNanosPerMilli};
  LatencyRange tool_latency{2 * runtime::kNanosPerMilli, 15 * runtime::kNanosPerMilli};
  std::size_t outbound_frames_max = 256;  // frames a connection may lag before it is closed 1013
  RunLogLimits run_log;
  ReceiverLimits receiver;
  AuthServiceLimits auth_service;
  std::size_t idempotency_keys_max = 100'000;  // (user, client_msg_id) -> run remembered
  std::size_t active_runs_per_user_max = 16;
  AgentShape agent_shape;  // tool calls and thinking per run of the scripted agent
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
  std::function<std::unique_ptr<EventReceiver>(runtime::Timers&, const RunLog&, const AppConfig&,
                                               EventReceiver::Deliver, runtime::BoundObserver*)>
      receiver;
  // Optional middleware: nullptr degrades session features only.
  std::function<std::unique_ptr<SessionMiddleware>(Runtime&)> session;
  // GET /health and POST execute; absent or nullptr: the production HttpApi.
  std::function<std::unique_ptr<HttpApi>(HttpApiWiring, const AppConfig&, Runtime&)> http_api;

  static Components defaults();
};

// Everything startup made, kept for the life of the process; only the App
// sees it.
struct AppState {
  std::unique_ptr<runtime::EventRelay> own_relay;                   // when the runtime brought none
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

// What the app holds right now: for the harness's end-of-run record and for
// tests. A component startup did not make counts as holding nothing.
struct AppCensus {
  std::size_t connections = 0;  // the manager's, CLOSING ones included
  std::size_t active_runs = 0;
  std::uint64_t runs_started = 0;
  std::size_t logged_runs = 0;
  std::size_t receiver_runs = 0;
  std::size_t sessions = 0;
  std::size_t expiry_timers = 0;  // admission's watches of a token's `exp`
};

// The composition root: startup builds every component in phases, validates
// the critical path and keeps the result; admission, the message loop, the
// HTTP API and the run service do the serving. After startup nothing can
// replace a component: callers get read-only views.
class App {
 public:
  App(AppConfig config, Runtime runtime, Components components);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // A new WebSocket handshake from a transport; 503 on a broken critical path.
  void on_connection(std::shared_ptr<runtime::Connection> connection);
  // GET /health and POST /api/agent/v2/execute (see system/http_api.hpp).
  HttpResponse handle_http(const HttpRequest& request);
  HttpResponse handle_http(std::string_view method, std::string_view target) {
    return handle_http({method, target, {}, {}});
  }

  const HealthReport& health() const { return health_; }
  const AppConfig& config() const { return config_; }
  const Runtime& runtime() const { return runtime_; }
  // Who an admitted connection belongs to (nullopt once closed, or without a manager).
  std::optional<std::string> user_of(runtime::ConnectionId id) const;
  AppCensus census() const;

 private:
  // The default handler set talks to the run service and the messenger only.
  friend void register_default_handlers(MessageRouter& router, App& app);

  void run_startup(Components& components);
  void build_transport_side(Components& c);
  void build_agents(Components& c);
  void build_serving(Components& c);
  void validate_critical_path();
  void report_startup() const;

  AppConfig config_;
  Runtime runtime_;
  AppState state_;
  HealthReport health_;
  std::unique_ptr<Messenger> messenger_;
  std::unique_ptr<RunService> runs_;
  std::unique_ptr<HttpApi> http_;
  // Both only on a valid critical path. Admission is declared last so that
  // it is destroyed first: an authentication still pending then decides nothing.
  std::unique_ptr<MessageLoop> loop_;
  std::unique_ptr<WebSocketAdmission> admission_;
};

// The production handler set (system/default_handlers.hpp) on the app's run
// service and messenger: the default Components::handlers.
void register_default_handlers(MessageRouter& router, App& app);

}  // namespace bridgesim::system
