#include "cli/harness.hpp"

#include "properties/client_view.hpp"
#include "protocol/fields.hpp"
#include "protocol/seq.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>
#include <tuple>

#include <boost/json.hpp>

namespace bridgesim::cli {

std::string default_scenario_dir() { return BRIDGESIM_SCENARIO_DIR; }

SeedOutcome run_seed(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                     bool force_swarm) {
  const scenarios::RunResult run = scenarios::run_scenario(scenario, {seed, variant, false, force_swarm});
  SeedOutcome out;
  out.seed = seed;
  out.trace_hash = run.trace.hash();
  out.trace_records = run.trace.size();
  out.virtual_end_ns = run.virtual_end_ns;
  const properties::ClientView view = properties::build_client_view(run.trace);
  out.violations = properties::check_properties(run.trace, scenario.properties, &view);
  for (const auto& f : run.faults.faults) out.faults_planned.insert(std::string(sim::info(f.kind).name));
  std::map<std::pair<std::string, std::uint64_t>, runtime::Nanos> published;  // (run, seq) -> emitted at
  for (const auto& r : run.trace.records()) {
    if (r.kind == sim::record::kFaultHit) out.faults_hit.insert(std::string(r.field(sim::record_field::kFault)));
    if (const auto publish = sim::as_publish(r)) {
      published.emplace(std::make_pair(std::string(publish->run), publish->seq), r.at_ns);
    }
  }
  // Emit-to-receive latency: the first receipt of each event by each client.
  std::set<std::tuple<std::string, std::string, std::uint64_t>> received;
  for (const auto& f : view.received) {
    const std::string run_id = properties::string_field(f.body, protocol::field::kRunId);
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (run_id.empty() || seq == 0) continue;
    const auto key = std::make_pair(run_id, seq);
    const auto at = published.find(key);
    if (at != published.end() && received.emplace(f.actor, key.first, key.second).second) out.latency.add(f.at_ns - at->second);
  }
  return out;
}

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
    // Threads are allowed here (cli/), never inside one run.
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

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t first, std::uint64_t count, std::uint64_t index,
                                                    std::uint64_t shards) {
  if (shards == 0 || index == 0 || index > shards) throw std::invalid_argument("shard must be K/N with 1 <= K <= N");
  // The first (count % shards) shards take one seed more.
  const std::uint64_t base = count / shards, extra = count % shards;
  const std::uint64_t k = index - 1;
  const std::uint64_t start = first + k * base + std::min(k, extra);
  return {start, base + (k < extra ? 1 : 0)};
}

std::string replay_command(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant) {
  const std::filesystem::path source(scenario.source);
  const bool in_default_dir = source.parent_path() == std::filesystem::path(default_scenario_dir());
  std::string cmd = "bridgesim replay --scenario " + (in_default_dir ? scenario.name : scenario.source) +
                    " --seed " + std::to_string(seed);
  if (variant != nullptr) cmd += " --variant " + variant->name;
  return cmd;
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

}  // namespace bridgesim::cli
