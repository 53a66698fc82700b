#pragma once
// Result documents for the harness's users: JUnit XML for CI, a JSON summary
// for machines, Markdown for a PR comment, self-contained HTML for sign-off.
// Plain data in, text out: reports know nothing of how runs were made.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bridgesim::reports {

struct Failure {
  std::uint64_t seed = 0;
  std::string property;
  std::string message;
  std::string replay_command;
};

struct FaultCount {
  std::uint64_t planned = 0;  // seeds whose plan had the kind
  std::uint64_t hit = 0;      // seeds where its effect shows in the trace
};

struct ScenarioResult {
  std::string scenario;
  std::string description;
  std::string variant;                  // "" for the production components
  std::vector<std::string> properties;  // checked
  std::uint64_t seeds_run = 0;
  std::uint64_t seed_first = 0;
  std::uint64_t seed_last = 0;
  double wall_seconds = 0;
  std::vector<Failure> failures;  // by seed, first violation per property
  std::uint64_t failing_seeds = 0;
  std::map<std::string, FaultCount> faults;  // by fault kind
};

struct SweepReport {
  std::string title = "bridgesim readiness";
  std::string command;  // the command line that produced it
  std::vector<ScenarioResult> results;
  bool passed() const;
  std::uint64_t total_runs() const;
  std::uint64_t total_failing_seeds() const;
};

std::string to_junit_xml(const SweepReport& report);
std::string to_json(const SweepReport& report);
std::string to_markdown(const SweepReport& report);
std::string to_html(const SweepReport& report);

// Escaping helpers, exposed for tests.
std::string xml_escape(std::string_view text);

}  // namespace bridgesim::reports
