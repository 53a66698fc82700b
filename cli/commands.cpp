#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/bench_command.hpp"
#include "cli/bench_regressions_command.hpp"
#include "cli/probe_command.hpp"
#include "cli/progress.hpp"
#include "cli/report_command.hpp"
#include "cli/report_environment.hpp"
#include "harness/determinism.hpp"
#include "harness/harness.hpp"
#include "reports/reports.hpp"
#include "scenarios/fault_catalog.hpp"
#include "scenarios/world.hpp"
#include "sim/fault_plan.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {
namespace {

const scenarios::Variant* variant_or_throw(const std::string& name) {
  if (name.empty()) return nullptr;
  const auto* v = scenarios::find_variant(name);
  if (v == nullptr) throw UsageError("unknown variant '" + name + "' (see `bridgesim list`)");
  return v;
}

void check_property_names(const scenarios::Scenario& s) {
  for (const auto& p : s.properties) {
    if (properties::find_property(p) == nullptr) {
      throw scenarios::ScenarioError(s.source + ":1: unknown property '" + p + "' (see `bridgesim list`)");
    }
  }
}

std::string command_line(int argc, char** argv) {
  std::string out = "bridgesim";
  for (int i = 1; i < argc; ++i) out += std::string(" ") + argv[i];
  return out;
}

// ---- run ----------------------------------------------------------------

struct RunArgs {
  std::vector<std::string> scenarios;
  std::string scenario_dir = harness::default_scenario_dir();
  std::uint64_t seeds = 100;
  std::uint64_t seed_start = 1;
  std::string seed_range;  // "A..B", inclusive
  std::string shard;       // "K/N"
  std::string variant;
  unsigned jobs = 1;
  bool fail_fast = false;
  bool swarm = false;
  bool check_determinism = false;
  bool fault_stats = false;
  std::string junit, json, markdown, html;
  std::size_t max_failures_printed = 10;
};

// --check-determinism: every seed once more, on a disturbed heap; a trace
// that differs is a failure of its own ("determinism"), naming the first
// record that differs in either run.
void add_divergences(const harness::SweepSpec& spec, reports::ScenarioResult& result) {
  std::set<std::uint64_t> failing;
  for (const auto& f : result.failures) failing.insert(f.seed);
  for (std::uint64_t seed = spec.seed_first; seed < spec.seed_first + result.seeds_run; ++seed) {
    const auto d = harness::check_determinism(spec.scenario, seed, spec.variant, spec.force_swarm);
    if (!d) continue;
    result.failures.push_back({seed, "determinism",
                               "the trace differs between two runs at record #" + std::to_string(d->record_index) +
                                   ": first run '" + d->first + "', second run '" + d->second + "'",
                               harness::replay_command(spec.scenario, seed, spec.variant)});
    if (failing.insert(seed).second) ++result.failing_seeds;
  }
  std::stable_sort(result.failures.begin(), result.failures.end(),
                   [](const reports::Failure& a, const reports::Failure& b) { return a.seed < b.seed; });
}

std::pair<std::uint64_t, std::uint64_t> parse_pair(const std::string& text, const std::string& sep,
                                                   const std::string& what) {
  const auto at = text.find(sep);
  try {
    if (at == std::string::npos) throw std::invalid_argument(text);
    std::size_t used_a = 0, used_b = 0;
    const auto a = std::stoull(text.substr(0, at), &used_a);
    const auto b = std::stoull(text.substr(at + sep.size()), &used_b);
    if (used_a != at || used_b != text.size() - at - sep.size()) throw std::invalid_argument(text);
    return {a, b};
  } catch (const std::exception&) {
    throw UsageError(what + " must look like " + (sep == ".." ? "A..B" : "K/N") + ", got '" + text + "'");
  }
}

// The named scenarios, or every one in the directory; properties checked by name.
std::vector<scenarios::Scenario> scenarios_to_run(const RunArgs& args) {
  std::vector<scenarios::Scenario> list;
  if (args.scenarios.empty()) {
    list = scenarios::load_scenario_dir(args.scenario_dir);
    if (list.empty()) throw UsageError("no scenario files (*.toml) in " + args.scenario_dir);
  } else {
    for (const auto& s : args.scenarios) list.push_back(scenarios::find_scenario(s, args.scenario_dir));
  }
  for (const auto& s : list) check_property_names(s);
  return list;
}

int do_run(RunArgs args, const std::string& cmdline) {
  const auto* variant = variant_or_throw(args.variant);
  std::optional<reports::SeedRange> sweep_of_shard;  // in a shard's JSON, so `report` can name missing shards
  if (!args.seed_range.empty()) {
    const auto [a, b] = parse_pair(args.seed_range, "..", "--seed-range");
    if (b < a) throw UsageError("--seed-range " + args.seed_range + " is empty (B < A)");
    args.seed_start = a;
    args.seeds = b - a + 1;
  }
  if (!args.shard.empty()) {
    const auto [k, n] = parse_pair(args.shard, "/", "--shard");
    if (n == 0 || k == 0 || k > n) throw UsageError("--shard K/N needs 1 <= K <= N, got " + args.shard);
    const auto [first, count] = harness::shard_range(args.seed_start, args.seeds, k, n);
    if (args.seeds > 0) sweep_of_shard = reports::SeedRange{args.seed_start, args.seed_start + args.seeds - 1};
    args.seed_start = first;
    args.seeds = count;
    std::fprintf(stderr, "shard %s: seeds %llu..%llu\n", args.shard.c_str(), static_cast<unsigned long long>(first),
                 static_cast<unsigned long long>(first + count - 1));
  }
  const std::vector<scenarios::Scenario> list = scenarios_to_run(args);

  reports::SweepReport report;
  describe_run(report, cmdline, args.html, args.json);
  report.sweep = sweep_of_shard;
  double wall = 0;
  SweepProgress progress(list.size(), args.seeds, args.variant);
  for (const auto& scenario : list) {
    harness::SweepSpec spec{scenario, args.seed_start, args.seeds, variant, args.jobs, args.fail_fast, args.swarm};
    const harness::SweepOutcome outcome = harness::sweep(spec, progress.start_scenario(scenario.name));
    progress.finish_scenario(outcome.seeds.size(), outcome.failing_seeds());
    wall += outcome.wall_seconds;
    auto result = harness::to_report(spec, outcome);
    if (args.check_determinism) add_divergences(spec, result);
    std::printf("%-24s runs=%llu failures=%llu wall=%.3fs (%.0f runs/s)\n",
                (scenario.name + (variant ? "[" + variant->name + "]" : "")).c_str(),
                static_cast<unsigned long long>(result.seeds_run),
                static_cast<unsigned long long>(result.failing_seeds), outcome.wall_seconds,
                outcome.wall_seconds > 0 ? result.seeds_run / outcome.wall_seconds : 0.0);
    if (args.fault_stats) {
      for (const auto& [kind, count] : result.faults) {
        std::printf("  fault %-18s planned in %5.1f%% of seeds, took effect in %5.1f%%\n", kind.c_str(),
                    100.0 * count.planned / result.seeds_run, 100.0 * count.hit / result.seeds_run);
      }
    }
    std::size_t printed = 0;
    for (const auto& f : result.failures) {
      if (printed++ == args.max_failures_printed) {
        std::printf("  ... %zu more violations (see the reports)\n",
                    result.failures.size() - args.max_failures_printed);
        break;
      }
      std::printf("  FAIL seed=%llu property=%s: %s\n    replay: %s\n", static_cast<unsigned long long>(f.seed),
                  f.property.c_str(), f.message.c_str(), f.replay_command.c_str());
    }
    std::fflush(stdout);
    report.results.push_back(result);
  }
  std::printf("TOTAL runs=%llu failures=%llu wall=%.3fs verdict=%s\n",
              static_cast<unsigned long long>(report.total_runs()),
              static_cast<unsigned long long>(report.total_failing_seeds()), wall, report.passed() ? "PASS" : "FAIL");
  std::printf("trace digest: %s\n", sim::hash_hex(report.trace_digest()).c_str());
  write_file(args.junit, reports::to_junit_xml(report));
  write_file(args.json, reports::to_json(report));
  write_file(args.markdown, reports::to_markdown(report));
  write_file(args.html, reports::to_html(report));
  for (const auto* path : {&args.junit, &args.json, &args.markdown, &args.html}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  return report.passed() ? kExitPass : kExitViolation;
}

// ---- replay -------------------------------------------------------------

struct ReplayArgs {
  std::string scenario;
  std::string scenario_dir = harness::default_scenario_dir();
  std::uint64_t seed = 1;
  std::string variant;
  std::string trace_out;
  std::string perfetto_out;
  bool no_color = false;
  bool log = false;
};

int do_replay(const ReplayArgs& args) {
  const auto* variant = variant_or_throw(args.variant);
  const auto scenario = scenarios::find_scenario(args.scenario, args.scenario_dir);
  check_property_names(scenario);
  const auto run = scenarios::run_scenario(scenario, {args.seed, variant, args.log});
  const bool colour = !args.no_color && isatty(STDOUT_FILENO) != 0;
  std::fputs(sim::format_timeline(run.trace, colour).c_str(), stdout);
  const auto violations = properties::check_properties(run.trace, scenario.properties);
  for (const auto& v : violations) {
    std::printf("VIOLATION %s at record #%zu (t=%s): %s\n", v.property.c_str(), v.record_index,
                sim::format_virtual_time(v.at_ns).c_str(), v.message.c_str());
  }
  write_file(args.trace_out, run.trace.to_jsonl());
  std::vector<reports::TraceMarker> markers;
  for (const auto& v : violations) markers.push_back({v.record_index, v.at_ns, v.property, v.message});
  write_file(args.perfetto_out, reports::to_perfetto(run.trace, markers));
  for (const auto* path : {&args.trace_out, &args.perfetto_out}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  std::printf("scenario=%s seed=%llu records=%zu virtual_end=%s verdict=%s\n", scenario.name.c_str(),
              static_cast<unsigned long long>(args.seed), run.trace.size(),
              sim::format_virtual_time(run.virtual_end_ns).c_str(), violations.empty() ? "PASS" : "FAIL");
  std::printf("trace hash: %s\n", sim::hash_hex(run.trace.hash()).c_str());
  return violations.empty() ? kExitPass : kExitViolation;
}

// ---- shrink -------------------------------------------------------------

struct ShrinkArgs {
  std::string scenario;
  std::string scenario_dir = harness::default_scenario_dir();
  std::uint64_t seed = 1;
  std::string variant;
  std::string out;
  bool swarm = false;
};

int do_shrink(const ShrinkArgs& args) {
  const auto* variant = variant_or_throw(args.variant);
  const auto scenario = scenarios::find_scenario(args.scenario, args.scenario_dir);
  const auto result = harness::shrink(scenario, args.seed, variant, args.swarm);
  if (!result) {
    std::printf("seed %llu of %s passes every property: nothing to shrink\n",
                static_cast<unsigned long long>(args.seed), scenario.name.c_str());
    return kExitPass;
  }
  const std::string path = args.out.empty() ? "out/" + result->scenario.name + ".toml" : args.out;
  write_file(path, harness::shrunk_scenario_file(*result, variant, path));
  std::printf("%s seed %llu: %s\n  %s\n", scenario.name.c_str(), static_cast<unsigned long long>(args.seed),
              result->property.c_str(), result->message.c_str());
  std::printf("shrunk in %d runs: faults %zu -> %zu, users %d -> %d, tabs %d, attackers %d, messages/user %d\n",
              result->runs, result->faults_before, result->scenario.faults.faults.size(), scenario.users,
              result->scenario.users, result->scenario.tabs, result->scenario.hostile_clients,
              result->scenario.messages_per_user);
  std::printf("wrote %s\nreplay: bridgesim replay --scenario %s --seed %llu%s\n", path.c_str(), path.c_str(),
              static_cast<unsigned long long>(args.seed), variant ? (" --variant " + variant->name).c_str() : "");
  return kExitViolation;
}

// ---- list ---------------------------------------------------------------

int do_list(const std::string& scenario_dir) {
  std::printf("Scenarios (%s):\n", scenario_dir.c_str());
  for (const auto& s : scenarios::load_scenario_dir(scenario_dir)) {
    std::printf("  %-22s %s\n", s.name.c_str(), s.description.c_str());
  }
  std::printf("\nProperties:\n");
  for (const auto& p : properties::property_catalog())
    std::printf("  %-22s %s\n", p.name.c_str(), p.description.c_str());
  std::printf("\nFault kinds ([[fault]] kind = ..., or drawn by --swarm):\n");
  for (const auto& k : scenarios::fault_catalog()) {
    std::string params;
    for (const auto& p : k.params)
      params += (params.empty() ? "" : ", ") + std::string(p.name) + "=" + std::string(p.fallback);
    std::printf("  %-22s %-11s %s%s%s\n", std::string(k.name).c_str(), std::string(k.group).c_str(),
                std::string(k.description).c_str(), k.targeted ? " [target = \"user:<id>\"]" : "",
                params.empty() ? "" : (" {" + params + "}").c_str());
  }
  std::printf("\nVariants (incident regressions, for --variant):\n");
  for (const auto& v : scenarios::variant_catalog()) {
    std::printf("  %-22s %s (caught by: %s)\n", v.name.c_str(), v.incident.c_str(), v.expected_property.c_str());
  }
  return kExitPass;
}

CLI::App* add_run_command(CLI::App& app, RunArgs& run) {
  auto* run_cmd = app.add_subcommand("run", "Run scenarios over many seeds and check every property");
  run_cmd->add_option("-s,--scenario", run.scenarios, "Scenario name or .toml path (repeatable; default: all)");
  run_cmd->add_option("--scenario-dir", run.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  run_cmd->add_option("-n,--seeds", run.seeds, "Seeds per scenario")
      ->capture_default_str()
      ->check(CLI::Range(1ull, 100'000'000ull));
  run_cmd->add_option("--seed-start", run.seed_start, "First seed")->capture_default_str();
  run_cmd->add_option("--seed-range", run.seed_range, "Seeds A..B inclusive (instead of --seed-start/--seeds)");
  run_cmd->add_option("--shard", run.shard,
                      "Run shard K of N (1-based) of the seed range; the N shards partition it exactly (CI matrix, "
                      "Kubernetes Indexed Job: --shard $((JOB_COMPLETION_INDEX+1))/N)");
  run_cmd->add_option("--variant", run.variant, "Swap in an incident-regression component (see list)");
  run_cmd->add_option("-j,--jobs", run.jobs, "Runs in parallel; results identical to --jobs 1")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  run_cmd->add_flag("--fail-fast", run.fail_fast, "Stop a scenario at its first failing seed");
  run_cmd->add_flag("--swarm", run.swarm, "Every seed also draws its own random faults (swarm testing)");
  run_cmd->add_flag("--check-determinism", run.check_determinism,
                    "Run every seed a second time, on a disturbed heap, and fail a seed whose trace differs, naming "
                    "the first record that differs");
  run_cmd->add_flag("--fault-stats", run.fault_stats,
                    "Print, per fault kind, the share of seeds that planned and hit it");
  run_cmd->add_option("--junit", run.junit, "Write JUnit XML here");
  run_cmd->add_option("--json", run.json, "Write the JSON summary here");
  run_cmd->add_option("--markdown", run.markdown, "Write a Markdown summary here");
  run_cmd->add_option("--html", run.html, "Write the HTML readiness report here");
  run_cmd->footer("Example: bridgesim run --scenario golden_path --seeds 10000 --jobs 2 --junit out/junit.xml");
  return run_cmd;
}

CLI::App* add_replay_command(CLI::App& app, ReplayArgs& replay) {
  auto* replay_cmd = app.add_subcommand("replay", "Re-run one seed exactly: timeline, violations, trace hash");
  replay_cmd->add_option("-s,--scenario", replay.scenario, "Scenario name or .toml path")->required();
  replay_cmd->add_option("--scenario-dir", replay.scenario_dir, "Where scenario names are looked up")
      ->capture_default_str();
  replay_cmd->add_option("--seed", replay.seed, "The seed to replay")->required();
  replay_cmd->add_option("--variant", replay.variant, "The incident-regression component the failing run used");
  replay_cmd->add_option("--trace", replay.trace_out, "Also write the trace as JSON lines here");
  replay_cmd->add_option("--perfetto", replay.perfetto_out,
                         "Also write a Chrome trace-event file (open in ui.perfetto.dev or chrome://tracing)");
  replay_cmd->add_flag("--no-color", replay.no_color, "No colour even on a terminal");
  replay_cmd->add_flag("--log", replay.log, "Print the system's own log lines (virtual time) to stderr");
  replay_cmd->footer("Example: bridgesim replay --scenario golden_path --seed 17 --trace out/seed17.jsonl");
  return replay_cmd;
}

CLI::App* add_list_command(CLI::App& app, std::string& list_dir) {
  auto* list_cmd = app.add_subcommand("list", "List scenarios, properties and incident variants");
  list_cmd->add_option("--scenario-dir", list_dir, "Where scenarios are")->capture_default_str();
  return list_cmd;
}

CLI::App* add_shrink_command(CLI::App& app, ShrinkArgs& shrink_args) {
  auto* shrink_cmd = app.add_subcommand("shrink", "Shrink a failing seed to a minimal scenario file that replays it");
  shrink_cmd->add_option("-s,--scenario", shrink_args.scenario, "Scenario name or .toml path")->required();
  shrink_cmd->add_option("--scenario-dir", shrink_args.scenario_dir, "Where scenario names are looked up")
      ->capture_default_str();
  shrink_cmd->add_option("--seed", shrink_args.seed, "The failing seed")->required();
  shrink_cmd->add_option("--variant", shrink_args.variant, "The incident-regression component the failing run used");
  shrink_cmd->add_flag("--swarm", shrink_args.swarm, "The failing run used --swarm");
  shrink_cmd->add_option("-o,--out", shrink_args.out,
                         "Where to write the scenario (default out/<name>_shrunk_seed<S>.toml)");
  shrink_cmd->footer("Example: bridgesim shrink --scenario swarm --seed 11 --variant permissive_auth");
  return shrink_cmd;
}

}  // namespace

void write_file(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) throw UsageError("cannot write " + path + ": " + ec.message());
  std::ofstream out(p, std::ios::binary);
  if (!out) throw UsageError("cannot write " + path);
  out << text;
  if (!out) throw UsageError("failed writing " + path);
}

int main_with_args(int argc, char** argv) {
  CLI::App app{"bridgesim: deterministic simulation and fault injection for an agent -> WebSocket backend"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  bridgesim run --seeds 1000 --html out/readiness.html\n"
      "  bridgesim run --scenario golden_path --seeds 100 --jobs 2\n"
      "  bridgesim replay --scenario golden_path --seed 17 --perfetto out/seed17.json\n"
      "  bridgesim shrink --scenario swarm --seed 11 --variant permissive_auth\n"
      "  bridgesim run --shard 1/4 --json out/shard1.json   # then: bridgesim report out/shard*.json --html "
      "out/r.html\n"
      "  bridgesim list\n"
      "Exit codes: 0 pass, 1 property violated, 2 usage or input error.");

  RunArgs run;
  auto* run_cmd = add_run_command(app, run);
  ReplayArgs replay;
  auto* replay_cmd = add_replay_command(app, replay);
  std::string list_dir = harness::default_scenario_dir();
  auto* list_cmd = add_list_command(app, list_dir);
  ShrinkArgs shrink_args;
  auto* shrink_cmd = add_shrink_command(app, shrink_args);
  const BenchRegressionsCommand bench_cmd(app);
  const ReportCommand report_cmd(app);

  auto* serve_cmd = register_serve_command(app);
  const ProbeCommand probe_cmd(app);
  const BenchCommand bench_real_cmd(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitPass : kExitUsage;
  }
  try {
    if (run_cmd->parsed()) return do_run(run, command_line(argc, argv));
    if (replay_cmd->parsed()) return do_replay(replay);
    if (list_cmd->parsed()) return do_list(list_dir);
    if (shrink_cmd->parsed()) return do_shrink(shrink_args);
    if (bench_cmd.parsed()) return bench_cmd.run();
    if (report_cmd.parsed()) return report_cmd.run();
    if (serve_cmd->parsed()) return run_serve_command();
    if (probe_cmd.parsed()) return probe_cmd.run();
    if (bench_real_cmd.parsed()) return bench_real_cmd.run();
    return kExitUsage;
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const reports::ReportError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return kExitUsage;
}

}  // namespace bridgesim::cli
