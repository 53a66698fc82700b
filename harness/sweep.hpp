#pragma once
// Many seeds of one scenario, run on `jobs` threads and judged; the outcome
// is the same for any job count. A stop signal (harness/interrupt.hpp) ends
// a sweep at the next seed: seeds already running finish, the rest never
// start, and the outcome says it was interrupted.
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
  std::uint64_t seed_count = 100;  // seed_first + seed_count - 1 must not wrap
  const scenarios::Variant* variant = nullptr;
  unsigned jobs = 1;
  bool stop_at_first_failure = false;
  bool force_swarm = false;
  // When not empty: exactly these seeds, ascending (seed_first and seed_count
  // are ignored); the result names the holes between them `not_selected`.
  std::vector<std::uint64_t> seed_list{};
};

struct SweepOutcome {
  std::vector<SeedOutcome> seeds;  // in seed order, whatever the job count
  double wall_seconds = 0;
  bool interrupted = false;  // a stop signal ended it before its last seed
  std::uint64_t failing_seeds() const;
};

using SweepProgress = std::function<void(std::uint64_t, std::uint64_t)>;

// `progress(done, total)` is called from the calling thread only.
SweepOutcome sweep(const SweepSpec& spec, const SweepProgress& progress = {});

reports::ScenarioResult to_report(const SweepSpec& spec, const SweepOutcome& outcome);

// sweep() then to_report(), but each seed's outcome is folded into the
// result as soon as its batch ends: memory does not grow with the seeds.
struct SweepRun {
  reports::ScenarioResult result;
  double wall_seconds = 0;
  bool interrupted = false;
};
SweepRun sweep_to_report(const SweepSpec& spec, const SweepProgress& progress = {});

}  // namespace bridgesim::harness
