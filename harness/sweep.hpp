#pragma once
// Runs scenarios over seeds and judges them: the composition of scenarios/
// (make a run) and properties/ (judge its trace) that the CLI and the tests
// share.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "properties/properties.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "scenarios/world.hpp"

namespace bridgesim::cli {

struct SeedOutcome {
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::size_t trace_records = 0;
  runtime::Nanos virtual_end_ns = 0;
  std::vector<properties::Violation> violations;
  std::set<std::string> faults_planned;  // fault kinds in this seed's plan
  std::set<std::string> faults_hit;      // fault kinds whose effect shows in the trace
  reports::LatencyHistogram latency;     // emit-to-receive, lifecycle events, first receipt per client
};

// One seed, run and judged.
SeedOutcome run_seed(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                     bool force_swarm = false);

struct SweepSpec {
  scenarios::Scenario scenario;
  std::uint64_t seed_first = 1;
  std::uint64_t seed_count = 100;
  const scenarios::Variant* variant = nullptr;
  unsigned jobs = 1;
  bool stop_at_first_failure = false;
  bool force_swarm = false;
};

struct SweepOutcome {
  std::vector<SeedOutcome> seeds;  // in seed order, whatever the job count
  double wall_seconds = 0;
  std::uint64_t failing_seeds() const;
};

// `progress(done, total)` is called from the calling thread only.
SweepOutcome sweep(const SweepSpec& spec, const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// The command that replays one seed exactly.
std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant);

reports::ScenarioResult to_report(const SweepSpec& spec, const SweepOutcome& outcome);

// Seeds [first, first + count) split into `shards` contiguous ranges that
// partition it exactly; returns shard `index` (1-based) as {first, count}.
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t first, std::uint64_t count, std::uint64_t index,
                                                    std::uint64_t shards);

// Where scenario files are looked up by name.
std::string default_scenario_dir();

}  // namespace bridgesim::cli
