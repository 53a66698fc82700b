#include "cli/proxy_command.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "harness/replay_command.hpp"
#include "protocol/profile.hpp"
#include "proxy/control_api.hpp"
#include "proxy/fault_mapping.hpp"
#include "proxy/run_until.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "system/net/tls.hpp"

namespace bridgesim::cli {
namespace {

constexpr char kProxyFooter[] =
    "\nExample:\n"
    "  bridgesim serve --dev --port 8080 &\n"
    "  bridgesim proxy --upstream 127.0.0.1:8080 --listen 127.0.0.1:8081 --scenario network_chaos --seed 7 "
    "--trace proxy.jsonl\n"
    "  # clients (a browser at http://127.0.0.1:8081/, `probe --url ws://127.0.0.1:8081/ws`) go through it\n"
    "  curl -X POST 127.0.0.1:8474/proxies/bridgesim/toxics -d "
    "'{\"type\":\"latency\",\"attributes\":{\"latency\":300}}'\n"
    "\nThe scenario's network faults become toxics at their times (since the proxy started); the others are listed\n"
    "as not applied. Toxic types and the control API: docs/proxy.md. Exit codes: 0 stopped (signal or --duration),\n"
    "2 bad input or cannot listen.";

struct Upstream {
  std::string host_port;
  bool tls = false;
};

// "ws://host:port/path", "wss://host:port/path" or "host:port" -> host:port
// and whether the proxy speaks TLS to it.
Upstream upstream_of(std::string text) {
  Upstream out;
  for (const char* scheme : {"ws://", "http://", "wss://", "https://"}) {
    const std::string s(scheme);
    if (text.rfind(s, 0) != 0) continue;
    out.tls = s == "wss://" || s == "https://";
    text = text.substr(s.size());
    break;
  }
  out.host_port = text.substr(0, text.find('/'));
  return out;
}

net::TlsClientOptions upstream_tls(const ProxyArgs& a, bool tls) {
  if (!tls && (!a.ca_file.empty() || a.insecure)) {
    throw UsageError("--ca-file and --insecure apply to a wss:// upstream only; --upstream is " + a.upstream);
  }
  if (!a.ca_file.empty() && a.insecure) {
    throw UsageError("--ca-file and --insecure contradict each other: verify against the file, or not at all");
  }
  return {tls, a.ca_file, a.insecure};
}

std::pair<std::string, std::uint16_t> address(const std::string& text, std::string_view what) {
  try {
    return proxy::parse_address(text, what);
  } catch (const proxy::ToxicError& e) {
    throw UsageError(e.what());
  }
}

std::shared_ptr<proxy::FaultProxy> start_proxy(const ProxyArgs& a) {
  proxy::ProxyOptions options;
  options.name = a.name;
  options.seed = a.seed;
  std::tie(options.listen_host, options.listen_port) = address(a.listen, "--listen");
  const Upstream upstream = upstream_of(a.upstream);
  std::tie(options.upstream_host, options.upstream_port) = address(upstream.host_port, "--upstream");
  if (options.upstream_port == 0) throw UsageError("--upstream needs a port other than 0");
  options.upstream_tls = upstream_tls(a, upstream.tls);
  if (options.upstream_tls.insecure) std::fprintf(stderr, "%s\n", net::insecure_warning(a.upstream).c_str());
  try {
    options.token_prefixes = protocol::load_profile(a.protocol_profile).accept_prefixes;
  } catch (const protocol::ProfileError& e) {
    throw UsageError(std::string("--protocol-profile: ") + e.what());
  }
  try {
    return std::make_shared<proxy::FaultProxy>(options);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

void add_toxics(proxy::FaultProxy& p, const ProxyArgs& a) {
  for (const auto& text : a.toxics) {
    try {
      p.add_toxic(proxy::toxic_from_json(text));
    } catch (const proxy::ToxicError& e) {
      throw UsageError("--toxic " + text + ": " + e.what());
    }
  }
  if (a.scenario.empty()) return;
  const auto scenario = scenarios::find_scenario(a.scenario, a.scenario_dir);
  const sim::FaultPlan plan = scenarios::plan_for(scenario, a.seed, a.swarm);
  const auto mapping = proxy::map_fault_plan(plan);
  proxy::record_plan(p.trace(), plan, mapping);
  std::printf("scenario %s seed %llu: %zu toxics scheduled\n", scenario.name.c_str(),
              static_cast<unsigned long long>(a.seed), mapping.toxics.size());
  for (const auto& n : mapping.not_applied) std::printf("not applied: %s (%s)\n", n.kind.c_str(), n.why.c_str());
  p.schedule(mapping.toxics);
}

int do_proxy(const ProxyArgs& a) {
  if (a.upstream.empty()) throw UsageError("--upstream HOST:PORT is required");
  const auto main_proxy = start_proxy(a);
  proxy::ProxyRegistry registry(a.seed);
  registry.adopt(main_proxy);
  proxy::FaultProxy& p = *main_proxy;
  add_toxics(p, a);
  std::unique_ptr<proxy::ControlServer> api;
  if (!a.no_api) {
    const auto [host, port] = address(a.api, "--api");
    try {
      api = std::make_unique<proxy::ControlServer>(registry, host, port);
    } catch (const std::runtime_error& e) {
      throw UsageError(std::string("--api: ") + e.what());
    }
  }
  std::printf(
      "proxy %s listening on %s -> %s%s\n", a.name.c_str(), p.listen_address().c_str(), p.upstream_address().c_str(),
      api ? (", control API on http://" + address(a.api, "--api").first + ":" + std::to_string(api->port())).c_str()
          : "");
  std::fflush(stdout);
  write_file(a.ready_file, std::to_string(p.port()) + " " + std::to_string(api ? api->port() : 0) + "\n");
  const int signal = proxy::run_until_stopped(a.duration_s);
  api.reset();
  for (const auto& name : registry.names()) registry.handle("DELETE", "/proxies/" + name, "");
  p.stop();
  write_file(a.trace, p.trace().to_jsonl());
  std::printf("proxy stopped (%s)\n", signal != 0 ? "signal" : "duration");
  return kExitPass;
}

}  // namespace

ProxyCommand::ProxyCommand(CLI::App& app) {
  command_ = app.add_subcommand("proxy", "Run the WebSocket-aware fault proxy in front of a server (docs/proxy.md)");
  auto* cmd = command_;
  ProxyArgs& a = args_;
  a.scenario_dir = harness::default_scenario_dir();
  cmd->add_option("--upstream", a.upstream,
                  "The server: HOST:PORT, ws://HOST:PORT/... or wss://HOST:PORT/... (TLS toward the server; "
                  "clients still connect with ws://)")
      ->required();
  cmd->add_option("--ca-file", a.ca_file,
                  "A wss:// upstream: trust this PEM file (a CA, or the server's own certificate) instead of the "
                  "system's store");
  cmd->add_flag("--insecure", a.insecure, "A wss:// upstream: do not verify its certificate at all (warned)");
  cmd->add_option("--listen", a.listen, "Where clients connect: HOST:PORT (port 0: any free one)")
      ->capture_default_str();
  cmd->add_option("--api", a.api, "The control API (Toxiproxy's conventions): HOST:PORT")->capture_default_str();
  cmd->add_flag("--no-api", a.no_api, "No control API");
  cmd->add_option("--name", a.name, "The proxy's name in the control API")->capture_default_str();
  cmd->add_option("-s,--scenario", a.scenario, "Scenario name or .toml path: its network faults, at their times");
  cmd->add_option("--scenario-dir", a.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  cmd->add_option("--seed", a.seed, "Seed: the scenario's swarm draw and every toxic's random stream")
      ->capture_default_str();
  cmd->add_flag("--swarm", a.swarm, "Draw the seed's swarm faults even if the scenario has no [swarm]");
  cmd->add_option("--toxic", a.toxics,
                  "A toxic as JSON, added at start (repeatable), e.g. "
                  "'{\"type\":\"drop_frame\",\"attributes\":{\"match\":\"agent_thinking\"}}'");
  cmd->add_option("--protocol-profile", a.protocol_profile,
                  "Whose subprotocols carry the token that aims a toxic at a user: a shipped profile (bridgesim, "
                  "platform) or a profile .toml file")
      ->capture_default_str();
  cmd->add_option("--trace", a.trace, "Write the proxy's trace as JSON lines here when it stops");
  cmd->add_option("--ready-file", a.ready_file, "Once listening, write \"<proxy port> <api port>\" here");
  cmd->add_option("--duration-s", a.duration_s, "Stop after this many seconds (default: at SIGINT/SIGTERM)")
      ->check(CLI::Range(0.0, 31'536'000.0));
  cmd->footer(kProxyFooter);
}

bool ProxyCommand::parsed() const { return command_->parsed(); }

int ProxyCommand::run() const {
  try {
    return do_proxy(args_);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: proxy failed: %s\n", e.what());
  }
  return kExitUsage;
}

}  // namespace bridgesim::cli
