#include "system/app.hpp"

#include <utility>

#include "system/default_handlers.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {
namespace {

// How validation names each critical component's absence. Every
// kCriticalComponents entry (what the harness may take away) must have one.
struct CriticalComponentCheck {
  std::string_view component;
  std::string_view failure;
};
constexpr CriticalComponentCheck kCriticalComponentChecks[] = {
    {"bridge", "agent_websocket_bridge: not registered in AppState"},
    {"llm", "agent_registry: no LLM client"},
};

constexpr const CriticalComponentCheck* check_for(std::string_view component) {
  for (const auto& check : kCriticalComponentChecks) {
    if (check.component == component) return &check;
  }
  return nullptr;
}

constexpr bool every_critical_component_checked() {
  for (const auto component : kCriticalComponents) {
    if (check_for(component) == nullptr) return false;
  }
  return true;
}
static_assert(every_critical_component_checked(), "a kCriticalComponents entry that validation does not name");

std::string missing(std::string_view component) { return std::string(check_for(component)->failure); }

}  // namespace

Components Components::defaults() {
  Components c;
  c.manager = [](const AppConfig& config, Runtime& rt) {
    return std::make_unique<WebSocketManager>(rt.logger, config.outbound_frames_max);
  };
  c.bridge = [](BridgeWiring wiring, Runtime&) { return std::make_unique<AgentWebSocketBridge>(wiring); };
  c.llm = [](const AppConfig& config, Runtime& rt) -> std::unique_ptr<LlmClient> {
    return std::make_unique<FakeLlmClient>(rt.timers, rt.random, config.llm_latency);
  };
  c.tools_and_agents = [](AgentRegistry& registry, const AppConfig& config, Runtime& rt) {
    registry.add_tool(std::make_unique<FakeSearchTool>(rt.timers, rt.random, config.tool_latency));
    registry.register_agent(config.default_agent,
                            [](AgentDeps deps) { return std::make_shared<ScriptedAgent>(std::move(deps)); });
  };
  c.auth = [](const AppConfig& config, Runtime& rt, AuthServiceClient& service) -> std::unique_ptr<Authenticator> {
    return std::make_unique<JwtAuthenticator>(config.jwt_secret, rt.clock, &service);
  };
  c.handlers = [](MessageRouter& router, App& app) { register_default_handlers(router, app); };
  c.session = [](Runtime& rt) { return std::make_unique<SessionMiddleware>(rt.random); };
  c.receiver = [](runtime::Timers& timers, const RunLog& log, const AppConfig& config, EventReceiver::Deliver deliver,
                  runtime::BoundObserver* bounds) {
    return std::make_unique<OrderedReceiver>(timers, log, config.receiver, std::move(deliver), bounds);
  };
  return c;
}

App::App(AppConfig config, Runtime runtime, Components components)
    : config_(std::move(config)), runtime_(std::move(runtime)) {
  run_startup(components);
}

App::~App() = default;

void App::run_startup(Components& c) {
  // Phase order matters: each phase consumes what the previous ones made.
  build_transport_side(c);
  build_agents(c);
  build_serving(c);
  // 5. critical-path validation: /health and admission depend on it.
  validate_critical_path();
  report_startup();
  HttpApiWiring wiring{health_, config_.default_agent, state_.auth.get(), *state_.run_log, *state_.registry,
                       *runs_,  runtime_.bounds};
  if (c.http_api) http_ = c.http_api(wiring, config_, runtime_);
  if (!http_) http_ = std::make_unique<HttpApi>(wiring);
  if (!health_.ok) return;
  BRIDGESIM_ASSERT(state_.manager && state_.bridge && state_.receiver && state_.auth && state_.registry->has_llm(),
                   "a valid critical path has every critical component");
  loop_ = std::make_unique<MessageLoop>(*state_.manager, *state_.router, *messenger_, config_.frame_bytes_max,
                                        runtime_.logger);
  admission_ = std::make_unique<WebSocketAdmission>(*state_.auth, *state_.manager, state_.session.get(), *loop_,
                                                    runtime_.clock, runtime_.timers, runtime_.logger);
}

// 1. transport-side plumbing: relay, run log, socket manager, receiver.
void App::build_transport_side(Components& c) {
  if (runtime_.relay == nullptr) state_.own_relay = std::make_unique<runtime::DirectRelay>();
  state_.relay = runtime_.relay ? runtime_.relay : state_.own_relay.get();
  BRIDGESIM_ASSERT(state_.relay != nullptr, "there is always a relay: the runtime's or the app's own");
  state_.run_log = std::make_unique<RunLog>(runtime_.timers, config_.run_log, runtime_.bounds);
  state_.manager = c.manager ? c.manager(config_, runtime_) : nullptr;
  if (state_.manager && c.receiver) {
    state_.receiver = c.receiver(
        runtime_.timers, *state_.run_log, config_,
        [manager = state_.manager.get()](const runtime::RelayMessage& m) {
          BRIDGESIM_ASSERT(!m.user_id.empty(), "every relayed event names its user");
          manager->send_to_user(m.user_id, m.frame);
        },
        runtime_.bounds);
  }
  if (state_.receiver) {
    state_.relay->subscribe(
        [receiver = state_.receiver.get()](runtime::RelayMessage m) { receiver->on_message(std::move(m)); });
  }
}

// 2. the bridge, kept in AppState for the life of the process; 3. agents
// and what they are built from.
void App::build_agents(Components& c) {
  if (c.bridge) state_.bridge = c.bridge(BridgeWiring{*state_.relay, *state_.run_log, runtime_.clock}, runtime_);
  state_.registry =
      std::make_unique<AgentRegistry>(state_.bridge.get(), c.llm ? c.llm(config_, runtime_) : nullptr, runtime_.clock);
  state_.registry->set_agent_shape(config_.agent_shape, &runtime_.random);
  if (c.tools_and_agents) c.tools_and_agents(*state_.registry, config_, runtime_);
  state_.engine = std::make_unique<ExecutionEngine>(*state_.registry, runtime_.timers, config_.active_runs_per_user_max,
                                                    runtime_.bounds);
}

// 4. auth, session, the run service, routing.
void App::build_serving(Components& c) {
  if (runtime_.auth_service == nullptr) state_.own_auth_service = std::make_unique<runtime::AllowAllAuthService>();
  state_.auth_service =
      std::make_unique<AuthServiceClient>(runtime_.auth_service ? *runtime_.auth_service : *state_.own_auth_service,
                                          runtime_.clock, runtime_.timers, config_.auth_service, runtime_.bounds);
  state_.auth = c.auth ? c.auth(config_, runtime_, *state_.auth_service) : nullptr;
  state_.session = c.session ? c.session(runtime_) : nullptr;
  messenger_ = std::make_unique<Messenger>(state_.manager.get());
  runs_ = std::make_unique<RunService>(*state_.run_log, *state_.engine, *messenger_, runtime_.random,
                                       config_.idempotency_keys_max, runtime_.bounds);
  state_.router = std::make_unique<MessageRouter>();
  if (c.handlers) c.handlers(*state_.router, *this);
}

void App::validate_critical_path() {
  auto& failing = health_.failing;
  if (!state_.manager) failing.push_back("websocket_manager: not created");
  if (!state_.bridge) failing.push_back(missing("bridge"));
  if (!state_.receiver) failing.push_back("event_receiver: relay events have no path to sockets");
  if (!state_.registry->has_llm()) failing.push_back(missing("llm"));
  if (!state_.registry->has_agent(config_.default_agent)) {
    failing.push_back("agent_registry: default agent '" + config_.default_agent + "' not registered");
  }
  if (!state_.auth) failing.push_back("auth: no authenticator");
  for (const auto type : kRequiredHandlers) {
    if (!state_.router->has_handler(type))
      failing.push_back("message_router: no handler for '" + std::string(type) + "'");
  }
  if (!state_.session) health_.degraded.push_back("session: middleware not installed (session features off)");
  health_.ok = failing.empty();
}

void App::report_startup() const {
  if (health_.ok) {
    runtime_.logger->info("startup complete: critical path valid");
  } else {
    for (const auto& f : health_.failing) runtime_.logger->error("startup validation failed: {}", f);
  }
  for (const auto& d : health_.degraded) runtime_.logger->warn("degraded: {}", d);
}

void App::on_connection(std::shared_ptr<runtime::Connection> connection) {
  if (!health_.ok) {
    // Refuse rather than half-work: no component of a broken critical path is touched.
    connection->reject(503, "service unavailable: " + health_.failing.front());
    return;
  }
  BRIDGESIM_ASSERT(admission_ != nullptr, "a healthy app has admission");
  admission_->on_connection(std::move(connection));
}

HttpResponse App::handle_http(const HttpRequest& request) { return http_->handle(request); }

std::optional<std::string> App::user_of(runtime::ConnectionId id) const {
  return state_.manager ? state_.manager->user_of(id) : std::nullopt;
}

AppCensus App::census() const {
  AppCensus census;
  census.connections = state_.manager ? state_.manager->connection_count() : 0;
  census.active_runs = state_.engine->active_runs();
  census.runs_started = state_.engine->runs_started();
  census.logged_runs = state_.run_log->runs();
  census.receiver_runs = state_.receiver ? state_.receiver->runs_tracked() : 0;
  census.sessions = state_.session ? state_.session->open_sessions() : 0;
  census.expiry_timers = admission_ ? admission_->expiries_watched() : 0;
  BRIDGESIM_ASSERT(census.active_runs <= census.runs_started, "no more runs are active than were ever started");
  return census;
}

void register_default_handlers(MessageRouter& router, App& app) {
  register_default_handlers(router, *app.runs_, *app.messenger_, app.config_.default_agent);
}

}  // namespace bridgesim::system
