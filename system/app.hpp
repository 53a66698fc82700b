#pragma once
// The whole system behind one entry point. Startup builds every component
// through a factory seam (Components), in order, then validates the
// critical path; transports hand it connections and HTTP requests.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "system/agents.hpp"
#include "system/auth.hpp"
#include "system/bridge.hpp"
#include "system/router.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/runtime/random.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

struct Runtime {
  const runtime::Clock& clock;
  runtime::Timers& timers;
  runtime::Random& random;
  runtime::Logger logger;
};

struct AppConfig {
  std::string jwt_secret = "bridgesim-dev-secret";
  std::size_t max_frame_bytes = 64 * 1024;
  std::string default_agent = "assistant";
  LatencyRange llm_latency{5 * runtime::kNanosPerMilli, 20 * runtime::kNanosPerMilli};
  LatencyRange tool_latency{2 * runtime::kNanosPerMilli, 15 * runtime::kNanosPerMilli};
};

class App;

// Factory seams. A factory may return nullptr: that models a component
// missing at startup, which validation must catch.
struct Components {
  std::function<std::unique_ptr<ConnectionManager>(Runtime&)> manager;
  std::function<std::unique_ptr<AgentWebSocketBridge>(ConnectionManager&, Runtime&)> bridge;
  std::function<std::unique_ptr<LlmClient>(const AppConfig&, Runtime&)> llm;
  std::function<void(AgentRegistry&, const AppConfig&, Runtime&)> tools_and_agents;
  std::function<std::unique_ptr<Authenticator>(const AppConfig&, Runtime&)> auth;
  std::function<void(MessageRouter&, App&)> handlers;

  static Components defaults();
};

// Everything startup made, kept for the life of the process.
struct AppState {
  std::unique_ptr<ConnectionManager> manager;
  std::unique_ptr<AgentWebSocketBridge> bridge;
  std::unique_ptr<AgentRegistry> registry;
  std::unique_ptr<ExecutionEngine> engine;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<MessageRouter> router;
};

struct HealthReport {
  bool ok = false;
  std::vector<std::string> failing;  // "component: why"
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Handlers the router must have for the golden path to work.
inline constexpr std::string_view kRequiredHandlers[] = {"user_message", "start_agent", "ping", "disconnect"};

class App {
 public:
  App(AppConfig config, Runtime runtime, Components components);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // A new WebSocket handshake from a transport.
  void on_connection(std::shared_ptr<runtime::Connection> connection);
  HttpResponse handle_http(std::string_view method, std::string_view target);

  const HealthReport& health() const { return health_; }
  AppState& state() { return state_; }
  const AppConfig& config() const { return config_; }
  Runtime& runtime() { return runtime_; }

  // Starts a run for the request's user; the context is built here from the
  // authenticated identity, never from the request body's claims.
  void start_run(const RequestContext& request, std::string thread_id, std::string request_id, std::string_view agent,
                 std::string input);
  // An `error` frame to one connection.
  void send_error(runtime::ConnectionId id, std::string_view code, std::string_view message);

 private:
  void run_startup(Components& components);
  void validate_critical_path();
  void on_text(runtime::ConnectionId id, std::string text);
  std::string next_run_id();

  AppConfig config_;
  Runtime runtime_;
  AppState state_;
  HealthReport health_;
};

// The production handler set: user_message, start_agent, ping, disconnect.
void register_default_handlers(MessageRouter& router, App& app);

}  // namespace bridgesim::system
