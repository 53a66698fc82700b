#include "harness/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "harness/interrupt.hpp"
#include "harness/replay_command.hpp"

namespace bridgesim::harness {
namespace {

// Seeds per batch: enough to keep every job busy, few enough that a sweep of
// millions of seeds holds only one batch of outcomes.
constexpr std::uint64_t kBatch = 4096;

struct Batch {
  std::vector<SeedOutcome> seeds;  // the prefix of the batch that ran
  bool stopped = false;            // a failure (fail fast) or a stop signal ended it
};

// Seeds [first, first + count) of the spec's range (indices from seed_first);
// `done_before` of `total` were done by earlier batches.
Batch run_batch(const SweepSpec& spec, std::uint64_t first, std::uint64_t count, std::uint64_t done_before,
                std::uint64_t total, const SweepProgress& progress) {
  std::vector<SeedOutcome> slots(count);
  std::vector<char> ran(count, 0);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  auto stopping = [&] { return stop.load() || stop_signal() != 0; };
  // Workers claim seed indices in order and write only their own slot, so
  // the outcome is the same for any job count.
  auto run_one = [&](std::uint64_t i) {
    const std::uint64_t seed = spec.seed_list.empty() ? spec.seed_first + first + i : spec.seed_list[first + i];
    slots[i] = run_seed(spec.scenario, seed, spec.variant, spec.force_swarm);
    ran[i] = 1;
    if (spec.stop_at_first_failure && !slots[i].violations.empty()) stop = true;
    ++done;
  };
  const unsigned jobs = std::max(1u, spec.jobs);
  if (jobs == 1) {
    for (std::uint64_t i = 0; i < count && !stopping(); ++i) {
      run_one(i);
      if (progress) progress(done_before + done, total);
    }
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) {
      threads.emplace_back([&] {
        for (std::uint64_t i = next++; i < count && !stopping(); i = next++) run_one(i);
      });
    }
    // Threads are allowed here (harness/, above one run), never inside one run.
    while (done < count && !stopping()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (progress) progress(done_before + done, total);
    }
    for (auto& t : threads) t.join();
    if (progress) progress(done_before + done, total);
  }
  Batch out;
  // Indices are claimed in order and every claimed one finishes, so the seeds
  // that ran are a prefix.
  for (std::uint64_t i = 0; i < count && ran[i]; ++i) {
    out.seeds.push_back(std::move(slots[i]));
    if (spec.stop_at_first_failure && !out.seeds.back().violations.empty()) break;
  }
  out.stopped = out.seeds.size() < count || stop.load();
  return out;
}

// Runs the spec batch by batch, handing each batch to `take`.
template <typename Take>
bool run_batches(const SweepSpec& spec, const SweepProgress& progress, Take take) {
  const std::uint64_t total = spec.seed_list.empty() ? spec.seed_count : spec.seed_list.size();
  std::uint64_t done = 0;
  for (std::uint64_t first = 0; first < total;) {
    const std::uint64_t count = std::min(kBatch, total - first);
    Batch batch = run_batch(spec, first, count, done, total, progress);
    done += batch.seeds.size();
    const bool stopped = batch.stopped;
    take(std::move(batch.seeds));
    if (stopped) break;
    first += count;
  }
  return done < total && stop_signal() != 0;
}

reports::ScenarioResult empty_result(const SweepSpec& spec) {
  reports::ScenarioResult r;
  r.scenario = spec.scenario.name;
  r.description = spec.scenario.description;
  r.variant = spec.variant ? spec.variant->name : "";
  r.mode = spec.force_swarm || spec.scenario.swarm ? "swarm" : "plain";
  if (spec.scenario.properties.empty()) {
    for (const auto& p : properties::property_catalog()) r.properties.push_back(p.name);
  } else {
    r.properties = spec.scenario.properties;
  }
  r.seed_first = spec.seed_list.empty() ? spec.seed_first : spec.seed_list.front();
  r.seed_last = r.seed_first;
  return r;
}

void fold(const SweepSpec& spec, const SeedOutcome& s, reports::ScenarioResult& r) {
  // Seeds come in ascending order; a chosen list (seed_list) leaves holes.
  if (r.seeds_run > 0 && s.seed > r.seed_last + 1) r.not_selected.push_back({r.seed_last + 1, s.seed - 1});
  r.seed_last = s.seed;
  ++r.seeds_run;
  r.failing_seeds += s.violations.empty() ? 0 : 1;
  r.trace_digest += reports::trace_digest_term(s.seed, s.trace_hash);
  for (const auto& k : s.faults_planned) ++r.faults[k].planned;
  for (const auto& k : s.faults_hit) ++r.faults[k].hit;
  r.latency.merge(s.latency);
  for (const auto& v : s.violations) {
    r.failures.push_back(
        {s.seed, v.property, v.message, replay_command(spec.scenario, s.seed, spec.variant, spec.force_swarm)});
  }
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

std::uint64_t SweepOutcome::failing_seeds() const {
  std::uint64_t n = 0;
  for (const auto& s : seeds) n += s.violations.empty() ? 0 : 1;
  return n;
}

SweepOutcome sweep(const SweepSpec& spec, const SweepProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  SweepOutcome out;
  out.interrupted = run_batches(spec, progress, [&](std::vector<SeedOutcome> seeds) {
    for (auto& s : seeds) out.seeds.push_back(std::move(s));
  });
  out.wall_seconds = seconds_since(started);
  return out;
}

reports::ScenarioResult to_report(const SweepSpec& spec, const SweepOutcome& outcome) {
  reports::ScenarioResult r = empty_result(spec);
  for (const auto& s : outcome.seeds) fold(spec, s, r);
  r.wall_seconds = outcome.wall_seconds;
  return r;
}

SweepRun sweep_to_report(const SweepSpec& spec, const SweepProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  SweepRun out{empty_result(spec)};
  out.interrupted = run_batches(spec, progress, [&](const std::vector<SeedOutcome>& seeds) {
    for (const auto& s : seeds) fold(spec, s, out.result);
  });
  out.wall_seconds = out.result.wall_seconds = seconds_since(started);
  return out;
}

}  // namespace bridgesim::harness
