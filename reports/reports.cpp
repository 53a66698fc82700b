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

bool SweepReport::passed() const { return total_failing_seeds() == 0; }

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
    failing_cases += r.failing_seeds > 0 ? 1 : 0;
  }
  out += "<testsuites name=\"bridgesim\" tests=\"" + std::to_string(report.results.size()) + "\" failures=\"" +
         std::to_string(failing_cases) + "\" time=\"" + fixed(total_time, 3) + "\">\n";
  for (const auto& r : report.results) {
    out += "  <testsuite name=\"" + xml_escape(case_name(r)) + "\" tests=\"1\" failures=\"" +
           std::string(r.failing_seeds > 0 ? "1" : "0") + "\" time=\"" + fixed(r.wall_seconds, 3) + "\">\n";
    out += "    <testcase classname=\"bridgesim." + xml_escape(r.scenario) + "\" name=\"" + xml_escape(case_name(r)) +
           " seeds " + std::to_string(r.seed_first) + ".." + std::to_string(r.seed_last) + "\" time=\"" +
           fixed(r.wall_seconds, 3) + "\">\n";
    if (r.failing_seeds > 0) {
      std::string body;
      for (const auto& f : r.failures) {
        body += "seed " + std::to_string(f.seed) + " [" + f.property + "] " + f.message +
                "\n  replay: " + f.replay_command + "\n";
      }
      out += "      <failure message=\"" + std::to_string(r.failing_seeds) + " of " + std::to_string(r.seeds_run) +
             " seeds violated a property\" type=\"PropertyViolation\">" + xml_escape(body) + "</failure>\n";
    }
    out += "    </testcase>\n  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

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
    results.push_back(boost::json::object{{"scenario", r.scenario},
                                          {"description", r.description},
                                          {"variant", r.variant},
                                          {"properties", std::move(properties)},
                                          {"seeds_run", r.seeds_run},
                                          {"seed_first", r.seed_first},
                                          {"seed_last", r.seed_last},
                                          {"failing_seeds", r.failing_seeds},
                                          {"trace_digest", sim::hash_hex(r.trace_digest)},
                                          {"faults", std::move(faults)},
                                          {"latency_buckets", std::move(latency)},
                                          {"failures", std::move(failures)}});
  }
  // Wall times are left out on purpose: the JSON of one sweep is byte-identical
  // whatever the machine or --jobs, and merged shards equal an unsharded run.
  return boost::json::serialize(boost::json::object{{"title", report.title},
                                                    {"verdict", report.passed() ? "pass" : "fail"},
                                                    {"runs", report.total_runs()},
                                                    {"failing_seeds", report.total_failing_seeds()},
                                                    {"trace_digest", sim::hash_hex(report.trace_digest())},
                                                    {"results", std::move(results)}}) +
         "\n";
}

namespace {

// SplitMix64's output function, the one sim/ seeds its streams with.
std::uint64_t mix64(std::uint64_t z) { return sim::splitmix64(z); }

std::uint64_t parse_digest(const boost::json::value& v) {
  const std::string text(v.as_string());
  std::uint64_t out = 0;
  if (text.size() != 18 || text.rfind("0x", 0) != 0 ||
      std::sscanf(text.c_str() + 2, "%16llx", reinterpret_cast<unsigned long long*>(&out)) != 1) {
    throw std::invalid_argument("trace_digest is not 0x and 16 hex digits");
  }
  return out;
}

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

SweepReport from_json(std::string_view text, const std::string& source) {
  boost::system::error_code ec;
  const auto root = boost::json::parse(text, ec);
  if (ec) throw ReportError(source + ": not JSON: " + ec.message());
  try {
    const auto& o = root.as_object();
    SweepReport report;
    report.title = std::string(o.at("title").as_string());
    for (const auto& item : o.at("results").as_array()) {
      const auto& j = item.as_object();
      ScenarioResult r;
      r.scenario = std::string(j.at("scenario").as_string());
      r.description = std::string(j.at("description").as_string());
      r.variant = std::string(j.at("variant").as_string());
      for (const auto& p : j.at("properties").as_array()) r.properties.emplace_back(p.as_string());
      r.seeds_run = j.at("seeds_run").to_number<std::uint64_t>();
      r.seed_first = j.at("seed_first").to_number<std::uint64_t>();
      r.seed_last = j.at("seed_last").to_number<std::uint64_t>();
      r.failing_seeds = j.at("failing_seeds").to_number<std::uint64_t>();
      r.trace_digest = parse_digest(j.at("trace_digest"));
      for (const auto& [kind, count] : j.at("faults").as_object()) {
        r.faults[std::string(kind)] = {count.at("planned").to_number<std::uint64_t>(),
                                       count.at("hit").to_number<std::uint64_t>()};
      }
      const auto& buckets = j.at("latency_buckets").as_array();
      if (buckets.size() != r.latency.counts.size())
        throw ReportError(source + ": latency_buckets has the wrong length");
      for (std::size_t i = 0; i < buckets.size(); ++i) r.latency.counts[i] = buckets[i].to_number<std::uint64_t>();
      for (const auto& f : j.at("failures").as_array()) {
        const auto& fo = f.as_object();
        r.failures.push_back({fo.at("seed").to_number<std::uint64_t>(), std::string(fo.at("property").as_string()),
                              std::string(fo.at("message").as_string()), std::string(fo.at("replay").as_string())});
      }
      report.results.push_back(std::move(r));
    }
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
  std::map<std::pair<std::string, std::string>, ScenarioResult> by_case;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& part : parts) {
    for (const auto& r : part.results) {
      const auto key = std::make_pair(r.scenario, r.variant);
      auto [it, first] = by_case.emplace(key, r);
      if (first) {
        order.push_back(key);
        continue;
      }
      ScenarioResult& m = it->second;
      if (r.seeds_run == 0) continue;
      m.seed_first = m.seeds_run == 0 ? r.seed_first : std::min(m.seed_first, r.seed_first);
      m.seed_last = m.seeds_run == 0 ? r.seed_last : std::max(m.seed_last, r.seed_last);
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
  }
  std::sort(order.begin(), order.end());
  for (const auto& key : order) {
    ScenarioResult r = by_case.at(key);
    std::stable_sort(r.failures.begin(), r.failures.end(),
                     [](const Failure& a, const Failure& b) { return a.seed < b.seed; });
    out.results.push_back(std::move(r));
  }
  return out;
}

std::string to_markdown(const SweepReport& report) {
  std::string out = "## " + report.title + ": " + (report.passed() ? "PASS" : "FAIL") + "\n\n";
  out += std::to_string(report.total_runs()) + " simulated runs, " + std::to_string(report.total_failing_seeds()) +
         " failing seeds.\n\n";
  out += "| scenario | seeds | failing seeds | latency p50 | latency p99 |\n|---|---:|---:|---:|---:|\n";
  auto plain = [](std::int64_t us) {
    if (us < 0) return std::string("n/a");
    return us < 1'000'000 ? "<=" + std::to_string(us / 1000) + "ms" : "<=" + std::to_string(us / 1'000'000) + "s";
  };
  for (const auto& r : report.results) {
    out += "| " + case_name(r) + " | " + std::to_string(r.seed_first) + ".." + std::to_string(r.seed_last) + " | " +
           std::to_string(r.failing_seeds) + " | " + plain(r.latency.percentile_upper_us(50)) + " | " +
           plain(r.latency.percentile_upper_us(99)) + " |\n";
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
                    (ok ? "pass\">READY: every property held" : "fail\">NOT READY: properties violated") +
                    R"(</p>
<p>)" + std::to_string(report.total_runs()) +
                    " simulated runs across " + std::to_string(report.results.size()) + " scenarios; " +
                    std::to_string(report.total_failing_seeds()) + R"( failing seeds.</p>
)";
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
           "</td><td class=\"num\">" + std::to_string(r.seed_first) + "&hellip;" + std::to_string(r.seed_last) +
           "</td>";
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
  if (report.passed()) return {};
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
