#include "harness/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "harness/replay_command.hpp"

namespace bridgesim::harness {

std::uint64_t SweepOutcome::failing_seeds() const {
  std::uint64_t n = 0;
  for (const auto& s : seeds) n += s.violations.empty() ? 0 : 1;
  return n;
}

SweepOutcome sweep(const SweepSpec& spec, const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t total = spec.seed_count;
  std::vector<SeedOutcome> slots(total);
  std::vector<char> ran(total, 0);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  // Workers claim seed indices in order and write only their own slot, so
  // the outcome is the same for any job count.
  auto run_one = [&](std::uint64_t i) {
    slots[i] = run_seed(spec.scenario, spec.seed_first + i, spec.variant, spec.force_swarm);
    ran[i] = 1;
    if (spec.stop_at_first_failure && !slots[i].violations.empty()) stop = true;
    ++done;
  };
  const unsigned jobs = std::max(1u, spec.jobs);
  if (jobs == 1) {
    for (std::uint64_t i = 0; i < total && !stop; ++i) {
      run_one(i);
      if (progress) progress(done, total);
    }
  } else {
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) {
      threads.emplace_back([&] {
        for (std::uint64_t i = next++; i < total && !stop; i = next++) run_one(i);
      });
    }
    // Threads are allowed here (harness/, above one run), never inside one run.
    while (done < total && !stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (progress) progress(done, total);
    }
    for (auto& t : threads) t.join();
    if (progress) progress(done, total);
  }
  SweepOutcome out;
  // Indices are claimed in order, so every seed before the first failure ran.
  for (std::uint64_t i = 0; i < total && ran[i]; ++i) {
    out.seeds.push_back(std::move(slots[i]));
    if (spec.stop_at_first_failure && !out.seeds.back().violations.empty()) break;
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

reports::ScenarioResult to_report(const SweepSpec& spec, const SweepOutcome& outcome) {
  reports::ScenarioResult r;
  r.scenario = spec.scenario.name;
  r.description = spec.scenario.description;
  r.variant = spec.variant ? spec.variant->name : "";
  if (spec.scenario.properties.empty()) {
    for (const auto& p : properties::property_catalog()) r.properties.push_back(p.name);
  } else {
    r.properties = spec.scenario.properties;
  }
  r.seeds_run = outcome.seeds.size();
  r.seed_first = spec.seed_first;
  r.seed_last = spec.seed_first + (outcome.seeds.empty() ? 0 : outcome.seeds.size() - 1);
  r.wall_seconds = outcome.wall_seconds;
  r.failing_seeds = outcome.failing_seeds();
  for (const auto& s : outcome.seeds) {
    r.trace_digest += reports::trace_digest_term(s.seed, s.trace_hash);
    for (const auto& k : s.faults_planned) ++r.faults[k].planned;
    for (const auto& k : s.faults_hit) ++r.faults[k].hit;
    r.latency.merge(s.latency);
  }
  for (const auto& s : outcome.seeds) {
    for (const auto& v : s.violations) {
      r.failures.push_back({s.seed, v.property, v.message, replay_command(spec.scenario, s.seed, spec.variant)});
    }
  }
  return r;
}

}  // namespace bridgesim::harness
