#pragma once
// Many seeds of one scenario, run on `jobs` threads and judged; the outcome
// is the same for any job count.
#include <cstdint>
#include <functional>
#include <vector>

#include "harness/run_seed.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::harness {

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

reports::ScenarioResult to_report(const SweepSpec& spec, const SweepOutcome& outcome);

}  // namespace bridgesim::harness
