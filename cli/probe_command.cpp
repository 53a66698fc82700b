// `bridgesim probe`: drives a live server with the simulated clients'
// workloads over real sockets (Beast, via system/net/async_client), records
// the same trace and judges it with the same client-side properties.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/harness.hpp"
#include "cli/probe.hpp"
#include "properties/client_view.hpp"
#include "scenarios/client_faults.hpp"
#include "scenarios/client_world.hpp"
#include "scenarios/workloads.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/events.hpp"
#include "system/net/async_client.hpp"
#include "system/net/client.hpp"
#include "system/net/real_runtime.hpp"

namespace bridgesim::cli {

// ---- URL --------------------------------------------------------------------

std::string WsUrl::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "ws://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + target;
}

WsUrl parse_ws_url(std::string_view url) {
  const std::string shown(url);
  const auto fail = [&shown](const std::string& why) {
    throw ProbeInputError("--url '" + shown + "': " + why + " (expected ws://HOST:PORT/PATH, e.g. ws://127.0.0.1:8080/ws)");
  };
  if (url.empty()) fail("empty");
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) fail("contains a space or a control character");
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) fail("no scheme");
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme == "wss") fail("wss:// (TLS) is not supported; use ws://, e.g. the plain port behind the TLS proxy");
  if (scheme != "ws") fail("scheme '" + scheme + "' is not ws");
  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) fail("a fragment (#...) has no meaning in a WebSocket URL");
  const auto path_at = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_at);
  const std::string_view target = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) {
    fail("credentials in the URL are not supported (tokens are minted with --token-secret)");
  }
  WsUrl out;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail("unterminated [IPv6] address");
    out.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') fail("unexpected '" + std::string(after) + "' after the [IPv6] address");
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    if (colon != authority.rfind(':')) fail("an IPv6 address must be in brackets, e.g. ws://[::1]:8080/ws");
    out.host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) fail("no host");
  if (has_port) {
    const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                        std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); });
    const long port = digits ? std::stol(std::string(port_text)) : 0;
    if (port < 1 || port > 65535) fail("port '" + std::string(port_text) + "' is not a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  if (target.empty() || target.front() != '/') fail("no path: the WebSocket endpoint's path is needed (the protocol's is /ws)");
  out.target = std::string(target);
  return out;
}

const std::vector<std::string>& client_side_properties() {
  static const std::vector<std::string> names{"delivery", "isolation", "protocol", "auth"};
  return names;
}

// ---- the probe ----------------------------------------------------------------

namespace {

using runtime::Nanos;

constexpr Nanos kPollNs = 20 * runtime::kNanosPerMilli;
constexpr Nanos kHeartbeatNs = runtime::kNanosPerSecond;
constexpr std::int64_t kTokenLifetimeS = 3600;
constexpr std::chrono::milliseconds kHealthTimeout{5'000};

bool is_token_fault(sim::FaultKind kind) { return sim::info(kind).injector == sim::Injector::kClientToken; }

bool is_run_event(std::string_view type) {
  return type == "agent_error" ||
         std::find(std::begin(properties::kLifecycle), std::end(properties::kLifecycle), type) !=
             std::end(properties::kLifecycle);
}


std::string ms_text(Nanos ns) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", static_cast<double>(ns) / runtime::kNanosPerMilli);
  return buffer;
}

std::string seconds_text(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", s);
  return buffer;
}

// In real time a start time may already be behind us when a client asks for it.
class NonNegativeTimers final : public runtime::Timers {
 public:
  explicit NonNegativeTimers(runtime::Timers& inner) : inner_(inner) {}
  runtime::TimerHandle call_after(Nanos delay_ns, std::function<void()> fn) override {
    return inner_.call_after(std::max<Nanos>(delay_ns, 0), std::move(fn));
  }

 private:
  runtime::Timers& inner_;
};

class LiveConnection final : public scenarios::ClientConnection {
 public:
  explicit LiveConnection(std::unique_ptr<net::AsyncClientConnection> connection)
      : connection_(std::move(connection)) {}
  runtime::ConnectionId id() const override { return connection_->id(); }
  bool is_open() const override { return connection_->is_open(); }
  void send_text(std::string text) override { connection_->send_text(std::move(text)); }
  void close(std::uint16_t code, std::string reason) override { connection_->close(code, std::move(reason)); }
  void abort() override { connection_->abort(); }

 private:
  std::unique_ptr<net::AsyncClientConnection> connection_;
};

// The Beast client as the workloads' transport, aimed at the URL's path.
class LiveTransport final : public scenarios::ClientTransport {
 public:
  LiveTransport(net::AsyncClientTransport& network, std::string target)
      : network_(network), target_(std::move(target)) {}

  std::unique_ptr<scenarios::ClientConnection> connect(std::string, runtime::HandshakeRequest request,
                                                       scenarios::ClientCallbacks callbacks) override {
    request.target = target_;  // the workloads ask for /ws; the URL says where that is
    return std::make_unique<LiveConnection>(network_.connect(std::move(request), std::move(callbacks)));
  }

 private:
  net::AsyncClientTransport& network_;
  std::string target_;
};

std::vector<std::string> effective_properties(const ProbeSpec& spec) {
  std::vector<std::string> names = spec.properties;
  if (names.empty()) {
    for (const auto& p : spec.scenario.properties) {
      const auto& client_side = client_side_properties();
      if (std::find(client_side.begin(), client_side.end(), p) != client_side.end()) names.push_back(p);
    }
  }
  if (names.empty()) names = client_side_properties();
  for (const auto& name : names) {
    if (properties::find_property(name) == nullptr) {
      throw ProbeInputError("unknown property '" + name + "' (see `bridgesim list`)");
    }
  }
  return names;
}

struct LiveClients {
  std::vector<std::string> actors;  // users' clients first, then the hostile ones
  std::vector<std::unique_ptr<scenarios::UserClient>> users;
  std::vector<std::unique_ptr<scenarios::HostileClient>> hostiles;
};

// As scenarios/world.cpp builds them, with tokens for the live server's secret.
LiveClients make_clients(const ProbeSpec& spec, const scenarios::ClientWorld& world, std::int64_t now_unix_s) {
  const scenarios::Scenario& s = spec.scenario;
  const sim::Rng root(spec.seed);
  sim::Rng start_rng = root.fork("starts");
  const auto draw_start = [&] {
    return static_cast<Nanos>(start_rng.uniform(0, static_cast<std::uint64_t>(std::max<Nanos>(s.start_spread_ns, 0))));
  };
  LiveClients clients;
  for (int i = 1; i <= s.users; ++i) {
    const std::string user = "u" + std::to_string(i);
    scenarios::ClientPlan base;
    base.user_id = user;
    base.messages = s.messages_per_user;
    base.token = system::mint_hs256(spec.token_secret, user, now_unix_s + kTokenLifetimeS);
    scenarios::apply_token_fault(base, s.faults, spec.token_secret, now_unix_s, kTokenLifetimeS);
    for (int tab = 1; tab <= s.tabs; ++tab) {
      scenarios::ClientPlan plan = base;
      plan.tab = tab;
      clients.users.push_back(std::make_unique<scenarios::UserClient>(
          world, plan, root.fork("client:" + user + "/" + std::to_string(tab))));
      clients.actors.push_back(clients.users.back()->actor());
    }
  }
  for (int i = 1; i <= s.hostile_clients; ++i) {
    const std::string user = "h" + std::to_string(i);
    clients.hostiles.push_back(std::make_unique<scenarios::HostileClient>(
        world, user, system::mint_hs256(spec.token_secret, user, now_unix_s + kTokenLifetimeS),
        system::mint_hs256("attacker-key", "u1", now_unix_s + kTokenLifetimeS), root.fork("hostile:" + user)));
    clients.actors.push_back("user:" + user);
  }
  // Start times are drawn in creation order, as in the simulated world.
  for (auto& c : clients.users) c->start_at(draw_start());
  for (auto& h : clients.hostiles) h->start_at(draw_start());
  return clients;
}

// Follows the trace as it grows: which clients are done, how many frames arrived.
class Watcher {
 public:
  Watcher(const sim::Trace& trace, const LiveClients& clients) : trace_(trace), clients_(clients) {
    for (std::size_t i = clients.users.size(); i < clients.actors.size(); ++i) hostile_.emplace(clients.actors[i], 0);
  }

  // New "actor finished" lines since the last call.
  std::vector<std::string> scan() {
    const auto& records = trace_.records();
    for (; seen_ < records.size(); ++seen_) {
      const auto& r = records[seen_];
      if (r.kind == "recv") ++frames_received_;
      const auto h = hostile_.find(r.actor);
      if (h == hostile_.end()) continue;
      // A hostile client is done once it left, or once both its tokens were refused.
      if (r.kind == "done") h->second = 2;
      if (r.kind == "rejected") ++h->second;
    }
    std::vector<std::string> newly;
    for (std::size_t i = 0; i < clients_.actors.size(); ++i) {
      const std::string& actor = clients_.actors[i];
      if (done_.count(actor) != 0) continue;
      const bool finished = i < clients_.users.size() ? clients_.users[i]->finished() : hostile_.at(actor) >= 2;
      if (!finished) continue;
      done_.insert(actor);
      newly.push_back(actor);
    }
    return newly;
  }

  bool all_done() const { return done_.size() == clients_.actors.size(); }
  bool done(const std::string& actor) const { return done_.count(actor) != 0; }
  std::size_t done_count() const { return done_.size(); }
  std::size_t frames_received() const { return frames_received_; }

 private:
  const sim::Trace& trace_;
  const LiveClients& clients_;
  std::map<std::string, int> hostile_;  // actor -> 2 when done
  std::set<std::string> done_;
  std::size_t seen_ = 0;
  std::size_t frames_received_ = 0;
};

struct LiveRun {
  bool all_finished = false;
  std::vector<std::string> actors;  // every client, in creation order
  std::set<std::string> finished;
};

// Connects every client and runs the loop until all are done or the deadline.
LiveRun run_live(const ProbeSpec& spec, sim::Trace& trace, const std::function<void(const std::string&)>& say) {
  // Declared first, destroyed last: everything below holds its objects.
  // Destroying the clients detaches their sockets; the io_context then drops
  // the handlers still pending (timers of clients that are gone) unrun.
  boost::asio::io_context io{1};
  net::RealClock clock;
  net::AsioTimers asio_timers(io);
  NonNegativeTimers timers(asio_timers);
  net::AsyncClientTransport network(io, spec.url.host, spec.url.port);
  LiveTransport transport(network, spec.url.target);
  const Nanos start_ns = clock.now_ns();
  const scenarios::ClientWorld world{clock, timers, start_ns, trace, transport};
  LiveClients clients = make_clients(spec, world, start_ns / runtime::kNanosPerSecond);
  Watcher watcher(trace, clients);

  LiveRun run;
  Nanos next_heartbeat_ns = kHeartbeatNs;
  std::function<void()> poll = [&] {
    for (const auto& actor : watcher.scan()) {
      say(sim::format_virtual_time(world.elapsed_ns()) + " " + actor + " finished (" +
          std::to_string(watcher.done_count()) + "/" + std::to_string(clients.actors.size()) + ")");
    }
    if (watcher.all_done()) {
      run.all_finished = true;
      return io.stop();
    }
    if (world.elapsed_ns() >= next_heartbeat_ns) {
      next_heartbeat_ns += kHeartbeatNs;
      say(sim::format_virtual_time(world.elapsed_ns()) + " " + std::to_string(watcher.done_count()) + "/" +
          std::to_string(clients.actors.size()) + " clients finished, " + std::to_string(watcher.frames_received()) +
          " frames received");
    }
    timers.call_after(kPollNs, poll);
  };
  timers.call_after(kPollNs, poll);
  const Nanos deadline_ns = static_cast<Nanos>(spec.deadline_s * static_cast<double>(runtime::kNanosPerSecond));
  timers.call_after(deadline_ns, [&] {
    say(sim::format_virtual_time(world.elapsed_ns()) + " deadline (" + seconds_text(spec.deadline_s) +
        "): stopping with " + std::to_string(clients.actors.size() - watcher.done_count()) + " client(s) unfinished");
    io.stop();
  });
  io.run();
  watcher.scan();
  run.actors = clients.actors;
  for (const auto& actor : clients.actors) {
    if (watcher.done(actor)) run.finished.insert(actor);
  }
  // A client still trying to get in when the probe stops has, in effect,
  // given up: so recorded, `delivery` judges it as it judges a client that
  // ran out of attempts (an error only for a valid token).
  std::set<std::string> opened;
  for (const auto& r : trace.records()) {
    if (r.kind == "open") opened.insert(r.actor);
  }
  for (const auto& c : clients.users) {
    if (c->finished() || opened.count(c->actor()) != 0) continue;
    trace.add({world.elapsed_ns(), c->actor(), "gave_up",
               {{"why", "not admitted before the probe's deadline (" + seconds_text(spec.deadline_s) + ")"}}});
  }
  trace.add({world.elapsed_ns(),
             "probe",
             "end",
             {{"reason", run.all_finished ? "finished" : "deadline"},
              {"clients", std::to_string(clients.actors.size())},
              {"finished", std::to_string(run.finished.size())}}});
  return run;
}

std::vector<ClientSummary> summarize(const sim::Trace& trace, const properties::ClientView& view,
                                     const std::vector<std::string>& actors, const std::set<std::string>& finished) {
  std::map<std::string, ClientSummary> by_actor;
  for (const auto& actor : actors) {
    ClientSummary& s = by_actor[actor];
    s.actor = actor;
    const auto kind = view.token_kind.find(actor);
    s.token_kind = kind == view.token_kind.end() ? "" : kind->second;
    s.finished = finished.count(actor) != 0;
  }
  std::set<std::pair<std::string, std::string>> asked;  // (actor, client_msg_id)
  for (const auto& f : view.sent) {
    const auto it = by_actor.find(f.actor);
    if (it == by_actor.end() || properties::string_field(f.body, "type") != "user_message") continue;
    const std::string msg = properties::string_field(f.body, "client_msg_id");
    if (!msg.empty() && asked.emplace(f.actor, msg).second) ++it->second.asked;
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen;  // (actor, run, seq)
  for (const auto& f : view.received) {
    const auto it = by_actor.find(f.actor);
    const std::string type = properties::string_field(f.body, "type");
    if (it == by_actor.end() || !is_run_event(type)) continue;
    const auto* seq = f.body.if_contains("seq");
    const std::string seq_text = seq != nullptr && seq->is_number() ? std::to_string(seq->to_number<std::uint64_t>()) : "";
    if (!seen.emplace(f.actor, properties::string_field(f.body, "run_id"), seq_text).second) continue;
    if (type == "agent_error") {
      ++it->second.errored;
      continue;
    }
    ++it->second.lifecycle_events;
    if (type == "agent_completed") ++it->second.completed;
  }
  for (const auto& r : trace.records()) {
    const auto it = by_actor.find(r.actor);
    if (it == by_actor.end() || r.kind != "rejected") continue;
    ++it->second.rejected;
    it->second.last_rejection = std::string(r.field("status")) + " " + std::string(r.field("body"));
  }
  std::vector<ClientSummary> out;
  for (const auto& actor : actors) out.push_back(by_actor.at(actor));
  return out;
}

// The largest gap between consecutive events of one run as one client received them.
void measure_gaps(const properties::ClientView& view, ProbeOutcome& out) {
  struct Last {
    Nanos at_ns = 0;
    std::uint64_t seq = 0;
  };
  std::map<std::pair<std::string, std::string>, Last> last;  // (actor, run) -> previous event
  std::set<std::tuple<std::string, std::string, std::uint64_t>> seen;
  for (const auto& f : view.received) {
    const std::string type = properties::string_field(f.body, "type");
    const std::string run = properties::string_field(f.body, "run_id");
    const auto* seq_value = f.body.if_contains("seq");
    if (!is_run_event(type) || run.empty() || seq_value == nullptr || !seq_value->is_number()) continue;
    const auto seq = seq_value->to_number<std::uint64_t>();
    if (!seen.emplace(f.actor, run, seq).second) continue;  // a duplicate or a replay
    const auto key = std::make_pair(f.actor, run);
    const auto it = last.find(key);
    if (it != last.end() && f.at_ns - it->second.at_ns > out.max_event_gap_ns) {
      out.max_event_gap_ns = f.at_ns - it->second.at_ns;
      out.max_event_gap_where = f.actor + " run " + run + " seq " + std::to_string(it->second.seq) + " -> " +
                                std::to_string(seq) + " (" + type + ")";
    }
    last[key] = Last{f.at_ns, seq};
  }
}

// From each request's first send to its first terminal event, per client.
void measure_requests(const properties::ClientView& view, ProbeOutcome& out) {
  std::map<std::pair<std::string, std::string>, Nanos> first_send;  // (actor, thread)
  for (const auto& f : view.sent) {
    if (properties::string_field(f.body, "type") != "user_message") continue;
    const std::string thread = properties::string_field(f.body, "thread_id");
    if (!thread.empty()) first_send.emplace(std::make_pair(f.actor, thread), f.at_ns);
  }
  std::set<std::pair<std::string, std::string>> ended;
  for (const auto& f : view.received) {
    if (!system::event_type::is_terminal(properties::string_field(f.body, "type"))) continue;
    const auto key = std::make_pair(f.actor, properties::string_field(f.body, "thread_id"));
    const auto sent = first_send.find(key);
    if (sent != first_send.end() && ended.insert(key).second) out.request_to_terminal_ns.push_back(f.at_ns - sent->second);
  }
  std::sort(out.request_to_terminal_ns.begin(), out.request_to_terminal_ns.end());
}

}  // namespace

ProbeOutcome probe(const ProbeSpec& spec) {
  const auto say = [&spec](const std::string& line) {
    if (spec.progress) spec.progress(line);
  };
  ProbeOutcome out;
  out.properties = effective_properties(spec);
  const scenarios::Scenario& s = spec.scenario;
  if (s.users < 0 || s.tabs < 1 || s.messages_per_user < 0 || s.hostile_clients < 0) {
    throw ProbeInputError("scenario " + s.name + ": users, messages and hostile clients must be >= 0, tabs >= 1");
  }
  if (!(spec.deadline_s > 0)) throw ProbeInputError("--deadline-s must be positive");
  std::set<std::string> ignored;
  for (const auto& f : s.faults.faults) {
    if (!is_token_fault(f.kind)) ignored.insert(std::string(sim::info(f.kind).name));
  }
  if (s.swarm) ignored.insert("swarm");
  out.ignored_faults.assign(ignored.begin(), ignored.end());

  if (spec.check_health) {
    try {
      const auto health = net::http_get(spec.url.host, spec.url.port, "/health", kHealthTimeout);
      out.health_status = health.status;
      out.health_body = health.body;
    } catch (const net::ClientError& e) {
      throw ProbeInputError("cannot reach " + spec.url.text() + ": " + e.what());
    }
    say("GET /health -> " + std::to_string(out.health_status) + " " + out.health_body);
  }

  // The simulator's record of the plan, so the same checkers read it: only
  // token faults apply, every request is judged against the liveness bound.
  for (const auto& f : s.faults.faults) {
    if (!is_token_fault(f.kind)) continue;
    out.trace.add({0, "faults", "planned",
                   {{"kind", std::string(sim::info(f.kind).name)}, {"target", f.target}, {"at", "0.000000s"},
                    {"heal", "0.000000s"}, {"params", ""}}});
  }
  out.trace.add({0, "faults", "heal_by", {{"at_ns", "0"}, {"liveness_bound_ns", std::to_string(s.liveness_bound_ns)}}});
  out.trace.add({0, "probe", "start",
                 {{"url", spec.url.text()},
                  {"scenario", s.name},
                  {"users", std::to_string(s.users)},
                  {"tabs", std::to_string(s.tabs)},
                  {"messages_per_user", std::to_string(s.messages_per_user)},
                  {"hostile_clients", std::to_string(s.hostile_clients)},
                  {"seed", std::to_string(spec.seed)},
                  {"health", std::to_string(out.health_status)}}});

  const auto started = std::chrono::steady_clock::now();
  const LiveRun run = run_live(spec, out.trace, say);
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.all_finished = run.all_finished;

  const properties::ClientView view = properties::build_client_view(out.trace);
  out.violations = properties::check_properties(out.trace, out.properties, &view);
  out.clients = summarize(out.trace, view, run.actors, run.finished);
  measure_gaps(view, out);
  measure_requests(view, out);
  return out;
}

reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command) {
  reports::SweepReport report;
  report.title = "bridgesim probe of " + spec.url.text();
  report.command = command;
  reports::ScenarioResult r;
  r.scenario = "probe:" + spec.scenario.name;
  r.description = "live server " + spec.url.text() + ": " + std::to_string(spec.scenario.users) + " users x " +
                  std::to_string(spec.scenario.tabs) + " tabs x " + std::to_string(spec.scenario.messages_per_user) +
                  " messages, " + std::to_string(spec.scenario.hostile_clients) + " hostile clients, real time";
  r.properties = outcome.properties;
  r.seeds_run = 1;
  r.seed_first = r.seed_last = spec.seed;
  r.wall_seconds = outcome.wall_seconds;
  r.failing_seeds = outcome.passed() ? 0 : 1;
  for (const auto& v : outcome.violations) r.failures.push_back({spec.seed, v.property, v.message, command});
  for (const auto& rec : outcome.trace.records()) {
    if (rec.actor == "faults" && rec.kind == "planned") r.faults[std::string(rec.field("kind"))].planned = 1;
    if (rec.kind == "fault_hit") r.faults[std::string(rec.field("fault"))].hit = 1;
  }
  report.results.push_back(std::move(r));
  return report;
}

// ---- the command ------------------------------------------------------------

namespace {

struct ProbeArgs {
  std::string url;
  std::string token_secret = system::AppConfig{}.jwt_secret;
  int users = 3;
  int messages = 1;
  std::string scenario;
  std::string scenario_dir = default_scenario_dir();
  double deadline_s = 30;
  std::uint64_t seed = 1;
  std::vector<std::string> properties;
  bool no_health = false;
  std::string html, junit, json, markdown, trace;
  CLI::Option* users_option = nullptr;
  CLI::Option* messages_option = nullptr;
  CLI::Option* deadline_option = nullptr;
};

ProbeArgs& args() {
  static ProbeArgs a;
  return a;
}

// The command that runs this probe again; never the secret.
std::string rerun_command(const ProbeArgs& a, const ProbeSpec& spec) {
  std::string cmd = "bridgesim probe --url " + spec.url.text();
  if (a.scenario.empty()) {
    cmd += " --users " + std::to_string(spec.scenario.users) + " --messages " +
           std::to_string(spec.scenario.messages_per_user);
  } else {
    cmd += " --scenario " + a.scenario;
    if (a.users_option->count() > 0) cmd += " --users " + std::to_string(a.users);
    if (a.messages_option->count() > 0) cmd += " --messages " + std::to_string(a.messages);
  }
  if (a.deadline_option->count() > 0) cmd += " --deadline-s " + a.deadline_option->as<std::string>();
  if (spec.seed != 1) cmd += " --seed " + std::to_string(spec.seed);
  for (const auto& p : a.properties) cmd += " --property " + p;
  if (a.token_secret != system::AppConfig{}.jwt_secret) cmd += " --token-secret <secret>";
  return cmd;
}

ProbeSpec spec_from(const ProbeArgs& a) {
  ProbeSpec spec;
  spec.url = parse_ws_url(a.url);
  if (a.token_secret.empty()) throw ProbeInputError("--token-secret must not be empty");
  spec.token_secret = a.token_secret;
  if (a.scenario.empty()) {
    spec.scenario.name = "golden_path";
    spec.scenario.description = "N users each send M messages and receive all five events, in order, only their own";
  } else {
    spec.scenario = scenarios::find_scenario(a.scenario, a.scenario_dir);
  }
  if (a.scenario.empty() || a.users_option->count() > 0) spec.scenario.users = a.users;
  if (a.scenario.empty() || a.messages_option->count() > 0) spec.scenario.messages_per_user = a.messages;
  spec.deadline_s = a.deadline_s;
  spec.seed = a.seed;
  spec.properties = a.properties;
  spec.check_health = !a.no_health;
  spec.progress = [](const std::string& line) {
    std::fprintf(stderr, "  %s\n", line.c_str());
    std::fflush(stderr);
  };
  return spec;
}

std::string percentile_text(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return "-";
  return ms_text(sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)]);
}

void print_outcome(const ProbeSpec& spec, const ProbeOutcome& o) {
  std::printf("%-18s %-8s %5s %8s %6s %6s %8s %s\n", "client", "token", "asked", "answered", "errors", "events",
              "finished", "last refusal");
  for (const auto& c : o.clients) {
    std::printf("%-18s %-8s %5d %8d %6d %6d %8s %s\n", c.actor.c_str(), c.token_kind.c_str(), c.asked, c.completed,
                c.errored, c.lifecycle_events, c.finished ? "yes" : "NO", c.last_rejection.c_str());
  }
  const auto& lat = o.request_to_terminal_ns;
  std::printf("request -> terminal event (client side, real time): n=%zu p50=%s p99=%s max=%s\n", lat.size(),
              percentile_text(lat, 0.5).c_str(), percentile_text(lat, 0.99).c_str(),
              lat.empty() ? "-" : ms_text(lat.back()).c_str());
  if (o.max_event_gap_ns > 0) {
    std::printf("max gap between consecutive events of a run: %s, %s: %s\n", ms_text(o.max_event_gap_ns).c_str(),
                o.max_event_gap_where.c_str(),
                o.max_event_gap_ns > kEventGapBoundNs ? "OVER the acceptance suite's 100 ms bound (informational)"
                                                      : "within the 100 ms bound");
  }
  if (!o.ignored_faults.empty()) {
    std::string kinds;
    for (const auto& k : o.ignored_faults) kinds += (kinds.empty() ? "" : ", ") + k;
    std::printf("not applied (a live server cannot be fault-injected): %s\n", kinds.c_str());
  }
  if (!o.all_finished) std::printf("deadline reached with clients unfinished (see the table)\n");
  std::string checked;
  std::set<std::string> failed;
  for (const auto& v : o.violations) failed.insert(v.property);
  for (const auto& p : o.properties) checked += (checked.empty() ? "" : ", ") + p + (failed.count(p) ? " FAIL" : " pass");
  std::printf("properties: %s\n", checked.c_str());
  for (const auto& p : o.properties) {
    const auto& client_side = client_side_properties();
    if (std::find(client_side.begin(), client_side.end(), p) == client_side.end()) {
      std::printf("  note: %s reads the server's own records; on a probe trace it passes without having looked\n",
                  p.c_str());
    }
  }
  for (const auto& v : o.violations) {
    std::printf("  VIOLATION %s at record #%zu (t=%s): %s\n", v.property.c_str(), v.record_index,
                sim::format_virtual_time(v.at_ns).c_str(), v.message.c_str());
  }
  std::printf("probe %s scenario=%s records=%zu wall=%.3fs verdict=%s\n", spec.url.text().c_str(),
              spec.scenario.name.c_str(), o.trace.size(), o.wall_seconds, o.passed() ? "PASS" : "FAIL");
}

int do_probe(ProbeArgs& a) {
  const ProbeSpec spec = spec_from(a);
  std::fprintf(stderr, "probe %s: scenario %s, %d users x %d tabs x %d messages, %d hostile, deadline %.1f s, seed %llu\n",
               spec.url.text().c_str(), spec.scenario.name.c_str(), spec.scenario.users, spec.scenario.tabs,
               spec.scenario.messages_per_user, spec.scenario.hostile_clients, spec.deadline_s,
               static_cast<unsigned long long>(spec.seed));
  const ProbeOutcome outcome = probe(spec);
  print_outcome(spec, outcome);
  const auto report = probe_report(spec, outcome, rerun_command(a, spec));
  write_file(a.junit, reports::to_junit_xml(report));
  write_file(a.json, reports::to_json(report));
  write_file(a.markdown, reports::to_markdown(report));
  write_file(a.html, reports::to_html(report));
  write_file(a.trace, outcome.trace.to_jsonl());
  for (const auto* path : {&a.junit, &a.json, &a.markdown, &a.html, &a.trace}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  return outcome.passed() ? kExitPass : kExitViolation;
}

}  // namespace

CLI::App* register_probe_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "probe", "Drive a live server with the scenario workloads over real sockets and check the client-side properties");
  auto& a = args();
  cmd->add_option("--url", a.url, "The server's WebSocket endpoint: ws://HOST:PORT/PATH")->required();
  cmd->add_option("--token-secret", a.token_secret,
                  "The server's HS256 secret; tokens are minted with it (default: the development secret `serve` "
                  "uses without --jwt-secret)");
  a.users_option = cmd->add_option("--users", a.users, "Users u1..uN (overrides the scenario's)")
                       ->capture_default_str()
                       ->check(CLI::Range(1, 10'000));
  a.messages_option = cmd->add_option("--messages", a.messages, "Messages per user (overrides the scenario's)")
                          ->capture_default_str()
                          ->check(CLI::Range(1, 10'000));
  cmd->add_option("-s,--scenario", a.scenario, "Scenario name or .toml path: its users, tabs, messages, hostile "
                                               "clients and token faults");
  cmd->add_option("--scenario-dir", a.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  a.deadline_option = cmd->add_option("--deadline-s", a.deadline_s, "Real-time budget; then stop, finished or not")
                          ->capture_default_str()
                          ->check(CLI::Range(0.1, 86'400.0));
  cmd->add_option("--seed", a.seed, "Seed for the clients' think times, backoff jitter and start times")
      ->capture_default_str();
  cmd->add_option("--property", a.properties,
                  "Property to check (repeatable; default: delivery, isolation, protocol, auth)");
  cmd->add_flag("--no-health-check", a.no_health, "Skip GET /health before connecting");
  cmd->add_option("--html", a.html, "Write the HTML report here");
  cmd->add_option("--junit", a.junit, "Write JUnit XML here");
  cmd->add_option("--json", a.json, "Write the JSON summary here");
  cmd->add_option("--markdown", a.markdown, "Write a Markdown summary here");
  cmd->add_option("--trace", a.trace, "Write the trace as JSON lines here (same format as replay --trace)");
  cmd->footer(
      "Examples:\n"
      "  bridgesim serve --port 8080 &\n"
      "  bridgesim probe --url ws://127.0.0.1:8080/ws --users 3 --messages 2 --junit out/probe.xml\n"
      "  bridgesim probe --url ws://staging:8080/ws --token-secret \"$JWT_SECRET\" --scenario hostile --html out/probe.html\n"
      "\n"
      "The clients are the simulator's own (UserClient, HostileClient), on real sockets and real time; the\n"
      "trace has the simulator's format and is judged by the same checkers. Only what clients see can be\n"
      "judged: delivery, isolation, protocol and auth are checked by default. runs, resources, health and\n"
      "no_crash read the server's internal records, which a live server does not give out: on a probe\n"
      "trace they pass without having looked.\n"
      "From a scenario the probe takes users, tabs, messages, hostile clients, the start spread and the\n"
      "client-side token faults (expired_token, forged_token, missing_token: those users are expected to be\n"
      "refused, 401). Every other fault, the swarm, the [network] section and the virtual deadline are\n"
      "ignored: a live server cannot be fault-injected (the probe says which it skipped).\n"
      "A handshake that gets no HTTP answer (refused, reset, timed out) counts as a refusal with status 0,\n"
      "which the clients retry with backoff. Printed: per-client table, request -> terminal-event time\n"
      "(client side; the reports' emit-to-receive histogram stays empty: another machine's clock is not\n"
      "ours), and the largest gap between consecutive events of a run against the 100 ms acceptance bound\n"
      "(informational).\n"
      "Exit codes: 0 every property held, 1 a property was violated, 2 usage or input error (bad URL,\n"
      "unknown scenario or property, server unreachable).");
  return cmd;
}

int run_probe_command() {
  try {
    return do_probe(args());
  } catch (const UsageError& e) {  // ProbeInputError, or an output path write_file cannot use
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: probe failed: %s\n", e.what());
  }
  return kExitUsage;
}

}  // namespace bridgesim::cli
