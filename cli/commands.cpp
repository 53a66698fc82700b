#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/bench_command.hpp"
#include "cli/bench_regressions_command.hpp"
#include "cli/cli_support.hpp"
#include "cli/probe_command.hpp"
#include "cli/progress.hpp"
#include "cli/proxy_command.hpp"
#include "cli/report_command.hpp"
#include "cli/report_environment.hpp"
#include "cli/sim_commands.hpp"
#include "harness/determinism.hpp"
#include "harness/harness.hpp"
#include "harness/interrupt.hpp"
#include "reports/reports.hpp"
#include "scenarios/world.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {
namespace {

// The command line as a shell would take it back, the binary as invoked.
std::string command_line(int argc, char** argv) {
  std::string out = harness::shell_quote(harness::program_name());
  for (int i = 1; i < argc; ++i) out += " " + harness::shell_quote(argv[i]);
  return out;
}

// ---- run ----------------------------------------------------------------

// Seeds per scenario in one invocation; more go in shards or several ranges.
constexpr std::uint64_t kSeedsMax = 100'000'000;

struct RunArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> excludes;
  std::string scenario_dir = harness::default_scenario_dir();
  std::string seeds = "100";
  std::string seed_start = "1";
  std::string seed_range;  // "A..B", inclusive
  std::string shard;       // "K/N"
  std::string variant;
  unsigned jobs = 1;
  bool fail_fast = false;
  bool swarm = false;
  bool check_determinism = false;
  bool fault_stats = false;
  bool allow_empty = false;
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
    if (harness::stop_signal() != 0) break;
    const auto d = harness::check_determinism(spec.scenario, seed, spec.variant, spec.force_swarm);
    if (!d) continue;
    result.failures.push_back({seed, "determinism",
                               "the trace differs between two runs at record #" + std::to_string(d->record_index) +
                                   ": first run '" + d->first + "', second run '" + d->second + "'",
                               harness::replay_command(spec.scenario, seed, spec.variant, spec.force_swarm, true)});
    if (failing.insert(seed).second) ++result.failing_seeds;
  }
  std::stable_sort(result.failures.begin(), result.failures.end(),
                   [](const reports::Failure& a, const reports::Failure& b) { return a.seed < b.seed; });
}

constexpr const char* kAllowEmpty = "pass --allow-empty to accept a run that checks nothing";

// The seeds each scenario runs, every number range-checked.
struct SeedPlan {
  std::uint64_t first = 1;
  std::uint64_t count = 0;
  std::optional<reports::SeedRange> sweep;  // in a shard's JSON, so `report` can name missing shards
};

SeedPlan plan_seeds(const RunArgs& args) {
  SeedPlan plan;
  if (!args.seed_range.empty()) {
    const auto [a, b] = parse_pair(args.seed_range, "..", "--seed-range");
    if (b < a) throw UsageError("--seed-range " + args.seed_range + " is empty (B < A)");
    if (b - a >= kSeedsMax)
      throw UsageError("--seed-range " + args.seed_range + " has more than " + std::to_string(kSeedsMax) +
                       " seeds: split it (--shard K/N, or several ranges)");
    plan.first = a;
    plan.count = b - a + 1;
  } else {
    plan.count = parse_u64(args.seeds, "--seeds", 1, kSeedsMax);
    plan.first = parse_u64(args.seed_start, "--seed-start");
    if (plan.first > UINT64_MAX - (plan.count - 1))
      throw UsageError("--seed-start " + args.seed_start + " with --seeds " + args.seeds +
                       " runs past the last seed, " + std::to_string(UINT64_MAX));
  }
  if (args.shard.empty()) return plan;
  const auto [k, n] = parse_pair(args.shard, "/", "--shard");
  if (n == 0 || k == 0 || k > n) throw UsageError("--shard K/N needs 1 <= K <= N, got " + args.shard);
  plan.sweep = reports::SeedRange{plan.first, plan.first + (plan.count - 1)};
  const auto [first, count] = harness::shard_range(plan.first, plan.count, k, n);
  if (count == 0 && !args.allow_empty)
    throw UsageError("--shard " + args.shard + " of " + std::to_string(plan.count) + " seeds has no seeds to run (" +
                     std::to_string(n) + " shards, " + std::to_string(plan.count) + " seeds); " + kAllowEmpty);
  plan.first = first;
  plan.count = count;
  if (count == 0) {
    std::fprintf(stderr, "shard %s: no seeds\n", args.shard.c_str());
  } else {
    std::fprintf(stderr, "shard %s: seeds %llu..%llu\n", args.shard.c_str(), static_cast<unsigned long long>(first),
                 static_cast<unsigned long long>(first + (count - 1)));
  }
  return plan;
}

// Every scenario in the directory, refusing a directory with a file that
// does not load: a sweep that silently skipped it would claim too much.
std::vector<scenarios::Scenario> every_scenario(const scenarios::ScenarioDir& scanned, const std::string& dir) {
  if (!scanned.errors.empty()) {
    std::string message = std::to_string(scanned.errors.size()) + " scenario file(s) in " + dir + " do not load:";
    for (const auto& e : scanned.errors) message += "\n  " + e;
    throw UsageError(message);
  }
  if (scanned.scenarios.empty()) throw UsageError("no scenario files (*.toml) in " + dir);
  return scanned.scenarios;
}

// -s by name, .toml path or glob; then --exclude globs.
std::vector<scenarios::Scenario> scenarios_to_run(const RunArgs& args) {
  std::optional<scenarios::ScenarioDir> scanned;
  auto dir = [&]() -> const scenarios::ScenarioDir& {
    if (!scanned) scanned = scenarios::scan_scenario_dir(args.scenario_dir);
    return *scanned;
  };
  std::vector<scenarios::Scenario> list;
  if (args.scenarios.empty()) list = every_scenario(dir(), args.scenario_dir);
  for (const auto& pattern : args.scenarios) {
    if (!has_glob(pattern)) {
      list.push_back(scenario_or_throw(pattern, args.scenario_dir));
      continue;
    }
    std::size_t matched = 0;
    for (const auto& s : dir().scenarios) {
      if (glob_match(pattern, s.name) && ++matched) list.push_back(s);
    }
    if (matched == 0) throw UsageError("no scenario in " + args.scenario_dir + " matches '" + pattern + "'");
  }
  if (scanned && !args.scenarios.empty() && !scanned->errors.empty())
    std::fprintf(stderr, "warning: %zu scenario file(s) in %s do not load and were not matched (see `%s list`)\n",
                 scanned->errors.size(), args.scenario_dir.c_str(), harness::program_name().c_str());
  std::vector<std::string> names;
  for (const auto& s : (scanned ? scanned->scenarios : list)) names.push_back(s.name);
  for (const auto& ex : args.excludes) {
    if (std::none_of(names.begin(), names.end(), [&](const std::string& n) { return glob_match(ex, n); }))
      throw UsageError("--exclude '" + ex + "' matches no scenario" + did_you_mean(ex, names));
    std::erase_if(list, [&](const scenarios::Scenario& s) { return glob_match(ex, s.name); });
  }
  // One scenario named twice (a name and a glob) runs once.
  std::set<std::pair<std::string, std::string>> seen;
  std::erase_if(list, [&](const scenarios::Scenario& s) { return !seen.emplace(s.name, s.source).second; });
  for (const auto& s : list) check_property_names(s);
  if (list.empty() && !args.allow_empty) throw UsageError(std::string("no scenario selected; ") + kAllowEmpty);
  return list;
}

void print_result(const RunArgs& args, const harness::SweepSpec& spec, const harness::SweepRun& run,
                  const reports::ScenarioResult& result) {
  std::string label = spec.scenario.name + (spec.variant ? "[" + spec.variant->name + "]" : "");
  if (spec.force_swarm && !spec.scenario.swarm) label += " +swarm";
  std::printf("%-24s runs=%llu failures=%llu wall=%.3fs (%.0f runs/s)%s\n", label.c_str(),
              static_cast<unsigned long long>(result.seeds_run), static_cast<unsigned long long>(result.failing_seeds),
              run.wall_seconds, run.wall_seconds > 0 ? result.seeds_run / run.wall_seconds : 0.0,
              run.interrupted ? " INTERRUPTED" : "");
  if (args.fault_stats && result.seeds_run > 0) {
    for (const auto& [kind, count] : result.faults) {
      std::printf("  fault %-18s planned in %5.1f%% of seeds, took effect in %5.1f%%\n", kind.c_str(),
                  100.0 * count.planned / result.seeds_run, 100.0 * count.hit / result.seeds_run);
    }
  }
  std::size_t printed = 0;
  for (const auto& f : result.failures) {
    if (printed++ == args.max_failures_printed) {
      std::printf("  ... %zu more violations (see the reports)\n", result.failures.size() - args.max_failures_printed);
      break;
    }
    std::printf("  FAIL seed=%llu property=%s: %s\n    replay: %s\n", static_cast<unsigned long long>(f.seed),
                f.property.c_str(), f.message.c_str(), f.replay_command.c_str());
  }
  std::fflush(stdout);
}

// Runs every scenario into `report`, stopping early on a stop signal or,
// with --fail-fast, after the first scenario that failed. Returns the wall time.
double run_scenarios(const RunArgs& args, const SeedPlan& plan, const std::vector<scenarios::Scenario>& list,
                     const scenarios::Variant* variant, reports::SweepReport& report) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  double wall = 0;
  SweepProgress progress(list.size(), plan.count, tty);
  for (std::size_t i = 0; i < list.size() && harness::stop_signal() == 0; ++i) {
    harness::SweepSpec spec{list[i], plan.first, plan.count, variant, args.jobs, args.fail_fast, args.swarm};
    progress.start_scenario(list[i].name + (variant ? "[" + variant->name + "]" : ""));
    const harness::SweepRun run = harness::sweep_to_report(spec, progress.callback());
    wall += run.wall_seconds;
    auto result = run.result;
    progress.finish_scenario(result.seeds_run, result.failing_seeds);
    if (args.check_determinism) add_divergences(spec, result);
    if (run.interrupted && result.seeds_run == 0) break;
    print_result(args, spec, run, result);
    report.results.push_back(std::move(result));
    if (args.fail_fast && report.results.back().failing_seeds > 0 && i + 1 < list.size()) {
      std::printf("--fail-fast: stopped at the first failing scenario; %zu not run\n", list.size() - i - 1);
      break;
    }
  }
  progress.finish();
  report.partial = harness::stop_signal() != 0;
  return wall;
}

std::string verdict_word(const reports::SweepReport& report) {
  const std::string v = report.verdict();
  return v == "pass" ? "PASS" : v == "fail" ? "FAIL" : "INCOMPLETE";
}

int do_run(const RunArgs& args, const std::string& cmdline) {
  const auto* variant = variant_or_throw(args.variant);
  const SeedPlan plan = plan_seeds(args);
  const std::vector<scenarios::Scenario> list = scenarios_to_run(args);
  harness::install_stop_handlers();
  reports::SweepReport report;
  report.command = cmdline;
  report.environment = current_environment();
  report.json_beside = json_beside(args.html, args.json);
  report.sweep = plan.sweep;
  const double wall = run_scenarios(args, plan, list, variant, report);
  std::printf("TOTAL runs=%llu failures=%llu wall=%.3fs verdict=%s\n",
              static_cast<unsigned long long>(report.total_runs()),
              static_cast<unsigned long long>(report.total_failing_seeds()), wall, verdict_word(report).c_str());
  std::printf("trace digest: %s\n", sim::hash_hex(report.trace_digest()).c_str());
  std::fflush(stdout);
  write_file(args.junit, reports::to_junit_xml(report));
  write_file(args.json, reports::to_json(report));
  write_file(args.markdown, reports::to_markdown(report));
  write_file(args.html, reports::to_html(report));
  for (const auto* path : {&args.junit, &args.json, &args.markdown, &args.html}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  if (const int sig = harness::stop_signal(); sig != 0) {
    std::fflush(stdout);
    std::fprintf(stderr, "interrupted by %s after %llu runs: the results and reports cover only those (partial)\n",
                 sig == SIGINT    ? "SIGINT"
                 : sig == SIGTERM ? "SIGTERM"
                                  : "a signal",
                 static_cast<unsigned long long>(report.total_runs()));
    return kExitInterrupted + sig;
  }
  if (report.total_runs() == 0 && !args.allow_empty) {
    throw UsageError(std::string("no seed ran: nothing was checked; ") + kAllowEmpty);
  }
  return report.passed() ? kExitPass : kExitViolation;
}

CLI::App* add_run_command(CLI::App& app, RunArgs& run) {
  auto* cmd = app.add_subcommand("run", "Run scenarios over many seeds and check every property");
  cmd->add_option("-s,--scenario", run.scenarios,
                  "Scenario name, .toml path or glob ('auth_*') (repeatable; default: all)");
  cmd->add_option("--exclude", run.excludes, "Leave out scenarios whose name matches this glob (repeatable)");
  cmd->add_option("--scenario-dir", run.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  auto* seeds = cmd->add_option("-n,--seeds", run.seeds, "Seeds per scenario (1..100000000)")->capture_default_str();
  auto* start = cmd->add_option("--seed-start", run.seed_start, "First seed")->capture_default_str();
  cmd->add_option("--seed-range", run.seed_range, "Seeds A..B inclusive (instead of --seed-start/--seeds)")
      ->excludes(seeds)
      ->excludes(start);
  cmd->add_option("--shard", run.shard,
                  "Run shard K of N (1-based) of the seed range; the N shards partition it exactly (CI matrix, "
                  "Kubernetes Indexed Job: --shard $((JOB_COMPLETION_INDEX+1))/N)");
  cmd->add_option("--variant", run.variant, "Swap in an incident-regression component (see list)");
  cmd->add_option("-j,--jobs", run.jobs, "Runs in parallel; results identical to --jobs 1")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  cmd->add_flag("--fail-fast", run.fail_fast, "Stop the whole sweep at the first failing seed");
  cmd->add_flag("--swarm", run.swarm, "Every seed also draws its own random faults (swarm testing)");
  cmd->add_flag("--check-determinism", run.check_determinism,
                "Run every seed a second time, on a disturbed heap, and fail a seed whose trace differs, naming "
                "the first record that differs");
  cmd->add_flag("--fault-stats", run.fault_stats, "Print, per fault kind, the share of seeds that planned and hit it");
  cmd->add_flag("--allow-empty", run.allow_empty,
                "Accept a run that checks nothing (a shard with no seeds, every scenario excluded) with exit 0");
  cmd->add_option("--junit", run.junit, "Write JUnit XML here");
  cmd->add_option("--json", run.json, "Write the JSON summary here");
  cmd->add_option("--markdown", run.markdown, "Write a Markdown summary here");
  cmd->add_option("--html", run.html, "Write the HTML readiness report here");
  cmd->footer(
      "Example: bridgesim run --scenario golden_path --seeds 10000 --jobs 2 --junit out/junit.xml\n"
      "Ctrl-C or SIGTERM: the seeds running finish, the reports are written for what ran (\"partial\": true, "
      "INCOMPLETE), exit 130 (SIGINT) or 143 (SIGTERM).");
  return cmd;
}

const char* kSubcommandHelp =
    "Examples:\n"
    "  bridgesim run --seeds 1000 --html out/readiness.html\n"
    "  bridgesim run --scenario golden_path --seeds 100 --jobs 2\n"
    "  bridgesim run -s 'auth_*' --exclude auth_flapping --swarm --seeds 200\n"
    "  bridgesim replay --scenario golden_path --seed 17 --perfetto out/seed17.json\n"
    "  bridgesim shrink --scenario swarm --seed 11 --variant permissive_auth\n"
    "  bridgesim run --shard 1/4 --json out/shard1.json   # then: bridgesim report out/shard*.json --html "
    "out/r.html\n"
    "  bridgesim list\n"
    "Scenario names are looked up in --scenario-dir, else ./scenarios, $BRIDGESIM_SCENARIOS, the installed\n"
    "share/bridgesim/scenarios, the source tree it was built from (`bridgesim list` says which).\n"
    "Exit codes: 0 pass, 1 property violated, 2 usage or input error (also: nothing ran), 130/143 interrupted.";

// "bridgesim rnu": CLI11 would say only that a subcommand is required.
std::optional<std::string> unknown_subcommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == argv[1]) return std::nullopt;
    names.push_back(sub->get_name());
  }
  return "unknown command '" + std::string(argv[1]) + "'" + did_you_mean(argv[1], names) + "; run `" +
         harness::program_name() + " --help` for the list";
}

// Output the user asked for that did not reach its file is an error.
int checked_stdout(int code) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "error: cannot write standard output: %s\n", std::strerror(errno));
    return kExitUsage;
  }
  return code;
}

}  // namespace

void write_file(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) throw UsageError("cannot write " + path + ": " + ec.message());
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) throw UsageError("cannot write " + path + ": " + std::strerror(errno));
  // Checked after the flush and the close: a full disk shows only there.
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed)
    throw UsageError("cannot write " + path + ": " + std::strerror(!written ? write_errno : errno));
}

int main_with_args(int argc, char** argv) {
  if (argc > 0) harness::set_program_name(argv[0]);
  CLI::App app{"bridgesim: deterministic simulation and fault injection for an agent -> WebSocket backend"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());
  app.footer(kSubcommandHelp);

  RunArgs run;
  auto* run_cmd = add_run_command(app, run);
  ReplayArgs replay;
  auto* replay_cmd = add_replay_command(app, replay);
  ListArgs list;
  auto* list_cmd = add_list_command(app, list);
  ShrinkArgs shrink_args;
  auto* shrink_cmd = add_shrink_command(app, shrink_args);
  const BenchRegressionsCommand bench_cmd(app);
  const ReportCommand report_cmd(app);

  auto* serve_cmd = register_serve_command(app);
  const ProbeCommand probe_cmd(app);
  const BenchCommand bench_real_cmd(app);
  const ProxyCommand proxy_cmd(app);  // the fault proxy (cli/proxy_command.hpp)

  if (const auto unknown = unknown_subcommand(app, argc, argv)) {
    std::fprintf(stderr, "error: %s\n", unknown->c_str());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return checked_stdout(code == 0 ? kExitPass : kExitUsage);
  }
  try {
    if (run_cmd->parsed()) return checked_stdout(do_run(run, command_line(argc, argv)));
    if (replay_cmd->parsed()) return checked_stdout(do_replay(replay));
    if (list_cmd->parsed()) return checked_stdout(do_list(list));
    if (shrink_cmd->parsed()) return checked_stdout(do_shrink(shrink_args));
    if (bench_cmd.parsed()) return checked_stdout(bench_cmd.run());
    if (report_cmd.parsed()) return checked_stdout(report_cmd.run());
    if (serve_cmd->parsed()) return run_serve_command();
    if (probe_cmd.parsed()) return checked_stdout(probe_cmd.run());
    if (bench_real_cmd.parsed()) return checked_stdout(bench_real_cmd.run());
    if (proxy_cmd.parsed()) return checked_stdout(proxy_cmd.run());
    return kExitUsage;
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const reports::ReportError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::exception& e) {
    // Last resort: bad input must never abort the process.
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  std::fflush(stdout);
  return kExitUsage;
}

}  // namespace bridgesim::cli
