#include "system/app.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

#include "protocol/frames.hpp"

namespace bridgesim::system {

Components Components::defaults() {
  Components c;
  c.manager = [](const AppConfig& config, Runtime& rt) {
    return std::make_unique<WebSocketManager>(rt.logger, config.outbound_queue_max);
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
  c.handlers = register_default_handlers;
  c.session = [](Runtime& rt) { return std::make_unique<SessionMiddleware>(rt.random); };
  c.receiver = [](runtime::Timers& timers, const RunLog& log, const AppConfig& config, EventReceiver::Deliver deliver) {
    return std::make_unique<OrderedReceiver>(timers, log, config.receiver, std::move(deliver));
  };
  return c;
}

App::App(AppConfig config, Runtime runtime, Components components)
    : config_(std::move(config)), runtime_(std::move(runtime)) {
  run_startup(components);
}

App::~App() { *alive_ = false; }

void App::run_startup(Components& c) {
  // Phase order matters: each phase consumes what the previous ones made.
  // 1. transport-side plumbing: relay, run log, socket manager, receiver.
  if (runtime_.relay == nullptr) state_.own_relay = std::make_unique<runtime::DirectRelay>();
  state_.relay = runtime_.relay ? runtime_.relay : state_.own_relay.get();
  state_.run_log = std::make_unique<RunLog>(runtime_.timers, config_.run_log);
  state_.manager = c.manager ? c.manager(config_, runtime_) : nullptr;
  if (state_.manager && c.receiver) {
    state_.receiver = c.receiver(
        runtime_.timers, *state_.run_log, config_,
        [manager = state_.manager.get()](const runtime::RelayMessage& m) { manager->send_to_user(m.user_id, m.frame); });
  }
  if (state_.receiver) {
    state_.relay->subscribe([receiver = state_.receiver.get()](runtime::RelayMessage m) { receiver->on_message(std::move(m)); });
  }
  // 2. the bridge, kept in AppState for the life of the process.
  if (c.bridge) state_.bridge = c.bridge(BridgeWiring{*state_.relay, *state_.run_log, runtime_.clock}, runtime_);
  // 3. agents and what they are built from.
  state_.registry = std::make_unique<AgentRegistry>(state_.bridge.get(), c.llm ? c.llm(config_, runtime_) : nullptr,
                                                    runtime_.clock);
  if (c.tools_and_agents) c.tools_and_agents(*state_.registry, config_, runtime_);
  state_.engine = std::make_unique<ExecutionEngine>(*state_.registry, runtime_.timers, config_.max_active_runs_per_user);
  // 4. auth, session, routing.
  if (runtime_.auth_service == nullptr) state_.own_auth_service = std::make_unique<runtime::AllowAllAuthService>();
  state_.auth_service = std::make_unique<AuthServiceClient>(
      runtime_.auth_service ? *runtime_.auth_service : *state_.own_auth_service, runtime_.clock, runtime_.timers,
      config_.auth_service);
  state_.auth = c.auth ? c.auth(config_, runtime_, *state_.auth_service) : nullptr;
  state_.session = c.session ? c.session(runtime_) : nullptr;
  state_.router = std::make_unique<MessageRouter>();
  if (c.handlers) c.handlers(*state_.router, *this);
  // 5. critical-path validation: /health and admission depend on it.
  validate_critical_path();
  if (health_.ok) {
    runtime_.logger->info("startup complete: critical path valid");
  } else {
    for (const auto& f : health_.failing) runtime_.logger->error("startup validation failed: {}", f);
  }
  for (const auto& d : health_.degraded) runtime_.logger->warn("degraded: {}", d);
}

void App::validate_critical_path() {
  auto& failing = health_.failing;
  if (!state_.manager) failing.push_back("websocket_manager: not created");
  if (!state_.bridge) failing.push_back("agent_websocket_bridge: not registered in AppState");
  if (!state_.receiver) failing.push_back("event_receiver: relay events have no path to sockets");
  if (!state_.registry->has_llm()) failing.push_back("agent_registry: no LLM client");
  if (!state_.registry->has_agent(config_.default_agent)) {
    failing.push_back("agent_registry: default agent '" + config_.default_agent + "' not registered");
  }
  if (!state_.auth) failing.push_back("auth: no authenticator");
  for (const auto type : kRequiredHandlers) {
    if (!state_.router->has_handler(type)) failing.push_back("message_router: no handler for '" + std::string(type) + "'");
  }
  if (!state_.session) health_.degraded.push_back("session: middleware not installed (session features off)");
  health_.ok = failing.empty();
}

HttpResponse App::handle_http(const HttpRequest& request) {
  const std::string_view method = request.method;
  const std::string_view target = request.target;
  if (target == "/api/agent/v2/execute") {
    if (method != "POST") return {405, "application/json", R"({"error":"method not allowed"})"};
    return execute(request);
  }
  if (target == "/health") {
    if (method != "GET") return {405, "application/json", R"({"error":"method not allowed"})"};
    boost::json::array failing, degraded;
    for (const auto& f : health_.failing) failing.emplace_back(f);
    for (const auto& d : health_.degraded) degraded.emplace_back(d);
    boost::json::object body{{"status", health_.ok ? "ok" : "unhealthy"}};
    if (!failing.empty()) body["failing"] = std::move(failing);
    if (!degraded.empty()) body["degraded"] = std::move(degraded);
    return {health_.ok ? 200 : 503, "application/json", boost::json::serialize(body)};
  }
  return {404, "application/json", R"({"error":"not found"})"};
}

HttpResponse App::execute(const HttpRequest& request) {
  auto json_error = [](int status, boost::json::object body) {
    return HttpResponse{status, "application/json", boost::json::serialize(body)};
  };
  if (!health_.ok) return json_error(503, {{"error", "service unavailable"}, {"message", health_.failing.front()}});
  // The same local verification as the WebSocket handshake; the identity
  // must also be one the auth service confirmed (fail closed otherwise).
  const JwtAuthenticator verifier(config_.jwt_secret, runtime_.clock);
  const AuthDecision decision = verifier.verify_locally(runtime::HandshakeRequest{"/", std::string(request.authorization), {}});
  if (!decision.ok) return json_error(401, {{"error", "unauthorized"}, {"message", decision.reason}});
  if (!state_.auth_service->is_known(decision.user_id)) {
    return json_error(503, {{"error", "identity not confirmed"},
                            {"message", "the auth service has not confirmed this identity yet; open a WebSocket first"}});
  }
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(request.body, ec);
  if (ec || !parsed.is_object()) {
    return json_error(422, {{"error", "validation_error"}, {"fields", boost::json::object{{"body", "must be a JSON object"}}}});
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
  std::string agent = text_field("agent_name", false);
  const std::string thread_id = text_field("thread_id", true);
  const std::string input = text_field("input", true);
  if (!fields.empty()) return json_error(422, {{"error", "validation_error"}, {"fields", std::move(fields)}});
  if (agent.empty()) agent = config_.default_agent;
  if (!state_.registry->has_agent(agent)) {
    return json_error(422, {{"error", "validation_error"},
                            {"fields", boost::json::object{{"agent_name", "unknown agent '" + agent + "'"}}}});
  }
  UserExecutionContext ctx{decision.user_id, thread_id, next_run_id(), thread_id};
  const std::string run_id = ctx.run_id;
  if (const std::string error = state_.engine->start(std::move(ctx), agent, input); !error.empty()) {
    return json_error(409, {{"error", "run_not_started"}, {"message", error}});
  }
  return json_error(202, {{"run_id", run_id}, {"thread_id", thread_id}, {"user_id", decision.user_id}});
}

void App::on_connection(std::shared_ptr<runtime::Connection> connection) {
  if (!health_.ok) {
    // Refuse rather than half-work: no component of a broken critical path is touched.
    connection->reject(503, "service unavailable: " + health_.failing.front());
    return;
  }
  if (connection->handshake().target != "/ws") {
    connection->reject(404, "not found");
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  try {
    authenticate(connection, alive);
  } catch (const std::exception& e) {
    // An authenticator that throws refuses: fail closed, keep serving.
    runtime_.logger->error("authentication of connection {} failed: {}", connection->id(), e.what());
    connection->reject(500, "authentication failed");
  }
}

void App::authenticate(const std::shared_ptr<runtime::Connection>& connection, std::weak_ptr<bool> alive) {
  state_.auth->authenticate(connection->handshake(), [this, alive, connection](AuthDecision decision) {
    if (alive.expired()) return;
    if (!decision.ok) {
      runtime_.logger->info("refused connection {}: {}", connection->id(), decision.reason);
      return connection->reject(decision.http_status, decision.reason);
    }
    if (decision.user_id.empty()) throw std::logic_error("Authenticator admitted an empty identity");
    admit(connection, decision);
  });
}

void App::admit(std::shared_ptr<runtime::Connection> connection, const AuthDecision& decision) {
  const runtime::ConnectionId id = connection->id();
  state_.manager->add(std::move(connection), decision.user_id);
  runtime::ConnectionEvents events;
  events.on_text = [this, id](std::string text) { on_text(id, std::move(text)); };
  events.on_closed = [this, id](std::uint16_t, std::string) { on_closed(id); };
  state_.manager->accept(id, decision.subprotocol, std::move(events));
  std::string session_id;
  if (state_.session) session_id = state_.session->open(id, decision.user_id);
  state_.manager->send_to_connection(id, protocol::make_connection_established(id, decision.user_id, session_id));
}

void App::on_closed(runtime::ConnectionId id) {
  if (state_.session) state_.session->close(id);
  state_.manager->on_closed(id);
}

void App::send_error(runtime::ConnectionId id, std::string_view code, std::string_view message) {
  state_.manager->send_to_connection(id, protocol::make_error_frame(code, message));
}

void App::on_text(runtime::ConnectionId id, std::string text) {
  const auto user = state_.manager->user_of(id);
  if (!user) return;  // closed meanwhile
  if (text.size() > config_.max_frame_bytes) {
    return send_error(id, "frame_too_large", "frame of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                                                 std::to_string(config_.max_frame_bytes));
  }
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) return send_error(id, "invalid_json", "frame is not valid JSON: " + ec.message());
  if (!parsed.is_object()) return send_error(id, "invalid_message", "frame must be a JSON object");
  const auto& body = parsed.as_object();
  const auto* type = body.if_contains("type");
  if (type == nullptr || !type->is_string()) return send_error(id, "invalid_message", "frame has no string 'type'");
  const RequestContext request{id, *user};
  try {
    if (!state_.router->dispatch(type->as_string(), request, body)) {
      send_error(id, "unknown_type", "unknown message type '" + std::string(type->as_string()) + "'");
    }
  } catch (const BadRequest& e) {
    send_error(id, e.code(), e.what());
  } catch (const std::exception& e) {
    // The message loop never dies from one request.
    runtime_.logger->error("handler for '{}' failed: {}", std::string(type->as_string()), e.what());
    send_error(id, "internal_error", "request failed; retry");
  }
}

std::string App::next_run_id() {
  char buf[24];
  std::snprintf(buf, sizeof buf, "run-%016llx", static_cast<unsigned long long>(runtime_.random.next_u64()));
  return buf;
}

void App::start_run(const RequestContext& request, std::string thread_id, std::string request_id,
                    std::string_view agent, std::string input) {
  const auto key = std::make_pair(request.user_id, request_id);
  if (!request_id.empty()) {
    if (const auto seen = runs_by_request_.find(key); seen != runs_by_request_.end()) {
      // A retried request (the client reconnected before it saw the run):
      // replay the run it already started instead of starting a second --
      // while the run log still has it; once forgotten, the retry is new.
      if (state_.run_log->owner(seen->second)) return resume(request, seen->second, 0);
      runs_by_request_.erase(seen);
      request_order_.erase(std::find(request_order_.begin(), request_order_.end(), key));
    }
  }
  // Every run is logged (resume, gap fill); with the log full of runs in
  // flight, refuse rather than run one that could not be resumed.
  if (!state_.run_log->has_room()) throw BadRequest("run_not_started", "too many runs in flight; retry later");
  UserExecutionContext ctx{request.user_id, std::move(thread_id), next_run_id(), std::move(request_id)};
  const std::string run_id = ctx.run_id;
  const std::string error = state_.engine->start(std::move(ctx), agent, std::move(input));
  if (!error.empty()) throw BadRequest("run_not_started", error);
  if (key.second.empty()) return;
  if (runs_by_request_.size() >= config_.idempotency_keys_max) {
    runs_by_request_.erase(request_order_.front());  // the oldest key
    request_order_.pop_front();
  }
  runs_by_request_.emplace(key, run_id);
  request_order_.push_back(key);
}

void App::resume(const RequestContext& request, const std::string& run_id, std::uint64_t after_seq) {
  const auto owner = state_.run_log->owner(run_id);
  // Another user's run gets the very same answer as a run that never existed.
  if (!owner || *owner != request.user_id) throw BadRequest("unknown_run", "no run '" + run_id + "' to resume");
  for (const auto& m : state_.run_log->after(run_id, after_seq)) state_.manager->send_to_connection(request.connection_id, m.frame);
}

void App::cancel(const RequestContext& request, const std::string& run_id) {
  const auto owner = state_.run_log->owner(run_id);
  if (!owner || *owner != request.user_id) throw BadRequest("unknown_run", "no run '" + run_id + "' to cancel");
  if (!state_.engine->cancel(run_id, "cancelled by the user")) throw BadRequest("run_finished", "run '" + run_id + "' already ended");
}

namespace {

std::uint64_t required_seq(const boost::json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (v == nullptr) throw BadRequest("bad_request", "missing field '" + std::string(field) + "'");
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  throw BadRequest("bad_request", "field '" + std::string(field) + "' must be a non-negative integer");
}

}  // namespace

void register_default_handlers(MessageRouter& router, App& app) {
  router.add_handler("user_message", [&app](const RequestContext& request, const boost::json::object& body) {
    app.start_run(request, required_string(body, "thread_id"), required_string(body, "client_msg_id"),
                  app.config().default_agent, required_string(body, "text"));
  });
  router.add_handler("start_agent", [&app](const RequestContext& request, const boost::json::object& body) {
    const std::string agent = required_string(body, "agent");
    const std::string thread_id = required_string(body, "thread_id");
    // Each start_agent is a new run; a client that wants retries to be
    // idempotent names the request with client_msg_id, as user_message does.
    const auto* id = body.if_contains("client_msg_id");
    const std::string request_id = id != nullptr && id->is_string() ? std::string(id->as_string()) : std::string();
    app.start_run(request, thread_id, request_id, agent, required_string(body, "input"));
  });
  router.add_handler("ping", [&app](const RequestContext& request, const boost::json::object&) {
    app.state().manager->send_to_connection(request.connection_id, protocol::make_pong());
  });
  router.add_handler("disconnect", [&app](const RequestContext& request, const boost::json::object&) {
    app.state().manager->close(request.connection_id, runtime::close_code::kNormal, "client requested disconnect");
  });
  router.add_handler("resume", [&app](const RequestContext& request, const boost::json::object& body) {
    app.resume(request, required_string(body, "run_id"), required_seq(body, "after_seq"));
  });
  router.add_handler("cancel", [&app](const RequestContext& request, const boost::json::object& body) {
    app.cancel(request, required_string(body, "run_id"));
  });
}

}  // namespace bridgesim::system
