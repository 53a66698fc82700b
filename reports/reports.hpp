#pragma once
// Result documents for the harness's users: JUnit XML for CI, a JSON summary
// for machines (and for merging shards), Markdown for a PR comment,
// self-contained HTML for staging sign-off, and a Chrome/Perfetto trace of
// one run. Plain data in, text out: reports know nothing of how runs were
// made.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

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

// Emit-to-receive latency of lifecycle events, in virtual time, on fixed
// log-spaced buckets so histograms from any shard add up exactly.
struct LatencyHistogram {
  static constexpr std::array<std::int64_t, 12> kUpperUs{1'000,   2'000,   5'000,   10'000,    20'000,    50'000,
                                                         100'000, 200'000, 500'000, 1'000'000, 2'000'000, 5'000'000};
  std::array<std::uint64_t, kUpperUs.size() + 1> counts{};  // last: above the largest bound

  void add(std::int64_t latency_ns);
  void merge(const LatencyHistogram& other);
  std::uint64_t total() const;
  // The upper bound (µs) of the bucket holding the p-th percentile; -1 when
  // empty or beyond the last bound.
  std::int64_t percentile_upper_us(double p) const;
  static std::string bucket_label(std::size_t i);
};

// Seeds first..last, both included.
struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  bool operator==(const SeedRange&) const = default;
};

struct ScenarioResult {
  std::string scenario;
  std::string description;
  std::string variant;                  // "" for the production components
  std::string mode = "plain";           // "swarm" when every seed drew its own faults (--swarm or [swarm])
  std::vector<std::string> properties;  // checked
  std::uint64_t seeds_run = 0;
  std::uint64_t seed_first = 0;
  std::uint64_t seed_last = 0;
  // Seeds inside seed_first..seed_last that never ran: shards merged without
  // the ones between (1 and 3 of 3) or after them. Empty for one run. A
  // result with missing seeds is incomplete: its sweep is not READY.
  std::vector<SeedRange> missing;
  // Seeds inside seed_first..seed_last the run was not asked for: a chosen
  // set (`run --seeds-from`, `--rerun-failed`) has holes that are not
  // missing. They do not make a result incomplete.
  std::vector<SeedRange> not_selected;
  double wall_seconds = 0;        // in the JSON's "environment" only: it depends on the machine
  std::vector<Failure> failures;  // by seed, first violation per property
  std::uint64_t failing_seeds = 0;
  std::map<std::string, FaultCount> faults;  // by fault kind
  LatencyHistogram latency;
  // The sum of trace_digest_term(seed, trace hash) over the seeds run: equal
  // digests mean equal traces (two builds, compilers or machines compare in
  // one line), and shards merge by adding.
  std::uint64_t trace_digest = 0;
};

// One seed's share of ScenarioResult::trace_digest: its seed and trace hash,
// mixed (SplitMix64's finalizer) so that swapped hashes do not cancel.
std::uint64_t trace_digest_term(std::uint64_t seed, std::uint64_t trace_hash);

// The seeds a result ran: seed_first..seed_last less the missing and the
// not selected ones, in order (none when seeds_run is 0).
std::vector<SeedRange> covered_ranges(const ScenarioResult& r);
// The missing and the not selected seeds together, in order.
std::vector<SeedRange> seed_gaps(const ScenarioResult& r);
// "1..67, 135..200" (`separator` between first and last, ", " between ranges).
std::string ranges_text(const std::vector<SeedRange>& ranges, std::string_view separator = "..");

// Where, when and with what a report was made: what a release manager signs
// against. It depends on the machine and the clock, so the JSON keeps it
// apart, under "environment" (with each result's wall time): compare two
// JSONs without that key. Empty fields are left out of every report.
struct Environment {
  std::string generated_at;  // UTC, ISO 8601 ("2026-12-02T01:55:14Z")
  std::string version;       // bridgesim's
  std::string commit;        // the git commit it was built from
  std::string host;
};

// `run --partition KIND:K/N`: this file holds partition K of N of the
// scenarios (hash: by name, count: round-robin). A merge needs every K once.
struct Partition {
  std::string kind;  // "hash" or "count"
  std::uint64_t index = 0;
  std::uint64_t total = 0;
  std::vector<std::string> scenarios;  // the whole selection the N partitions split
  bool operator==(const Partition&) const = default;
};

// Which partition (1..total) a scenario falls in: "hash" by its name's
// FNV-1a (stable when scenarios are added), "count" round-robin by its
// `position` in the selection.
std::uint64_t partition_of(std::string_view kind, std::string_view scenario, std::size_t position, std::uint64_t total);

struct SweepReport {
  std::string title = "bridgesim readiness";
  std::string command;  // the command line that produced it (in the JSON's "environment")
  std::string source;   // the file it was read from (errors name it); not in the JSON
  Environment environment;
  // A stop signal (Ctrl-C, SIGTERM) ended the sweep early: what ran is here,
  // the rest never started (the JSON's "partial": true). Never READY.
  bool partial = false;
  // A JSON summary written beside the HTML (a path relative to it): the
  // HTML links it for what it leaves out. Not in the JSON.
  std::string json_beside;
  // The whole sweep a shard belongs to (`run --shard K/N`); empty otherwise.
  // A merge names the seeds of it that no input ran.
  std::optional<SeedRange> sweep;
  // The partition of the scenarios a file holds (`run --partition`); empty
  // otherwise and after a merge of all N.
  std::optional<Partition> partition;
  // Scenarios of a partitioned selection that no merged file ran (a
  // partition left out): the merge is incomplete.
  std::vector<std::string> missing_scenarios;
  std::vector<ScenarioResult> results;
  // Every seed of every result ran and no scenario is missing.
  bool complete() const;
  // Complete, not partial and no property violated: READY.
  bool passed() const;
  // "pass", "fail" (a property was violated) or "incomplete" (none was, but
  // seeds are missing or the sweep is partial): the JSON's verdict.
  std::string verdict() const;
  std::uint64_t total_runs() const;
  std::uint64_t total_failing_seeds() const;
  // Every result's digest, mixed with its scenario and variant.
  std::uint64_t trace_digest() const;
};

class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string to_junit_xml(const SweepReport& report);
std::string to_json(const SweepReport& report);
std::string to_markdown(const SweepReport& report);
std::string to_html(const SweepReport& report);

// Reads what to_json wrote; `source` names it in errors.
SweepReport from_json(std::string_view text, const std::string& source);
// One report from shards: results of the same scenario and variant are
// added up (seed ranges joined, failures in seed order); a partial part
// makes the merge partial. Seeds that no part
// ran (between parts, or of a shard's whole sweep) become `missing`. Throws
// ReportError, naming both sources, if two parts ran the same seed of one
// scenario (the same file twice, or overlapping ranges): it would count twice;
// if partitioned parts disagree on the partitioning or repeat a partition;
// or if they ran one scenario and variant in different modes (swarm and
// plain draw different faults: not one sweep).
SweepReport merge(const std::vector<SweepReport>& parts);

// Chrome trace-event JSON (chrome://tracing, ui.perfetto.dev): one track
// per actor, an instant per record, a slice per agent run.
// Violations become instants on their actor's track, named after their
// property.
struct TraceMarker {
  std::size_t record_index = 0;  // the record the violation was found at
  std::int64_t at_ns = 0;
  std::string property;
  std::string message;
};
std::string to_perfetto(const sim::Trace& trace, const std::vector<TraceMarker>& violations = {});

// The shrink command for a failure's replay command ("PROGRAM replay
// --scenario S --seed N ..." -> "PROGRAM shrink ..."), with --swarm for a
// swarm result (`mode`); "" when `replay` is not a replay command or replays
// a divergence between two runs (--check-determinism: nothing to shrink).
std::string shrink_command(const std::string& replay, const std::string& mode);

// Escaping helpers, exposed for tests.
std::string xml_escape(std::string_view text);

}  // namespace bridgesim::reports
