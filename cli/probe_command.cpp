// `bridgesim probe` on the command line: options, the printed outcome, the
// reports and the command that runs the same probe again.
#include "cli/probe_command.hpp"

#include <cstdio>
#include <set>

#include <CLI/CLI.hpp>

#include "cli/duration_text.hpp"
#include "cli/probe.hpp"
#include "harness/replay_command.hpp"
#include "scenarios/scenario.hpp"
#include "sim/trace.hpp"
#include "system/app.hpp"
#include "system/net/client.hpp"

namespace bridgesim::cli {
namespace {

constexpr const char* kProbeFooter =
    "Examples:\n"
    "  bridgesim serve --port 8080 &\n"
    "  bridgesim probe --url ws://127.0.0.1:8080/ws --users 3 --messages 2 --junit out/probe.xml\n"
    "  bridgesim probe --url ws://staging:8080/ws --token-secret \"$JWT_SECRET\" --scenario early_close --html "
    "out/probe.html\n"
    "\n"
    "The clients are the simulator's own (UserClient, HostileClient), on real sockets and real time; the\n"
    "trace has the simulator's format and is judged by the same checkers.\n"
    "Judged by default: delivery, isolation, protocol and auth, and the probe's own fanout (every open\n"
    "tab of the user gets each event, once); event_gap with --max-event-gap-ms. --property judges only\n"
    "those named; the others (streams,\n"
    "runs, resources, ...) read the simulator's own records and are listed as not judgeable live.\n"
    "From a scenario the probe takes users, tabs, messages, hostile clients, the start spread, the [mix]'s\n"
    "client side and the client-side faults, applied live: token faults, token_expires, client_close,\n"
    "cancel_mid_run, reset (TCP RST) and slow_consumer (reads paused, TCP backpressure). Faults on the\n"
    "network path (without --via-proxy) or inside the server are listed per fault as not applied, with the reason.\n"
    "Attackers aim at the run ids the probe's own users received. client_msg_ids begin with a random\n"
    "prefix per invocation. A socket still open --disconnect-timeout-ms after `disconnect` is a protocol\n"
    "violation. Refusals: 401/403 before the upgrade, or a close 1008 before any frame.\n"
    "--protocol-profile platform speaks the production platform's dialect on the wire (payloads under `data`,\n"
    "ISO-8601 timestamps, client fields under `payload`); the clients and checkers are unchanged.\n"
    "--via-proxy puts a fault proxy (as `bridgesim proxy`) between the clients and the server: the scenario's\n"
    "network faults run live too, each action a record of the trace.\n"
    "Exit codes: 0 every property held, 1 a property was violated, 2 usage or input error, or the probe\n"
    "could not judge: server unreachable, or every valid client refused alike (wrong --token-secret);\n"
    "the reports are written then too, saying so. See docs/probe.md.";

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
  if (a.max_event_gap_ms > 0) cmd += " --max-event-gap-ms " + std::to_string(a.max_event_gap_ms);
  if (a.protocol_profile != "bridgesim") cmd += " --protocol-profile " + a.protocol_profile;
  if (a.token_secret != system::AppConfig{}.jwt_secret) cmd += " --token-secret <secret>";
  if (!a.ca_file.empty()) cmd += " --ca-file " + a.ca_file;
  if (a.insecure) cmd += " --insecure";
  if (a.via_proxy) cmd += " --via-proxy";
  return cmd;
}

ProbeSpec spec_from(const ProbeArgs& a) {
  ProbeSpec spec;
  spec.url = parse_ws_url(a.url);
  if (a.token_secret.empty()) throw ProbeInputError("--token-secret must not be empty");
  spec.token_secret = a.token_secret;
  spec.tls = {spec.url.tls, a.ca_file, a.insecure};
  if (!spec.url.tls && (!a.ca_file.empty() || a.insecure)) {
    throw ProbeInputError("--ca-file and --insecure apply to wss:// URLs only; --url is " + spec.url.text());
  }
  if (!a.ca_file.empty() && a.insecure) {
    throw ProbeInputError("--ca-file and --insecure contradict each other: verify against the file, or not at all");
  }
  try {
    net::check_tls_options(spec.tls);
  } catch (const net::ClientError& e) {
    throw ProbeInputError(e.what());
  }
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
  spec.msg_id_prefix = a.msg_id_prefix;
  spec.max_event_gap_ms = a.max_event_gap_ms;
  spec.disconnect_timeout_ns = a.disconnect_timeout_ms * runtime::kNanosPerMilli;
  try {
    spec.profile = protocol::load_profile(a.protocol_profile);
  } catch (const protocol::ProfileError& e) {
    throw ProbeInputError(std::string("--protocol-profile: ") + e.what());
  }
  spec.progress = [](const std::string& line) {
    std::fprintf(stderr, "  %s\n", line.c_str());
    std::fflush(stderr);
  };
  spec.via_proxy = a.via_proxy;
  return spec;
}

std::string percentile_text(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return "-";
  return ms_text(sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)]);
}

void print_outcome(const ProbeSpec& spec, const ProbeOutcome& o) {
  for (const auto& w : o.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (o.health_status != 0) std::printf("GET /health -> %d %s\n", o.health_status, o.health_body.c_str());
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
  for (const auto& f : o.applied_faults) {
    std::printf("applied live: %s %s\n", std::string(sim::info(f.kind).name).c_str(), f.target.c_str());
  }
  for (const auto& f : o.proxied_faults) {
    std::printf("applied by the fault proxy %s: %s %s\n", o.proxy_address.c_str(),
                std::string(sim::info(f.kind).name).c_str(), f.target.c_str());
  }
  for (const auto& n : o.not_applied) {
    std::printf("not applied: %s %s: %s\n", n.what.c_str(), n.target.c_str(), n.why.c_str());
  }
  if (!o.all_finished) std::printf("deadline reached with clients unfinished (see the table)\n");
  std::string checked;
  std::set<std::string> failed;
  for (const auto& v : o.violations) failed.insert(v.property);
  for (const auto& p : o.properties)
    checked += (checked.empty() ? "" : ", ") + p + (failed.count(p) ? " FAIL" : " pass");
  std::printf("properties: %s\n", checked.c_str());
  if (!o.not_judged.empty()) {
    std::string names;
    for (const auto& p : o.not_judged) names += (names.empty() ? "" : ", ") + p;
    std::printf("not judgeable live (they read the simulator's own records): %s\n", names.c_str());
  }
  for (const auto& v : o.violations) {
    std::printf("  VIOLATION %s at record #%zu (t=%s): %s\n", v.property.c_str(), v.record_index,
                sim::format_virtual_time(v.at_ns).c_str(), v.message.c_str());
  }
  if (!o.misconfiguration.empty()) std::printf("MISCONFIGURED: %s\n", o.misconfiguration.c_str());
  const char* verdict = !o.misconfiguration.empty() ? "NOT JUDGED" : o.passed() ? "PASS" : "FAIL";
  std::printf("probe %s scenario=%s records=%zu wall=%.3fs verdict=%s\n", spec.url.text().c_str(),
              spec.scenario.name.c_str(), o.trace.size(), o.wall_seconds, verdict);
}

int do_probe(const ProbeArgs& a) {
  const ProbeSpec spec = spec_from(a);
  std::fprintf(stderr,
               "probe %s (profile %s): scenario %s, %d users x %d tabs x %d messages, %d hostile, deadline %.1f s, "
               "seed %llu\n",
               spec.url.text().c_str(), spec.profile.name.c_str(), spec.scenario.name.c_str(), spec.scenario.users,
               spec.scenario.tabs, spec.scenario.messages_per_user, spec.scenario.hostile_clients, spec.deadline_s,
               static_cast<unsigned long long>(spec.seed));
  const ProbeOutcome outcome = probe(spec);
  print_outcome(spec, outcome);
  const ProbeDocuments docs = probe_documents(spec, outcome, rerun_command(a, spec));
  write_file(a.junit, docs.junit);
  write_file(a.json, docs.json);
  write_file(a.markdown, docs.markdown);
  write_file(a.html, docs.html);
  write_file(a.trace, outcome.trace.to_jsonl());
  for (const auto* path : {&a.junit, &a.json, &a.markdown, &a.html, &a.trace}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  if (!outcome.misconfiguration.empty()) {
    std::fprintf(stderr, "error: %s\n", outcome.misconfiguration.c_str());
    return kExitUsage;
  }
  return outcome.passed() ? kExitPass : kExitViolation;
}

}  // namespace

ProbeCommand::ProbeCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "probe",
      "Drive a live server with the scenario workloads over real sockets and check the client-side properties");
  auto* cmd = command_;
  ProbeArgs& a = args_;
  a.token_secret = system::AppConfig{}.jwt_secret;
  a.scenario_dir = harness::default_scenario_dir();
  cmd->add_option("--url", a.url, "The server's WebSocket endpoint: ws://HOST:PORT/PATH or wss://HOST:PORT/PATH")
      ->required();
  cmd->add_option("--ca-file", a.ca_file,
                  "wss://: trust the CA certificate(s) in this PEM file (or the server's self-signed certificate) "
                  "instead of the system's store");
  cmd->add_flag("--insecure", a.insecure,
                "wss://: do NOT verify the server's certificate or host name (warned on stderr and in the reports)");
  cmd->add_option("--token-secret", a.token_secret,
                  "The server's HS256 secret; tokens are minted with it (default: the development secret `serve` "
                  "uses without --jwt-secret)");
  a.users_option = cmd->add_option("--users", a.users, "Users u1..uN (overrides the scenario's)")
                       ->capture_default_str()
                       ->check(CLI::Range(1, 10'000));
  a.messages_option = cmd->add_option("--messages", a.messages, "Messages per user (overrides the scenario's)")
                          ->capture_default_str()
                          ->check(CLI::Range(1, 10'000));
  cmd->add_option("-s,--scenario", a.scenario,
                  "Scenario name or .toml path: its users, tabs, messages, hostile "
                  "clients and token faults");
  cmd->add_option("--scenario-dir", a.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  a.deadline_option = cmd->add_option("--deadline-s", a.deadline_s, "Real-time budget; then stop, finished or not")
                          ->capture_default_str()
                          ->check(CLI::Range(0.1, 86'400.0));
  cmd->add_option("--seed", a.seed, "Seed for the clients' think times, backoff jitter and start times")
      ->capture_default_str();
  cmd->add_option("--property", a.properties,
                  "Property to judge, only those (repeatable; default: delivery, isolation, protocol, auth, fanout, "
                  "and event_gap with --max-event-gap-ms)");
  cmd->add_flag("--no-health-check", a.no_health, "Skip GET /health before connecting");
  cmd->add_flag("--via-proxy", a.via_proxy,
                "Connect the clients through an embedded fault proxy that applies the scenario's network faults "
                "(latency, jitter, spikes, reorder, partition, server_close, reset) at their times; ws:// only");
  cmd->add_option("--max-event-gap-ms", a.max_event_gap_ms,
                  "Judge event_gap: consecutive events of a run on one socket at most this far apart (the "
                  "acceptance suite's bound is 100)")
      ->check(CLI::Range(1, 600'000));
  cmd->add_option("--disconnect-timeout-ms", a.disconnect_timeout_ms,
                  "A socket still open this long after its `disconnect` is a protocol violation (the protocol: "
                  "closed within 1 s)")
      ->capture_default_str()
      ->check(CLI::Range(100, 600'000));
  cmd->add_option("--msg-id-prefix", a.msg_id_prefix,
                  "Begin every client_msg_id with this (default: a random one per invocation, so a second probe "
                  "of one server gets no replay of the first's runs)");
  cmd->add_option(
         "--protocol-profile", a.protocol_profile,
         "The wire dialect: a shipped profile (bridgesim, platform) or a profile .toml file (docs/protocol.md, "
         "Protocol profiles)")
      ->capture_default_str();
  cmd->add_option("--html", a.html, "Write the HTML report here");
  cmd->add_option("--junit", a.junit, "Write JUnit XML here");
  cmd->add_option("--json", a.json, "Write the JSON summary here");
  cmd->add_option("--markdown", a.markdown, "Write a Markdown summary here");
  cmd->add_option("--trace", a.trace, "Write the trace as JSON lines here (same format as replay --trace)");
  cmd->footer(kProbeFooter);
}

bool ProbeCommand::parsed() const { return command_->parsed(); }

int ProbeCommand::run() const {
  try {
    return do_probe(args_);
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
