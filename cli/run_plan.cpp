#include "cli/run_plan.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "cli/seed_selection.hpp"
#include "cli/sim_commands.hpp"
#include "harness/shard.hpp"
#include "scenarios/world.hpp"

namespace bridgesim::cli {
namespace {

// Seeds per scenario in one invocation; more go in shards or several ranges.
constexpr std::uint64_t kSeedsMax = 100'000'000;
// Seeds a --seeds-from file may list (each is held in memory).
constexpr std::uint64_t kSeedFileMax = 1'000'000;

void print_range(const std::string& label, std::uint64_t first, std::uint64_t count) {
  if (count == 0) {
    std::fprintf(stderr, "%s: no seeds\n", label.c_str());
  } else {
    std::fprintf(stderr, "%s: seeds %llu..%llu\n", label.c_str(), static_cast<unsigned long long>(first),
                 static_cast<unsigned long long>(first + (count - 1)));
  }
}

// --shard K/N, else the shard the CI engine's environment asks for.
std::optional<std::pair<std::uint64_t, std::uint64_t>> shard_wanted(const RunArgs& args, std::string& label) {
  std::optional<std::uint64_t> count;
  if (!args.shard_count.empty()) count = parse_u64(args.shard_count, "--shard-count", 1, kSeedsMax);
  if (!args.shard.empty() || !args.partition.empty()) {
    const std::string env = shard_environment_names();
    if (!env.empty())
      std::fprintf(stderr, "note: %s given: the sharding in the environment (%s) is not used\n",
                   args.shard.empty() ? "--partition" : "--shard", env.c_str());
    if (args.shard.empty()) return std::nullopt;
    const auto [k, n] = parse_pair(args.shard, "/", "--shard");
    if (n == 0 || k == 0 || k > n) throw UsageError("--shard K/N needs 1 <= K <= N, got " + args.shard);
    label = "--shard " + args.shard;
    return std::make_pair(k, n);
  }
  const auto env = shard_from_environment(count);
  if (!env) return std::nullopt;
  if (std::getenv("TEST_TOTAL_SHARDS") != nullptr) touch_shard_status_file();
  label = "shard " + std::to_string(env->index) + "/" + std::to_string(env->total) + " (from " + env->from + ")";
  return std::make_pair(env->index, env->total);
}

void plan_seeds(const RunArgs& args, RunPlan& plan) {
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
  std::string label;
  const auto shard = shard_wanted(args, label);
  if (!shard) return;
  const auto [k, n] = *shard;
  plan.sweep = reports::SeedRange{plan.first, plan.first + (plan.count - 1)};
  const auto [first, count] = harness::shard_range(plan.first, plan.count, k, n);
  if (count == 0 && !args.allow_empty)
    throw UsageError(label + " of " + std::to_string(plan.count) + " seeds has no seeds to run (" + std::to_string(n) +
                     " shards, " + std::to_string(plan.count) + " seeds); " + kAllowEmpty);
  plan.first = first;
  plan.count = count;
  print_range(label, first, count);
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
  return list;
}

// --partition: only the scenarios of partition K; the JSON keeps the whole
// selection so `report` can name a partition left out.
void keep_partition(const RunArgs& args, RunPlan& plan) {
  reports::Partition p = parse_partition(args.partition);
  std::vector<RunJob> kept;
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) {
    const std::string& name = plan.jobs[i].scenario.name;
    p.scenarios.push_back(name);
    if (reports::partition_of(p.kind, name, i, p.total) == p.index) kept.push_back(plan.jobs[i]);
  }
  std::fprintf(stderr, "partition %s: %zu of %zu scenarios\n", args.partition.c_str(), kept.size(), plan.jobs.size());
  if (kept.empty() && !plan.jobs.empty() && !args.allow_empty)
    throw UsageError("--partition " + args.partition + " of " + std::to_string(plan.jobs.size()) +
                     " scenarios has none to run; " + kAllowEmpty);
  plan.jobs = std::move(kept);
  plan.partition = std::move(p);
}

// --rerun-failed: each failing seed of the file again, as it ran.
void plan_rerun(const RunArgs& args, RunPlan& plan) {
  const auto cases = failures_to_rerun(args.rerun_failed);
  std::uint64_t seeds = 0;
  for (const auto& c : cases) {
    RunJob job{scenario_or_throw(c.scenario, args.scenario_dir), variant_or_throw(c.variant), c.swarm,
               c.determinism || args.check_determinism, c.seeds};
    seeds += c.seeds.size();
    plan.jobs.push_back(std::move(job));
  }
  std::fprintf(stderr, "rerun-failed: %llu failing seeds of %zu scenarios from %s\n",
               static_cast<unsigned long long>(seeds), cases.size(), args.rerun_failed.c_str());
}

}  // namespace

std::uint64_t RunPlan::total_runs() const {
  std::uint64_t n = 0;
  for (const auto& j : jobs) n += j.seeds.empty() ? count : j.seeds.size();
  return n;
}

RunPlan plan_run(const RunArgs& args) {
  RunPlan plan;
  plan.junit = args.junit;
  // Bazel names where a test's XML goes.
  if (const char* xml = std::getenv("XML_OUTPUT_FILE"); plan.junit.empty() && xml != nullptr && *xml != '\0')
    plan.junit = xml;
  // A chosen set is not split: every shard would run all of it.
  if (const std::string env = shard_environment_names();
      !env.empty() && (!args.rerun_failed.empty() || !args.seeds_from.empty()))
    std::fprintf(stderr, "note: %s runs every seed it names: the sharding in the environment (%s) is not used\n",
                 args.rerun_failed.empty() ? "--seeds-from" : "--rerun-failed", env.c_str());
  if (!args.rerun_failed.empty()) {
    plan_rerun(args, plan);
  } else {
    const auto* variant = variant_or_throw(args.variant);
    std::vector<std::uint64_t> chosen;
    if (!args.seeds_from.empty()) {
      chosen = read_seed_file(args.seeds_from, kSeedFileMax);
      std::fprintf(stderr, "seeds-from %s: %zu seeds\n", args.seeds_from.c_str(), chosen.size());
    } else {
      plan_seeds(args, plan);
    }
    for (auto& s : scenarios_to_run(args))
      plan.jobs.push_back({std::move(s), variant, args.swarm, args.check_determinism, chosen});
    if (!args.partition.empty()) keep_partition(args, plan);
    if (!args.seeds_from.empty() && chosen.empty() && !args.allow_empty)
      throw UsageError("--seeds-from " + args.seeds_from + " lists no seed; " + kAllowEmpty);
  }
  if (plan.jobs.empty() && !args.allow_empty)
    throw UsageError(std::string(args.rerun_failed.empty() ? "no scenario selected; "
                                                           : "nothing to rerun: the file has no failing seed; ") +
                     kAllowEmpty);
  return plan;
}

}  // namespace bridgesim::cli
