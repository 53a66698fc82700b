#include "cli/run_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/report_environment.hpp"
#include "cli/run_plan.hpp"
#include "harness/determinism.hpp"
#include "harness/interrupt.hpp"
#include "harness/sweep.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {
namespace {

// --check-determinism: every seed once more, on a disturbed heap; a trace
// that differs is a failure of its own ("determinism"), naming the first
// record that differs in either run.
void add_divergences(const harness::SweepSpec& spec, reports::ScenarioResult& result) {
  std::set<std::uint64_t> failing;
  for (const auto& f : result.failures) failing.insert(f.seed);
  for (const auto& range : reports::covered_ranges(result)) {
    for (std::uint64_t seed = range.first; harness::stop_signal() == 0; ++seed) {
      if (const auto d = harness::check_determinism(spec.scenario, seed, spec.variant, spec.force_swarm)) {
        result.failures.push_back({seed, "determinism",
                                   "the trace differs between two runs at record #" + std::to_string(d->record_index) +
                                       ": first run '" + d->first + "', second run '" + d->second + "'",
                                   harness::replay_command(spec.scenario, seed, spec.variant, spec.force_swarm, true)});
        if (failing.insert(seed).second) ++result.failing_seeds;
      }
      if (seed == range.last) break;
    }
  }
  std::stable_sort(result.failures.begin(), result.failures.end(),
                   [](const reports::Failure& a, const reports::Failure& b) { return a.seed < b.seed; });
}

std::string job_label(const RunJob& job) {
  std::string label = job.scenario.name + (job.variant ? "[" + job.variant->name + "]" : "");
  if (job.swarm && !job.scenario.swarm) label += " +swarm";
  return label;
}

void print_result(const RunArgs& args, bool colour, const RunJob& job, const harness::SweepRun& run,
                  const reports::ScenarioResult& result) {
  std::printf("%-24s runs=%llu failures=%s wall=%.3fs (%.0f runs/s)%s\n", job_label(job).c_str(),
              static_cast<unsigned long long>(result.seeds_run),
              paint(colour && result.failing_seeds > 0, "31", std::to_string(result.failing_seeds)).c_str(),
              run.wall_seconds, run.wall_seconds > 0 ? result.seeds_run / run.wall_seconds : 0.0,
              run.interrupted ? paint(colour, "33", " INTERRUPTED").c_str() : "");
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
    std::printf("  %s seed=%llu property=%s: %s\n    replay: %s\n", paint(colour, "31", "FAIL").c_str(),
                static_cast<unsigned long long>(f.seed), f.property.c_str(), f.message.c_str(),
                f.replay_command.c_str());
  }
  std::fflush(stdout);
}

// Runs every job into `report`, stopping early on a stop signal or, with
// --fail-fast, after the first scenario that failed. Returns the wall time.
double run_jobs(const RunArgs& args, const RunPlan& plan, bool colour, reports::SweepReport& report) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  double wall = 0;
  SweepProgress progress(plan.jobs.size(), plan.count, tty);
  progress.set_total_runs(plan.total_runs());
  for (std::size_t i = 0; i < plan.jobs.size() && harness::stop_signal() == 0; ++i) {
    const RunJob& job = plan.jobs[i];
    harness::SweepSpec spec{job.scenario, plan.first,     plan.count, job.variant,
                            args.jobs,    args.fail_fast, job.swarm,  job.seeds};
    progress.start_scenario(job.scenario.name + (job.variant ? "[" + job.variant->name + "]" : ""));
    const harness::SweepRun run = harness::sweep_to_report(spec, progress.callback());
    wall += run.wall_seconds;
    auto result = run.result;
    progress.finish_scenario(result.seeds_run, result.failing_seeds);
    if (job.check_determinism) add_divergences(spec, result);
    if (run.interrupted && result.seeds_run == 0) break;
    print_result(args, colour, job, run, result);
    report.results.push_back(std::move(result));
    if (args.fail_fast && report.results.back().failing_seeds > 0 && i + 1 < plan.jobs.size()) {
      std::printf("--fail-fast: stopped at the first failing scenario; %zu not run\n", plan.jobs.size() - i - 1);
      break;
    }
  }
  progress.finish();
  report.partial = harness::stop_signal() != 0;
  return wall;
}

std::string verdict_word(const reports::SweepReport& report, bool colour) {
  const std::string v = report.verdict();
  return v == "pass"   ? paint(colour, "32", "PASS")
         : v == "fail" ? paint(colour, "31", "FAIL")
                       : paint(colour, "33", "INCOMPLETE");
}

}  // namespace

int do_run(const RunArgs& args, const std::string& cmdline) {
  const RunPlan plan = plan_run(args);
  const bool colour = use_colour(args.color, STDOUT_FILENO);
  harness::install_stop_handlers();
  reports::SweepReport report;
  report.command = cmdline;
  report.environment = current_environment();
  report.json_beside = json_beside(args.html, args.json);
  report.sweep = plan.sweep;
  report.partition = plan.partition;
  const double wall = run_jobs(args, plan, colour, report);
  std::printf(
      "TOTAL runs=%llu failures=%llu wall=%.3fs verdict=%s\n", static_cast<unsigned long long>(report.total_runs()),
      static_cast<unsigned long long>(report.total_failing_seeds()), wall, verdict_word(report, colour).c_str());
  std::printf("trace digest: %s\n", sim::hash_hex(report.trace_digest()).c_str());
  std::fflush(stdout);
  write_file(plan.junit, reports::to_junit_xml(report));
  write_file(args.json, reports::to_json(report));
  write_file(args.markdown, reports::to_markdown(report));
  write_file(args.html, reports::to_html(report));
  for (const auto* path : {&plan.junit, &args.json, &args.markdown, &args.html}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  if (const int sig = harness::stop_signal(); sig != 0) {
    std::fflush(stdout);
    std::fprintf(stderr, "interrupted by %s after %llu runs: the results and reports cover only those (partial)\n",
                 sig == SIGINT    ? "SIGINT"
                 : sig == SIGTERM ? "SIGTERM"
                                  : "a signal",
                 static_cast<unsigned long long>(report.total_runs()));
    return kExitInterrupted;
  }
  if (report.total_runs() == 0 && !args.allow_empty) {
    throw UsageError(std::string("no seed ran: nothing was checked; ") + kAllowEmpty);
  }
  return report.passed() ? kExitPass : kExitViolation;
}

namespace {

// Which scenarios and seeds: -s, --exclude, the seed options, shards,
// partitions and --rerun-failed, with the combinations that conflict.
void add_selection_options(CLI::App* cmd, RunArgs& run) {
  auto* scenario = cmd->add_option("-s,--scenario", run.scenarios,
                                   "Scenario name, .toml path or glob ('auth_*') (repeatable; default: all)");
  auto* exclude =
      cmd->add_option("--exclude", run.excludes, "Leave out scenarios whose name matches this glob (repeatable)");
  cmd->add_option("--scenario-dir", run.scenario_dir, "Where scenario names are looked up")->capture_default_str();
  auto* seeds = cmd->add_option("-n,--seeds", run.seeds, "Seeds per scenario, 1..100000000")
                    ->type_name("N")
                    ->capture_default_str();
  auto* start = cmd->add_option("--seed-start", run.seed_start, "First seed, 0..18446744073709551615")
                    ->type_name("SEED")
                    ->capture_default_str();
  auto* range = cmd->add_option("--seed-range", run.seed_range,
                                "Seeds A through B, both included (instead of --seed-start and --seeds)")
                    ->type_name("A..B")
                    ->excludes(seeds)
                    ->excludes(start);
  auto* from = cmd->add_option("--seeds-from", run.seeds_from,
                               "Run exactly the seeds this file lists, for every scenario: one seed or A..B per "
                               "line, '#' comments (instead of --seeds, --seed-start, --seed-range)")
                   ->type_name("FILE")
                   ->excludes(seeds)
                   ->excludes(start)
                   ->excludes(range);
  auto* shard = cmd->add_option("--shard", run.shard,
                                "Run shard K of N (1-based) of the seed range; the N shards partition it exactly. "
                                "Without it, GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS or Bazel's TEST_SHARD_INDEX/"
                                "TEST_TOTAL_SHARDS choose the shard")
                    ->type_name("K/N")
                    ->excludes(from);
  auto* shard_count = cmd->add_option("--shard-count", run.shard_count,
                                      "In a Kubernetes Indexed Job: N shards, this pod's index from "
                                      "JOB_COMPLETION_INDEX (0-based)")
                          ->type_name("N")
                          ->excludes(shard)
                          ->excludes(from);
  auto* partition = cmd->add_option("--partition", run.partition,
                                    "Run partition K of N of the scenarios: hash:K/N by name (stable as scenarios "
                                    "are added) or count:K/N round-robin; `report` merges all N")
                        ->type_name("KIND:K/N")
                        ->excludes(shard)
                        ->excludes(shard_count);
  auto* variant = cmd->add_option("--variant", run.variant, "Swap in an incident-regression component (see list)");
  auto* swarm = cmd->add_flag("--swarm", run.swarm, "Every seed also draws its own random faults (swarm testing)");
  cmd->add_option("--rerun-failed", run.rerun_failed,
                  "Run again only the failing seeds of a result file (`run --json`, `report --json`), each "
                  "scenario with its variant and mode")
      ->type_name("JSON")
      ->excludes(scenario)
      ->excludes(exclude)
      ->excludes(seeds)
      ->excludes(start)
      ->excludes(range)
      ->excludes(from)
      ->excludes(shard)
      ->excludes(shard_count)
      ->excludes(partition)
      ->excludes(variant)
      ->excludes(swarm);
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunArgs& run) {
  auto* cmd = app.add_subcommand("run", "Run scenarios over many seeds and check every property");
  add_selection_options(cmd, run);
  cmd->add_option("-j,--jobs", run.jobs, "Runs in parallel; results identical to --jobs 1")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  cmd->add_flag("--fail-fast", run.fail_fast, "Stop the whole sweep at the first failing seed");
  cmd->add_flag("--check-determinism", run.check_determinism,
                "Run every seed a second time, on a disturbed heap, and fail a seed whose trace differs, naming "
                "the first record that differs");
  cmd->add_flag("--fault-stats", run.fault_stats, "Print, per fault kind, the share of seeds that planned and hit it");
  cmd->add_flag("--allow-empty", run.allow_empty,
                "Accept a run that checks nothing (a shard with no seeds, every scenario excluded) with exit 0");
  cmd->add_option("--color", run.color, kColorHelp)
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--junit", run.junit, "Write JUnit XML here (default under Bazel: $XML_OUTPUT_FILE)");
  cmd->add_option("--json", run.json, "Write the JSON summary here");
  cmd->add_option("--markdown", run.markdown, "Write a Markdown summary here");
  cmd->add_option("--html", run.html, "Write the HTML readiness report here");
  cmd->footer(
      "Example: bridgesim run --scenario golden_path --seeds 10000 --jobs 2 --junit out/junit.xml\n"
      "CI sharding: docs/ci/ (a GitHub Actions matrix and a Kubernetes Indexed Job, merged with `report`).\n"
      "Ctrl-C or SIGTERM: the seeds running finish, the reports are written for what ran (\"partial\": true, "
      "INCOMPLETE), exit 130 (SIGINT and SIGTERM alike; stderr names the signal).");
  return cmd;
}

}  // namespace bridgesim::cli
