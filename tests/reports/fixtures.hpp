#pragma once
// Report fixtures whose numbers all differ, so that a writer or a merge that
// swaps, drops or double-counts a field shows in an exact count:
//   failing_shard(): "chat", seeds 4..14 (11 run), 4 failing seeds, 6
//     failures (seeds 5 and 8 break two properties each): protocol on 3
//     seeds, isolation on 2, delivery on 1, runs on none; 3 latency events.
//   clean_shard(): "chat", seeds 15..23 (9 run), nothing failing; 5 events.
//   quiet(): another scenario, seeds 1..7, clean.
// Together: 20 seeds of chat, 4..23.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/reports.hpp"

namespace bridgesim::reports::fixtures {

inline ScenarioResult result(std::string scenario, std::uint64_t first, std::uint64_t count,
                             std::vector<Failure> failures, std::uint64_t failing_seeds, int latency_events) {
  ScenarioResult r;
  r.scenario = std::move(scenario);
  r.description = "fixture";
  r.properties = {"delivery", "isolation", "protocol", "runs"};
  r.seeds_run = count;
  r.seed_first = first;
  r.seed_last = first + count - 1;
  r.failures = std::move(failures);
  r.failing_seeds = failing_seeds;
  r.faults["jitter"] = {count, count / 3};
  for (int i = 0; i < latency_events; ++i) r.latency.add((i + 1) * 3'000'000);
  r.trace_digest = first * 1000 + count;
  return r;
}

inline Failure failure(std::uint64_t seed, std::string property) {
  return {seed, property, property + " broken at seed " + std::to_string(seed),
          "bridgesim replay --scenario chat --seed " + std::to_string(seed)};
}

inline ScenarioResult failing_shard() {
  return result("chat", 4, 11,
                {failure(5, "isolation"), failure(5, "protocol"), failure(8, "delivery"), failure(8, "protocol"),
                 failure(12, "protocol"), failure(13, "isolation")},
                4, 3);
}

inline ScenarioResult clean_shard() { return result("chat", 15, 9, {}, 0, 5); }

inline ScenarioResult quiet() { return result("quiet", 1, 7, {}, 0, 2); }

inline SweepReport report_of(std::vector<ScenarioResult> results, std::string source = "fixture.json") {
  SweepReport r;
  r.source = std::move(source);
  r.results = std::move(results);
  return r;
}

// The one result of `report`; throws (a test failure, not a crash) otherwise.
inline const ScenarioResult& only(const SweepReport& report) {
  if (report.results.size() != 1)
    throw std::runtime_error("expected one result, got " + std::to_string(report.results.size()));
  return report.results.front();
}

// Counts occurrences of `needle` in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace bridgesim::reports::fixtures
