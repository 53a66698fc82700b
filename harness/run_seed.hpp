#pragma once
// One seed of one scenario, run and judged: the composition of scenarios/
// (make a run) and properties/ (judge its trace) that the CLI, the bench and
// the tests share.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "properties/properties.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::harness {

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

SeedOutcome run_seed(const scenarios::Scenario& scenario, std::uint64_t seed, const scenarios::Variant* variant,
                     bool force_swarm = false);

}  // namespace bridgesim::harness
