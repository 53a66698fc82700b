#include "reports/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/json.hpp>

#include "protocol/message_types.hpp"
#include "sim/rng.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"

namespace bridgesim::reports {
namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string case_name(const ScenarioResult& r) {
  return r.variant.empty() ? r.scenario : r.scenario + "[" + r.variant + "]";
}

std::string latency_text(std::int64_t upper_us) {
  if (upper_us < 0) return "n/a";
  if (upper_us < 1000) return "&le;" + std::to_string(upper_us) + " &micro;s";
  if (upper_us < 1'000'000) return "&le;" + std::to_string(upper_us / 1000) + " ms";
  return "&le;" + std::to_string(upper_us / 1'000'000) + " s";
}

// The seeds a result ran, as a human report shows them: "1..67, 135..200".
std::string seeds_text(const ScenarioResult& r, std::string_view separator) {
  const auto ranges = covered_ranges(r);
  return ranges.empty() ? "none" : ranges_text(ranges, separator);
}

bool case_failed(const ScenarioResult& r) { return r.failing_seeds > 0 || !r.missing.empty(); }

// Failures shown per scenario in human reports; the JSON keeps them all.
constexpr std::size_t kFailuresShown = 20;

}  // namespace

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

std::vector<SeedRange> covered_ranges(const ScenarioResult& r) {
  std::vector<SeedRange> out;
  if (r.seeds_run == 0) return out;
  std::uint64_t next = r.seed_first;
  for (const auto& m : r.missing) {
    if (m.first > next) out.push_back({next, m.first - 1});
    next = m.last + 1;
  }
  if (r.missing.empty() || r.missing.back().last < r.seed_last) out.push_back({next, r.seed_last});
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
  return std::all_of(results.begin(), results.end(), [](const ScenarioResult& r) { return r.missing.empty(); });
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

std::string to_junit_xml(const SweepReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  double total_time = 0;
  std::uint64_t failing_cases = 0;
  for (const auto& r : report.results) {
    total_time += r.wall_seconds;
    failing_cases += case_failed(r) ? 1 : 0;
  }
  out += "<testsuites name=\"bridgesim\" tests=\"" + std::to_string(report.results.size()) + "\" failures=\"" +
         std::to_string(failing_cases) + "\" time=\"" + fixed(total_time, 3) + "\">\n";
  for (const auto& r : report.results) {
    out += "  <testsuite name=\"" + xml_escape(case_name(r)) + "\" tests=\"1\" failures=\"" +
           std::string(case_failed(r) ? "1" : "0") + "\" time=\"" + fixed(r.wall_seconds, 3) + "\">\n";
    out += "    <testcase classname=\"bridgesim." + xml_escape(r.scenario) + "\" name=\"" + xml_escape(case_name(r)) +
           " seeds " + seeds_text(r, "..") + "\" time=\"" + fixed(r.wall_seconds, 3) + "\">\n";
    if (r.failing_seeds > 0) {
      std::string body;
      for (const auto& f : r.failures) {
        body += "seed " + std::to_string(f.seed) + " [" + f.property + "] " + f.message +
                "\n  replay: " + f.replay_command + "\n";
      }
      out += "      <failure message=\"" + std::to_string(r.failing_seeds) + " of " + std::to_string(r.seeds_run) +
             " seeds violated a property\" type=\"PropertyViolation\">" + xml_escape(body) + "</failure>\n";
    } else if (!r.missing.empty()) {
      out += "      <failure message=\"seeds " + ranges_text(r.missing) +
             " never ran\" type=\"IncompleteSweep\">no result file for these seeds was merged</failure>\n";
    }
    out += "    </testcase>\n  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

namespace {

boost::json::array range_array(const std::vector<SeedRange>& ranges) {
  boost::json::array out;
  for (const auto& r : ranges) out.push_back(boost::json::array{r.first, r.last});
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
    results.push_back(std::move(result));
  }
  // Wall times are left out on purpose: the JSON of one sweep is byte-identical
  // whatever the machine or --jobs, and merged shards equal an unsharded run.
  boost::json::object root{{"title", report.title},
                           {"verdict", report.verdict()},
                           {"runs", report.total_runs()},
                           {"failing_seeds", report.total_failing_seeds()},
                           {"trace_digest", sim::hash_hex(report.trace_digest())},
                           {"results", std::move(results)}};
  if (report.sweep) root["sweep"] = range_array({*report.sweep}).front();
  if (report.partial) root["partial"] = true;
  return boost::json::serialize(root) + "\n";
}

namespace {

// SplitMix64's output function, the one sim/ seeds its streams with.
std::uint64_t mix64(std::uint64_t z) { return sim::splitmix64(z); }

}  // namespace

std::uint64_t trace_digest_term(std::uint64_t seed, std::uint64_t trace_hash) {
  return mix64(mix64(seed) ^ trace_hash);
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

std::string to_markdown(const SweepReport& report) {
  const std::string verdict = report.verdict();
  std::string out = "## " + report.title + ": " +
                    (verdict == "pass"   ? "PASS"
                     : verdict == "fail" ? "FAIL"
                                         : "INCOMPLETE") +
                    "\n\n";
  out += std::to_string(report.total_runs()) + " simulated runs, " + std::to_string(report.total_failing_seeds()) +
         " failing seeds.\n\n";
  for (const auto& r : report.results) {
    if (!r.missing.empty())
      out += "Incomplete: `" + case_name(r) + "` seeds " + ranges_text(r.missing) + " never ran.\n\n";
  }
  out += "| scenario | seeds | failing seeds | latency p50 | latency p99 |\n|---|---:|---:|---:|---:|\n";
  auto plain = [](std::int64_t us) {
    if (us < 0) return std::string("n/a");
    return us < 1'000'000 ? "<=" + std::to_string(us / 1000) + "ms" : "<=" + std::to_string(us / 1'000'000) + "s";
  };
  for (const auto& r : report.results) {
    out += "| " + case_name(r) + " | " + seeds_text(r, "..") + " | " + std::to_string(r.failing_seeds) + " | " +
           plain(r.latency.percentile_upper_us(50)) + " | " + plain(r.latency.percentile_upper_us(99)) + " |\n";
  }
  for (const auto& r : report.results) {
    std::size_t shown = 0;
    for (const auto& f : r.failures) {
      if (shown++ == kFailuresShown) break;
      out += "\n- `" + case_name(r) + "` seed " + std::to_string(f.seed) + " **" + f.property + "**: " + f.message +
             "\n  `" + f.replay_command + "`";
    }
  }
  return out + "\n";
}

namespace {

// An inline SVG bar chart of the latency histogram: no script, no network.
std::string latency_svg(const LatencyHistogram& h) {
  const std::uint64_t total = h.total();
  std::uint64_t peak = 1;
  for (auto c : h.counts) peak = std::max(peak, c);
  const int bar_w = 52, gap = 8, chart_h = 160, top = 20, left = 10;
  const int width = left * 2 + static_cast<int>(h.counts.size()) * (bar_w + gap);
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"event latency histogram\" width=\"" +
      std::to_string(width) + "\" height=\"" + std::to_string(chart_h + top + 40) + "\">\n";
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const int x = left + static_cast<int>(i) * (bar_w + gap);
    const int bar_h = static_cast<int>(static_cast<double>(h.counts[i]) / static_cast<double>(peak) * chart_h);
    const int y = top + chart_h - bar_h;
    const std::string pct =
        total ? fixed(100.0 * static_cast<double>(h.counts[i]) / static_cast<double>(total), 1) + "%" : "";
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(bar_w) +
           "\" height=\"" + std::to_string(std::max(bar_h, 1)) + "\" fill=\"#3a7bd5\"><title>" +
           LatencyHistogram::bucket_label(i) + ": " + std::to_string(h.counts[i]) + " events</title></rect>\n";
    svg += "<text x=\"" + std::to_string(x + bar_w / 2) + "\" y=\"" + std::to_string(y - 4) +
           "\" font-size=\"10\" text-anchor=\"middle\">" + pct + "</text>\n";
    svg += "<text x=\"" + std::to_string(x + bar_w / 2) + "\" y=\"" + std::to_string(top + chart_h + 16) +
           "\" font-size=\"11\" text-anchor=\"middle\">" + xml_escape(LatencyHistogram::bucket_label(i)) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace

namespace {

// The readiness report, one section per function; to_html concatenates them.
std::string html_head(const SweepReport& report) {
  const bool ok = report.passed();
  std::string out = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>)" +
                    xml_escape(report.title) + R"(</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2430;max-width:80rem}
.verdict{font-size:2rem;font-weight:700;padding:.6rem 1rem;border-radius:.4rem;display:inline-block}
.pass{background:#d8f3dc;color:#1b4332}.fail{background:#ffd6d6;color:#7f1d1d}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}td,th{border:1px solid #c9ced6;padding:.3rem .5rem;text-align:left}
th{background:#eef1f5}td.ok{background:#e9f7ec}td.bad{background:#fde2e2;font-weight:600}td.num{text-align:right}
td.heat{text-align:right}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.2rem;font-size:.85rem}
</style></head><body>
<h1>)" + xml_escape(report.title) +
                    R"(</h1>
<p class="verdict )" +
                    (ok                                 ? "pass\">READY: every property held"
                     : report.total_failing_seeds() > 0 ? "fail\">NOT READY: properties violated"
                                                        : "fail\">NOT READY: seeds never ran") +
                    R"(</p>
<p>)" + std::to_string(report.total_runs()) +
                    " simulated runs across " + std::to_string(report.results.size()) + " scenarios; " +
                    std::to_string(report.total_failing_seeds()) + R"( failing seeds.</p>
)";
  for (const auto& r : report.results) {
    if (!r.missing.empty())
      out += "<p class=\"fail\">Incomplete: " + xml_escape(case_name(r)) + " seeds " +
             ranges_text(r.missing, "&hellip;") + " never ran.</p>\n";
  }
  if (!report.command.empty()) out += "<p>Command: <code>" + xml_escape(report.command) + "</code></p>\n";
  return out;
}

std::string html_property_cell(const ScenarioResult& r, const std::string& p) {
  const bool checked = std::find(r.properties.begin(), r.properties.end(), p) != r.properties.end();
  std::set<std::uint64_t> failing;
  for (const auto& f : r.failures) {
    if (f.property == p) failing.insert(f.seed);
  }
  if (!checked) return "<td>&ndash;</td>";
  if (failing.empty()) return "<td class=\"ok\">pass</td>";
  return "<td class=\"bad\">" + std::to_string(failing.size()) + " seeds fail</td>";
}

std::string html_properties(const SweepReport& report, const std::set<std::string>& property_names) {
  std::string out = "<h2>Scenarios &times; properties</h2>\n<table><tr><th>scenario</th><th>seeds</th>";
  for (const auto& p : property_names) out += "<th>" + xml_escape(p) + "</th>";
  out += "</tr>\n";
  for (const auto& r : report.results) {
    out += "<tr><td title=\"" + xml_escape(r.description) + "\">" + xml_escape(case_name(r)) +
           "</td><td class=\"num\">" + seeds_text(r, "&hellip;") + "</td>";
    for (const auto& p : property_names) out += html_property_cell(r, p);
    out += "</tr>\n";
  }
  out += "</table>\n";
  return out;
}

std::string html_fault_cell(const ScenarioResult& r, const std::string& k) {
  const auto it = r.faults.find(k);
  if (it == r.faults.end() || r.seeds_run == 0) return "<td></td>";
  const double hit = 100.0 * static_cast<double>(it->second.hit) / static_cast<double>(r.seeds_run);
  const double planned = 100.0 * static_cast<double>(it->second.planned) / static_cast<double>(r.seeds_run);
  const int shade = 255 - static_cast<int>(hit * 1.2);
  return "<td class=\"heat\" style=\"background:rgb(" + std::to_string(shade) + "," + std::to_string(shade) +
         ",255)\" title=\"planned in " + fixed(planned, 1) + "% of seeds\">" + fixed(hit, 0) + "%</td>";
}

std::string html_faults(const SweepReport& report, const std::set<std::string>& fault_names) {
  if (fault_names.empty()) return {};
  std::string out =
      "<h2>Scenarios &times; fault kinds</h2>\n<p>Share of seeds in which the fault took effect (planned share in "
      "the tooltip).</p>\n<div style=\"overflow-x:auto\"><table><tr><th>scenario</th>";
  for (const auto& k : fault_names) out += "<th>" + xml_escape(k) + "</th>";
  out += "</tr>\n";
  for (const auto& r : report.results) {
    if (r.faults.empty()) continue;
    out += "<tr><td>" + xml_escape(case_name(r)) + "</td>";
    for (const auto& k : fault_names) out += html_fault_cell(r, k);
    out += "</tr>\n";
  }
  out += "</table></div>\n";
  return out;
}

std::string html_latency(const SweepReport& report, const LatencyHistogram& all_latency) {
  std::string out = "<h2>Event latency (virtual time, emit to receive)</h2>\n<p>" +
                    std::to_string(all_latency.total()) + " lifecycle events; p50 " +
                    latency_text(all_latency.percentile_upper_us(50)) + ", p99 " +
                    latency_text(all_latency.percentile_upper_us(99)) + ".</p>\n" + latency_svg(all_latency);
  out += "<table><tr><th>scenario</th><th>events</th><th>p50</th><th>p99</th></tr>\n";
  for (const auto& r : report.results) {
    out += "<tr><td>" + xml_escape(case_name(r)) + "</td><td class=\"num\">" + std::to_string(r.latency.total()) +
           "</td><td class=\"num\">" + latency_text(r.latency.percentile_upper_us(50)) + "</td><td class=\"num\">" +
           latency_text(r.latency.percentile_upper_us(99)) + "</td></tr>\n";
  }
  out += "</table>\n";
  return out;
}

std::string html_failures(const SweepReport& report) {
  if (report.total_failing_seeds() == 0) return {};
  std::string out = "<h2>Failures</h2>\n<ul>\n";
  for (const auto& r : report.results) {
    std::size_t shown = 0;
    for (const auto& f : r.failures) {
      if (shown++ == kFailuresShown) {
        out += "<li>&hellip; " + std::to_string(r.failures.size() - kFailuresShown) + " more in " +
               xml_escape(case_name(r)) + " (see the JSON)</li>\n";
        break;
      }
      out += "<li><b>" + xml_escape(case_name(r)) + "</b> seed " + std::to_string(f.seed) + " <b>" +
             xml_escape(f.property) + "</b>: " + xml_escape(f.message) + "<br>replay: <code>" +
             xml_escape(f.replay_command) + "</code></li>\n";
    }
  }
  out += "</ul>\n";
  return out;
}

}  // namespace

std::string to_html(const SweepReport& report) {
  std::set<std::string> property_names, fault_names;
  LatencyHistogram all_latency;
  for (const auto& r : report.results) {
    property_names.insert(r.properties.begin(), r.properties.end());
    for (const auto& [kind, count] : r.faults) fault_names.insert(kind);
    all_latency.merge(r.latency);
  }
  return html_head(report) + html_properties(report, property_names) + html_faults(report, fault_names) +
         html_latency(report, all_latency) + html_failures(report) + "</body></html>\n";
}

}  // namespace bridgesim::reports
