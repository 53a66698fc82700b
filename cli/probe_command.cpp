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

namespace bridgesim::cli {
namespace {

constexpr const char* kProbeFooter =
    "Examples:\n"
    "  bridgesim serve --port 8080 &\n"
    "  bridgesim probe --url ws://127.0.0.1:8080/ws --users 3 --messages 2 --junit out/probe.xml\n"
    "  bridgesim probe --url ws://staging:8080/ws --token-secret \"$JWT_SECRET\" --scenario hostile --html "
    "out/probe.html\n"
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
    "unknown scenario or property, server unreachable).";

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
  for (const auto& p : o.properties)
    checked += (checked.empty() ? "" : ", ") + p + (failed.count(p) ? " FAIL" : " pass");
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

int do_probe(const ProbeArgs& a) {
  const ProbeSpec spec = spec_from(a);
  std::fprintf(stderr,
               "probe %s: scenario %s, %d users x %d tabs x %d messages, %d hostile, deadline %.1f s, seed %llu\n",
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

ProbeCommand::ProbeCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "probe",
      "Drive a live server with the scenario workloads over real sockets and check the client-side properties");
  auto* cmd = command_;
  ProbeArgs& a = args_;
  a.token_secret = system::AppConfig{}.jwt_secret;
  a.scenario_dir = harness::default_scenario_dir();
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
                  "Property to check (repeatable; default: delivery, isolation, protocol, auth)");
  cmd->add_flag("--no-health-check", a.no_health, "Skip GET /health before connecting");
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
