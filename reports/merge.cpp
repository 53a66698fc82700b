// Reading result files back and merging shards: the half of the reports that
// must refuse what would miscount (a seed counted twice) and name what never
// ran (a shard left out), since a merge is what CI signs off on.
#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "reports/reports.hpp"

namespace bridgesim::reports {
namespace {

std::uint64_t parse_digest(const boost::json::value& v) {
  const std::string text(v.as_string());
  std::uint64_t out = 0;
  if (text.size() != 18 || text.rfind("0x", 0) != 0 ||
      std::sscanf(text.c_str() + 2, "%16llx", reinterpret_cast<unsigned long long*>(&out)) != 1) {
    throw std::invalid_argument("trace_digest is not 0x and 16 hex digits");
  }
  return out;
}

std::string case_name(const ScenarioResult& r) {
  return r.variant.empty() ? r.scenario : r.scenario + "[" + r.variant + "]";
}

SeedRange parse_range(const boost::json::value& v) {
  const auto& pair = v.as_array();
  if (pair.size() != 2) throw std::invalid_argument("a seed range is [first, last]");
  return {pair[0].to_number<std::uint64_t>(), pair[1].to_number<std::uint64_t>()};
}

// A result's seeds must add up: seeds_run is the seeds of its range less the
// missing ones, which lie inside it, in order, apart. Anything else would
// merge into a wrong count.
void check_seeds_add_up(const ScenarioResult& r, const std::string& source) {
  if (r.seeds_run == 0 && r.missing.empty() && r.not_selected.empty()) return;
  std::uint64_t gaps = 0;
  std::uint64_t next = r.seed_first;
  for (const auto& m : seed_gaps(r)) {
    if (m.first < next || m.last < m.first || m.last > r.seed_last)
      throw ReportError(source + ": " + case_name(r) + ": missing or unselected seeds " + ranges_text({m}) +
                        " are not in order inside " + ranges_text({{r.seed_first, r.seed_last}}));
    gaps += m.last - m.first + 1;
    next = m.last + 1;
  }
  if (r.seed_last < r.seed_first || r.seed_last - r.seed_first + 1 - gaps != r.seeds_run)
    throw ReportError(source + ": " + case_name(r) + ": seeds_run " + std::to_string(r.seeds_run) +
                      " does not match seeds " + ranges_text(covered_ranges(r)));
}

ScenarioResult parse_result(const boost::json::object& j, const std::string& source) {
  ScenarioResult r;
  r.scenario = std::string(j.at("scenario").as_string());
  r.description = std::string(j.at("description").as_string());
  r.variant = std::string(j.at("variant").as_string());
  if (const auto* mode = j.if_contains("mode")) r.mode = std::string(mode->as_string());
  for (const auto& p : j.at("properties").as_array()) r.properties.emplace_back(p.as_string());
  r.seeds_run = j.at("seeds_run").to_number<std::uint64_t>();
  r.seed_first = j.at("seed_first").to_number<std::uint64_t>();
  r.seed_last = j.at("seed_last").to_number<std::uint64_t>();
  if (const auto* missing = j.if_contains("missing_seeds")) {
    for (const auto& m : missing->as_array()) r.missing.push_back(parse_range(m));
  }
  if (const auto* unselected = j.if_contains("not_selected_seeds")) {
    for (const auto& m : unselected->as_array()) r.not_selected.push_back(parse_range(m));
  }
  r.failing_seeds = j.at("failing_seeds").to_number<std::uint64_t>();
  r.trace_digest = parse_digest(j.at("trace_digest"));
  for (const auto& [kind, count] : j.at("faults").as_object()) {
    r.faults[std::string(kind)] = {count.at("planned").to_number<std::uint64_t>(),
                                   count.at("hit").to_number<std::uint64_t>()};
  }
  const auto& buckets = j.at("latency_buckets").as_array();
  if (buckets.size() != r.latency.counts.size()) throw ReportError(source + ": latency_buckets has the wrong length");
  for (std::size_t i = 0; i < buckets.size(); ++i) r.latency.counts[i] = buckets[i].to_number<std::uint64_t>();
  for (const auto& f : j.at("failures").as_array()) {
    const auto& fo = f.as_object();
    r.failures.push_back({fo.at("seed").to_number<std::uint64_t>(), std::string(fo.at("property").as_string()),
                          std::string(fo.at("message").as_string()), std::string(fo.at("replay").as_string())});
  }
  check_seeds_add_up(r, source);
  if (r.failing_seeds > r.seeds_run)
    throw ReportError(source + ": " + case_name(r) + ": more failing seeds than seeds run");
  return r;
}

// What "environment" holds (to_json): the machine's facts and each result's
// wall time, which `report` adds up into real times for its JUnit.
void read_environment(const boost::json::object& env, SweepReport& report) {
  auto text = [&env](const char* key) {
    const auto* v = env.if_contains(key);
    return v != nullptr ? std::string(v->as_string()) : std::string();
  };
  report.environment = {text("generated_at"), text("version"), text("commit"), text("host")};
  report.command = text("command");
  const auto* wall = env.if_contains("wall_ms");
  if (wall == nullptr) return;
  for (auto& r : report.results) {
    if (const auto* ms = wall->as_object().if_contains(case_name(r)))
      r.wall_seconds = static_cast<double>(ms->to_number<std::int64_t>()) / 1000.0;
  }
}

// One case's seeds as the parts ran them: each range with the file it came from.
struct Piece {
  SeedRange range;
  std::string source;
};

// Joins the pieces into `m`'s range and its missing seeds: every seed of the
// span that a part claimed (its seed_first..seed_last) or that the whole
// sweep holds, but no part ran. Throws if two pieces share a seed.
// Seeds of `gap` that lie in one of `chosen_out` (sorted) go to `not_selected`, the rest to `missing`.
void split_gap(SeedRange gap, const std::vector<SeedRange>& chosen_out, ScenarioResult& m) {
  for (const auto& c : chosen_out) {
    if (c.last < gap.first || c.first > gap.last) continue;
    if (c.first > gap.first) m.missing.push_back({gap.first, c.first - 1});
    m.not_selected.push_back({std::max(c.first, gap.first), std::min(c.last, gap.last)});
    if (c.last >= gap.last) return;
    gap.first = c.last + 1;
  }
  m.missing.push_back(gap);
}

void join_ranges(ScenarioResult& m, std::vector<Piece> pieces, std::optional<SeedRange> span,
                 const std::vector<SeedRange>& chosen_out) {
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.range.first < b.range.first; });
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const auto& a = pieces[i - 1];
    const auto& b = pieces[i];
    if (b.range.first <= a.range.last) {
      throw ReportError(a.source + " and " + b.source + " both ran seeds " +
                        ranges_text({{b.range.first, std::min(a.range.last, b.range.last)}}) + " of " + case_name(m) +
                        ": each seed may be merged once (the same file twice, or overlapping shards?)");
    }
  }
  if (!span) return;  // nothing ran and nothing was claimed: keep the first part's range
  m.seed_first = span->first;
  m.seed_last = span->last;
  m.missing.clear();
  m.not_selected.clear();
  std::uint64_t next = span->first;  // the first seed not yet accounted for
  for (const auto& p : pieces) {
    if (p.range.first > next) split_gap({next, p.range.first - 1}, chosen_out, m);
    next = p.range.last + 1;
  }
  if (pieces.empty() || pieces.back().range.last < span->last) split_gap({next, span->last}, chosen_out, m);
}

std::optional<SeedRange> widen(std::optional<SeedRange> span, const SeedRange& r) {
  if (!span) return r;
  return SeedRange{std::min(span->first, r.first), std::max(span->last, r.last)};
}

void add_counts(ScenarioResult& m, const ScenarioResult& r) {
  m.seeds_run += r.seeds_run;
  m.failing_seeds += r.failing_seeds;
  m.trace_digest += r.trace_digest;
  m.wall_seconds += r.wall_seconds;
  m.failures.insert(m.failures.end(), r.failures.begin(), r.failures.end());
  for (const auto& [kind, count] : r.faults) {
    m.faults[kind].planned += count.planned;
    m.faults[kind].hit += count.hit;
  }
  m.latency.merge(r.latency);
}

// The whole sweep the parts are shards of: all that name one must name the same.
std::optional<SeedRange> common_sweep(const std::vector<SweepReport>& parts) {
  const SweepReport* named = nullptr;
  for (const auto& part : parts) {
    if (!part.sweep) continue;
    if (named != nullptr && *named->sweep != *part.sweep) {
      throw ReportError(named->source + " is a shard of seeds " + ranges_text({*named->sweep}) + " but " + part.source +
                        " of seeds " + ranges_text({*part.sweep}) + ": not one sweep");
    }
    named = &part;
  }
  return named != nullptr ? named->sweep : std::nullopt;
}

Partition parse_partition(const boost::json::value& v, const std::string& source) {
  const auto& o = v.as_object();
  Partition p{std::string(o.at("kind").as_string()),
              o.at("index").to_number<std::uint64_t>(),
              o.at("total").to_number<std::uint64_t>(),
              {}};
  for (const auto& n : o.at("scenarios").as_array()) p.scenarios.emplace_back(n.as_string());
  if ((p.kind != "hash" && p.kind != "count") || p.index == 0 || p.index > p.total)
    throw ReportError(source + ": partition " + p.kind + ":" + std::to_string(p.index) + "/" + std::to_string(p.total) +
                      " is not hash:K/N or count:K/N with 1 <= K <= N");
  return p;
}

std::string partition_text(const Partition& p) {
  return p.kind + ":" + std::to_string(p.index) + "/" + std::to_string(p.total);
}

// Partitioned parts (`run --partition`) must split one selection the same
// way, each partition once; the scenarios of the selection (or missing from
// an incomplete merge given as a part) that no part ran are returned: a
// merge without them is incomplete. Unpartitioned parts: none.
std::vector<std::string> missing_partitions(const std::vector<SweepReport>& parts) {
  const SweepReport* first = nullptr;
  std::map<std::uint64_t, const SweepReport*> seen;
  std::vector<std::string> missing;
  for (const auto& part : parts) {
    if (!part.partition && part.missing_scenarios.empty()) {
      if (first != nullptr) throw ReportError(first->source + " is a partition but " + part.source + " is not");
      continue;
    }
    missing.insert(missing.end(), part.missing_scenarios.begin(), part.missing_scenarios.end());
    if (!part.partition) continue;
    const Partition& p = *part.partition;
    if (first != nullptr && (first->partition->kind != p.kind || first->partition->total != p.total ||
                             first->partition->scenarios != p.scenarios))
      throw ReportError(first->source + " is partition " + partition_text(*first->partition) + " and " + part.source +
                        " is " + partition_text(p) + " of another selection: not one sweep");
    if (first == nullptr) first = &part;
    const auto [at, fresh] = seen.emplace(p.index, &part);
    if (!fresh)
      throw ReportError(at->second->source + " and " + part.source + " are both partition " + partition_text(p) +
                        ": each partition may be merged once");
  }
  if (first != nullptr)
    missing.insert(missing.end(), first->partition->scenarios.begin(), first->partition->scenarios.end());
  // What any part ran is not missing.
  std::set<std::string> ran;
  for (const auto& part : parts) {
    for (const auto& r : part.results) ran.insert(r.scenario);
  }
  std::erase_if(missing, [&ran](const std::string& name) { return ran.count(name) > 0; });
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  return missing;
}

}  // namespace

SweepReport from_json(std::string_view text, const std::string& source) {
  boost::system::error_code ec;
  const auto root = boost::json::parse(text, ec);
  if (ec) throw ReportError(source + ": not JSON: " + ec.message());
  try {
    const auto& o = root.as_object();
    SweepReport report;
    report.source = source;
    report.title = std::string(o.at("title").as_string());
    if (const auto* sweep = o.if_contains("sweep")) {
      report.sweep = parse_range(*sweep);
      // A backwards sweep would merge into missing seeds no file can hold.
      if (report.sweep->last < report.sweep->first)
        throw ReportError(source + ": sweep " + ranges_text({*report.sweep}) + " ends before it starts");
    }
    if (const auto* partial = o.if_contains("partial")) report.partial = partial->as_bool();
    if (const auto* partition = o.if_contains("partition")) report.partition = parse_partition(*partition, source);
    if (const auto* missing = o.if_contains("missing_scenarios")) {
      for (const auto& n : missing->as_array()) report.missing_scenarios.emplace_back(n.as_string());
    }
    for (const auto& item : o.at("results").as_array())
      report.results.push_back(parse_result(item.as_object(), source));
    if (const auto* env = o.if_contains("environment")) read_environment(env->as_object(), report);
    return report;
  } catch (const ReportError&) {
    throw;
  } catch (const std::exception& e) {
    throw ReportError(source + ": not a bridgesim result file (" + e.what() + ")");
  }
}

SweepReport merge(const std::vector<SweepReport>& parts) {
  SweepReport out;
  if (!parts.empty()) out.title = parts.front().title;
  const std::optional<SeedRange> sweep = common_sweep(parts);
  out.missing_scenarios = missing_partitions(parts);
  std::map<std::pair<std::string, std::string>, ScenarioResult> by_case;
  std::map<std::pair<std::string, std::string>, std::vector<Piece>> pieces;
  std::map<std::pair<std::string, std::string>, std::optional<SeedRange>> spans;
  std::map<std::pair<std::string, std::string>, std::string> first_source;
  std::map<std::pair<std::string, std::string>, std::vector<SeedRange>> chosen_out;
  for (const auto& part : parts) {
    out.partial |= part.partial;
    for (const auto& r : part.results) {
      const auto key = std::make_pair(r.scenario, r.variant);
      const auto [seen, fresh] = first_source.try_emplace(key, part.source);
      if (!fresh && by_case.at(key).mode != r.mode)
        throw ReportError(seen->second + " ran " + case_name(r) + " as " + by_case.at(key).mode + " but " +
                          part.source + " as " + r.mode + ": runs of different modes are not one sweep");
      for (const auto& range : covered_ranges(r)) pieces[key].push_back({range, part.source});
      // A shard's sweep claims every seed of it; a chosen set's holes are not missing.
      if (!sweep) chosen_out[key].insert(chosen_out[key].end(), r.not_selected.begin(), r.not_selected.end());
      auto& span = spans[key];
      if (sweep) span = widen(span, *sweep);
      // A result that ran nothing claims no seeds (its seed_last is a placeholder).
      if (r.seeds_run > 0 || !r.missing.empty()) span = widen(span, {r.seed_first, r.seed_last});
      auto [it, first] = by_case.try_emplace(key, r);
      if (first) {
        it->second.seeds_run = 0;
        it->second.failing_seeds = 0;
        it->second.trace_digest = 0;
        it->second.wall_seconds = 0;
        it->second.failures.clear();
        it->second.faults.clear();
        it->second.latency = {};
      }
      add_counts(it->second, r);
    }
  }
  for (auto& [key, r] : by_case) {
    auto& out_of_choice = chosen_out[key];
    std::sort(out_of_choice.begin(), out_of_choice.end(),
              [](const SeedRange& a, const SeedRange& b) { return a.first < b.first; });
    join_ranges(r, pieces[key], spans[key], out_of_choice);
    std::stable_sort(r.failures.begin(), r.failures.end(),
                     [](const Failure& a, const Failure& b) { return a.seed < b.seed; });
    out.results.push_back(std::move(r));
  }
  return out;
}

}  // namespace bridgesim::reports
