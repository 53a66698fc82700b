#include "reports/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/json.hpp>

#include "reports/report_text.hpp"
#include "sim/rng.hpp"
#include "sim/trace.hpp"

namespace bridgesim::reports {

void LatencyHistogram::add(std::int64_t latency_ns) {
  const std::int64_t us = latency_ns / 1000;
  std::size_t i = 0;
  while (i < kUpperUs.size() && us > kUpperUs[i]) ++i;
  ++counts[i];
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
}

std::uint64_t LatencyHistogram::total() const {
  std::uint64_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

std::int64_t LatencyHistogram::percentile_upper_us(double p) const {
  const std::uint64_t n = total();
  if (n == 0) return -1;
  const auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(n - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return i < kUpperUs.size() ? kUpperUs[i] : -1;
  }
  return -1;
}

std::string LatencyHistogram::bucket_label(std::size_t i) {
  auto text = [](std::int64_t us) {
    return us < 1'000'000 ? std::to_string(us / 1000) + "ms" : std::to_string(us / 1'000'000) + "s";
  };
  if (i < kUpperUs.size()) return "<=" + text(kUpperUs[i]);
  return ">" + text(kUpperUs.back());
}

std::vector<SeedRange> seed_gaps(const ScenarioResult& r) {
  std::vector<SeedRange> out = r.missing;
  out.insert(out.end(), r.not_selected.begin(), r.not_selected.end());
  std::sort(out.begin(), out.end(), [](const SeedRange& a, const SeedRange& b) { return a.first < b.first; });
  return out;
}

std::vector<SeedRange> covered_ranges(const ScenarioResult& r) {
  std::vector<SeedRange> out;
  if (r.seeds_run == 0) return out;
  const std::vector<SeedRange> gaps = seed_gaps(r);
  std::uint64_t next = r.seed_first;
  for (const auto& m : gaps) {
    if (m.first > next) out.push_back({next, m.first - 1});
    next = m.last + 1;
  }
  if (gaps.empty() || gaps.back().last < r.seed_last) out.push_back({next, r.seed_last});
  return out;
}

std::string ranges_text(const std::vector<SeedRange>& ranges, std::string_view separator) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ", ";
    out += std::to_string(r.first) + std::string(separator) + std::to_string(r.last);
  }
  return out;
}

bool SweepReport::complete() const {
  return missing_scenarios.empty() &&
         std::all_of(results.begin(), results.end(), [](const ScenarioResult& r) { return r.missing.empty(); });
}

bool SweepReport::passed() const { return !partial && complete() && total_failing_seeds() == 0; }

std::string SweepReport::verdict() const {
  if (total_failing_seeds() > 0) return "fail";
  return complete() && !partial ? "pass" : "incomplete";
}

std::uint64_t SweepReport::total_runs() const {
  std::uint64_t n = 0;
  for (const auto& r : results) n += r.seeds_run;
  return n;
}

std::uint64_t SweepReport::total_failing_seeds() const {
  std::uint64_t n = 0;
  for (const auto& r : results) n += r.failing_seeds;
  return n;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

boost::json::array range_array(const std::vector<SeedRange>& ranges) {
  boost::json::array out;
  for (const auto& r : ranges) out.push_back(boost::json::array{r.first, r.last});
  return out;
}

// The facts that depend on the machine and the clock, apart from the rest
// (two runs' JSONs compare equal without this key). Wall times in whole
// milliseconds, per scenario (and variant).
boost::json::object environment_json(const SweepReport& report) {
  boost::json::object out;
  auto add = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  add("generated_at", report.environment.generated_at);
  add("version", report.environment.version);
  add("commit", report.environment.commit);
  add("host", report.environment.host);
  add("command", report.command);
  boost::json::object wall;
  for (const auto& r : report.results)
    wall[text::case_name(r)] = static_cast<std::int64_t>(r.wall_seconds * 1000.0 + 0.5);
  out["wall_ms"] = std::move(wall);
  return out;
}

}  // namespace

std::string to_json(const SweepReport& report) {
  boost::json::array results;
  for (const auto& r : report.results) {
    boost::json::array failures;
    for (const auto& f : r.failures) {
      failures.push_back(boost::json::object{
          {"seed", f.seed}, {"property", f.property}, {"message", f.message}, {"replay", f.replay_command}});
    }
    boost::json::array properties;
    for (const auto& p : r.properties) properties.emplace_back(p);
    boost::json::object faults;
    for (const auto& [kind, count] : r.faults)
      faults[kind] = boost::json::object{{"planned", count.planned}, {"hit", count.hit}};
    boost::json::array latency;
    for (auto c : r.latency.counts) latency.emplace_back(c);
    boost::json::object result{{"scenario", r.scenario},
                               {"description", r.description},
                               {"variant", r.variant},
                               {"mode", r.mode},
                               {"properties", std::move(properties)},
                               {"seeds_run", r.seeds_run},
                               {"seed_first", r.seed_first},
                               {"seed_last", r.seed_last},
                               {"failing_seeds", r.failing_seeds},
                               {"trace_digest", sim::hash_hex(r.trace_digest)},
                               {"faults", std::move(faults)},
                               {"latency_buckets", std::move(latency)},
                               {"failures", std::move(failures)}};
    // Only a merge with seeds left out has these: a run's JSON stays as it was.
    if (!r.missing.empty()) result["missing_seeds"] = range_array(r.missing);
    if (!r.not_selected.empty()) result["not_selected_seeds"] = range_array(r.not_selected);
    results.push_back(std::move(result));
  }
  // Wall times, the date and the host sit under "environment" only: the rest
  // of one sweep's JSON is byte-identical whatever the machine or --jobs, and
  // merged shards equal an unsharded run.
  boost::json::object root{{"title", report.title},
                           {"verdict", report.verdict()},
                           {"runs", report.total_runs()},
                           {"failing_seeds", report.total_failing_seeds()},
                           {"trace_digest", sim::hash_hex(report.trace_digest())},
                           {"results", std::move(results)}};
  if (report.sweep) root["sweep"] = range_array({*report.sweep}).front();
  if (report.partial) root["partial"] = true;
  if (const auto& p = report.partition) {
    boost::json::array names;
    for (const auto& n : p->scenarios) names.emplace_back(n);
    root["partition"] = boost::json::object{
        {"kind", p->kind}, {"index", p->index}, {"total", p->total}, {"scenarios", std::move(names)}};
  }
  if (!report.missing_scenarios.empty()) {
    boost::json::array names;
    for (const auto& n : report.missing_scenarios) names.emplace_back(n);
    root["missing_scenarios"] = std::move(names);
  }
  root["environment"] = environment_json(report);
  return boost::json::serialize(root) + "\n";
}

namespace {

// SplitMix64's output function, the one sim/ seeds its streams with.
std::uint64_t mix64(std::uint64_t z) { return sim::splitmix64(z); }

}  // namespace

std::uint64_t trace_digest_term(std::uint64_t seed, std::uint64_t trace_hash) {
  return mix64(mix64(seed) ^ trace_hash);
}

std::uint64_t partition_of(std::string_view kind, std::string_view scenario, std::size_t position,
                           std::uint64_t total) {
  if (total == 0) return 0;
  if (kind == "count") return position % total + 1;
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (const char c : scenario) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return mix64(h) % total + 1;
}

std::uint64_t SweepReport::trace_digest() const {
  std::uint64_t out = 0;
  for (const auto& r : results) {
    std::uint64_t name = 14695981039346656037ull;  // FNV-1a of "scenario\0variant"
    for (const char c : r.scenario + '\0' + r.variant) name = (name ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    out += mix64(name ^ r.trace_digest);
  }
  return out;
}

}  // namespace bridgesim::reports
