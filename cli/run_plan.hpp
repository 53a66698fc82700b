#pragma once
// What one `run` runs: the seeds (a range, a shard of it, a seed file or the
// failures of an earlier result) and the scenarios (names, globs,
// exclusions, a partition), each with its variant and mode. Every input is
// checked here, before the first seed runs.
#include <cstdint>
#include <optional>
#include <vector>

#include "cli/run_command.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::cli {

// One scenario of the run and how it runs.
struct RunJob {
  scenarios::Scenario scenario;
  const scenarios::Variant* variant = nullptr;
  bool swarm = false;
  bool check_determinism = false;
  std::vector<std::uint64_t> seeds;  // chosen seeds; empty: the plan's range
};

struct RunPlan {
  std::uint64_t first = 1;  // the range every job without its own seeds runs
  std::uint64_t count = 0;
  std::optional<reports::SeedRange> sweep;      // in a shard's JSON, so `report` can name missing shards
  std::optional<reports::Partition> partition;  // in a partition's JSON
  std::string junit;                            // --junit, else Bazel's XML_OUTPUT_FILE
  std::vector<RunJob> jobs;
  std::uint64_t total_runs() const;
};

constexpr const char* kAllowEmpty = "pass --allow-empty to accept a run that checks nothing";

// UsageError (or ScenarioError) for any bad input; prints the shard or
// selection it settled on to stderr.
RunPlan plan_run(const RunArgs& args);

}  // namespace bridgesim::cli
