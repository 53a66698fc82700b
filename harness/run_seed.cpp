#include "harness/run_seed.hpp"

#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "properties/client_view.hpp"
#include "protocol/fields.hpp"
#include "protocol/seq.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::harness {

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
    if (at != published.end() && received.emplace(f.actor, key.first, key.second).second)
      out.latency.add(f.at_ns - at->second);
  }
  return out;
}

}  // namespace bridgesim::harness
