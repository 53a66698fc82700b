// The HTML readiness report a release manager signs: one self-contained page
// (no script, no network) that states the verdict; when, where and from what
// it was made; what was simulated and what was not tested; the failures
// grouped by property and scenario with their replay and shrink commands;
// and the scenario x property, scenario x fault and latency tables.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reports/html_style.hpp"
#include "reports/report_text.hpp"
#include "reports/reports.hpp"

namespace bridgesim::reports {
namespace {

using text::case_name;
using text::fixed;

std::string latency_text(std::int64_t upper_us) {
  if (upper_us < 0) return "n/a";
  if (upper_us < 1000) return "&le;" + std::to_string(upper_us) + " &micro;s";
  if (upper_us < 1'000'000) return "&le;" + std::to_string(upper_us / 1000) + " ms";
  return "&le;" + std::to_string(upper_us / 1'000'000) + " s";
}

// A name that may wrap after its underscores and before a variant's bracket
// (fault kinds and scenario names are long; narrow columns wrap them).
std::string wrapping(const std::string& name) {
  std::string out;
  for (const char c : xml_escape(name)) {
    if (c == '[') out += "<wbr>";
    out += c;
    if (c == '_') out += "<wbr>";
  }
  return out;
}

// An inline SVG bar chart of the latency histogram, scaled to its box.
std::string latency_svg(const LatencyHistogram& h) {
  const std::uint64_t total = h.total();
  std::uint64_t peak = 1;
  for (auto c : h.counts) peak = std::max(peak, c);
  const int bar_w = 52, gap = 8, chart_h = 160, top = 20, left = 10;
  const int width = left * 2 + static_cast<int>(h.counts.size()) * (bar_w + gap);
  const std::string height = std::to_string(chart_h + top + 40);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"event latency histogram\" " +
                    std::string("viewBox=\"0 0 ") + std::to_string(width) + " " + height + "\" width=\"" +
                    std::to_string(width) + "\" height=\"" + height + "\">\n";
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
  return svg + "</svg>\n";
}

std::string verdict_line(const SweepReport& report) {
  if (report.passed()) return "<p class=\"verdict pass\">READY: every property held</p>\n";
  if (report.total_failing_seeds() > 0) return "<p class=\"verdict fail\">NOT READY: properties violated</p>\n";
  if (report.partial) return "<p class=\"verdict fail\">NOT READY: the sweep was interrupted</p>\n";
  if (!report.missing_scenarios.empty()) return "<p class=\"verdict fail\">NOT READY: scenarios never ran</p>\n";
  return "<p class=\"verdict fail\">NOT READY: seeds never ran</p>\n";
}

std::string html_head(const SweepReport& report) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      xml_escape(report.title) + "</title>\n<style>\n" + kHtmlStyle + "</style></head><body>\n<h1>" +
      xml_escape(report.title) + "</h1>\n" + verdict_line(report);
  out += "<p>" + std::to_string(report.total_runs()) + " simulated runs across " +
         std::to_string(report.results.size()) + " scenarios; " + std::to_string(report.total_failing_seeds()) +
         " failing seeds.</p>\n";
  if (report.partial) out += "<p class=\"fail\">Interrupted: the sweep stopped before every seed ran.</p>\n";
  for (const auto& r : report.results) {
    if (!r.missing.empty())
      out += "<p class=\"fail\">Incomplete: " + xml_escape(case_name(r)) + " seeds " +
             ranges_text(r.missing, "&hellip;") + " never ran.</p>\n";
  }
  for (const auto& name : report.missing_scenarios)
    out += "<p class=\"fail\">Incomplete: scenario " + xml_escape(name) +
           " never ran (its partition was not merged).</p>\n";
  return out;
}

// Date, version, commit, host and command: what the signature is against.
std::string html_facts(const SweepReport& report) {
  const Environment& e = report.environment;
  std::string out;
  auto add = [&out](const char* id, const char* label, const std::string& value) {
    if (!value.empty())
      out += "<dt>" + std::string(label) + "</dt><dd id=\"" + id + "\">" + xml_escape(value) + "</dd>\n";
  };
  add("fact-date", "Date (UTC)", e.generated_at);
  add("fact-version", "bridgesim version", e.version);
  add("fact-commit", "Commit", e.commit);
  add("fact-host", "Host", e.host);
  if (!report.command.empty())
    out += "<dt>Command</dt><dd id=\"fact-command\"><code>" + xml_escape(report.command) + "</code></dd>\n";
  if (!report.json_beside.empty())
    out += "<dt>Every result</dt><dd><a id=\"json-link\" href=\"" + xml_escape(report.json_beside) + "\">" +
           xml_escape(report.json_beside) + "</a> (JSON)</dd>\n";
  return out.empty() ? out : "<dl class=\"facts\" id=\"facts\">\n" + out + "</dl>\n";
}

std::string item_list(const std::vector<std::string>& items) {
  std::string out = "<ul>\n";
  for (const auto& item : items) out += "<li>" + item + "</li>\n";
  return out + "</ul>\n";
}

std::string names_text(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + xml_escape(n);
  return out.empty() ? "none" : out;
}

std::string html_scope(const SweepReport& report, const std::set<std::string>& property_names,
                       const std::set<std::string>& fault_names) {
  std::vector<std::string> simulated;
  for (const auto& r : report.results) {
    simulated.push_back("<b>" + xml_escape(case_name(r)) + "</b>, seeds " + text::seeds_text(r, "&hellip;") + ": " +
                        xml_escape(r.description));
  }
  const std::string mode = text::mode_text(report);
  simulated.push_back("mode: " + xml_escape(mode) + (mode == "swarm" ? " (every seed also drew its own faults)" : ""));
  simulated.push_back("properties checked on every run: " + names_text(property_names));
  simulated.push_back("fault kinds planned: " + names_text(fault_names));
  std::vector<std::string> untested;
  for (const auto& item : text::not_tested()) untested.push_back(xml_escape(item));
  return "<section id=\"scope\"><h2>Scope</h2>\n<h3>Simulated</h3>\n" + item_list(simulated) + "<h3>Not tested</h3>\n" +
         item_list(untested) + "</section>\n";
}

std::string failure_item(const ScenarioResult& r, const Failure& f) {
  std::string out = "<li><b>" + xml_escape(case_name(r)) + "</b> seed " + std::to_string(f.seed) + " <b>" +
                    xml_escape(f.property) + "</b>: " + xml_escape(f.message) + "<br>replay: <code>" +
                    xml_escape(f.replay_command) + "</code>";
  const std::string shrink = shrink_command(f.replay_command, r.mode);
  if (!shrink.empty()) out += "<br>shrink: <code>" + xml_escape(shrink) + "</code>";
  return out + "</li>\n";
}

std::string html_failures(const SweepReport& report) {
  if (report.total_failing_seeds() == 0) return {};
  // property -> (result, its failures of that property), in result order.
  std::map<std::string, std::vector<std::pair<const ScenarioResult*, text::PropertyFailures>>> groups;
  for (const auto& r : report.results) {
    for (auto& p : text::by_property(r)) {
      if (!p.failures.empty()) groups[p.property].emplace_back(&r, std::move(p));
    }
  }
  std::string out = "<section id=\"failures\"><h2>Failures by property and scenario</h2>\n";
  for (const auto& [property, cases] : groups) {
    out += "<h3 class=\"property\">" + xml_escape(property) + "</h3>\n";
    for (const auto& [r, p] : cases) {
      out += "<h4>" + xml_escape(case_name(*r)) + ": " + std::to_string(p.seeds()) + " of " +
             std::to_string(r->seeds_run) + " seeds</h4>\n<ul>\n";
      std::size_t shown = 0;
      for (const auto* f : p.failures) {
        if (shown++ == text::kFailuresShown) {
          out += "<li>&hellip; " + std::to_string(p.failures.size() - text::kFailuresShown) + " more" +
                 (report.json_beside.empty()
                      ? std::string(" (write the JSON summary with <code>--json</code> to keep them all)")
                      : " in <a href=\"" + xml_escape(report.json_beside) + "\">the JSON</a>") +
                 "</li>\n";
          break;
        }
        out += failure_item(*r, *f);
      }
      out += "</ul>\n";
    }
  }
  return out + "</section>\n";
}

std::string html_property_cell(const ScenarioResult& r, const std::string& p) {
  const bool checked = std::find(r.properties.begin(), r.properties.end(), p) != r.properties.end();
  std::set<std::uint64_t> failing;
  for (const auto& f : r.failures) {
    if (f.property == p) failing.insert(f.seed);
  }
  if (!checked && failing.empty()) return "<td>&ndash;</td>";
  if (failing.empty()) return "<td class=\"ok\">pass</td>";
  return "<td class=\"bad\">" + std::to_string(failing.size()) + " seeds fail</td>";
}

std::string html_properties(const SweepReport& report, const std::set<std::string>& property_names) {
  std::string out =
      "<h2>Scenarios &times; properties</h2>\n<div class=\"scroll\"><table class=\"matrix\" id=\"properties\">"
      "<tr><th>scenario</th><th>seeds</th>";
  for (const auto& p : property_names) out += "<th>" + wrapping(p) + "</th>";
  out += "</tr>\n";
  for (const auto& r : report.results) {
    out += "<tr><td title=\"" + xml_escape(r.description) + "\">" + xml_escape(case_name(r)) +
           "</td><td class=\"num\">" + text::seeds_text(r, "&hellip;") + "</td>";
    for (const auto& p : property_names) out += html_property_cell(r, p);
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
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
      "the tooltip).</p>\n<div class=\"scroll\"><table class=\"matrix\" id=\"faults\"><tr><th>scenario</th>";
  for (const auto& k : fault_names) out += "<th>" + wrapping(k) + "</th>";
  out += "</tr>\n";
  for (const auto& r : report.results) {
    if (r.faults.empty()) continue;
    out += "<tr><td>" + wrapping(case_name(r)) + "</td>";
    for (const auto& k : fault_names) out += html_fault_cell(r, k);
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

std::string html_latency(const SweepReport& report, const LatencyHistogram& all_latency) {
  std::string out = "<h2>Event latency (virtual time, emit to receive)</h2>\n<p>" +
                    std::to_string(all_latency.total()) + " lifecycle events; p50 " +
                    latency_text(all_latency.percentile_upper_us(50)) + ", p99 " +
                    latency_text(all_latency.percentile_upper_us(99)) + ".</p>\n" + latency_svg(all_latency);
  out += "<div class=\"scroll\"><table><tr><th>scenario</th><th>events</th><th>p50</th><th>p99</th></tr>\n";
  for (const auto& r : report.results) {
    out += "<tr><td>" + xml_escape(case_name(r)) + "</td><td class=\"num\">" + std::to_string(r.latency.total()) +
           "</td><td class=\"num\">" + latency_text(r.latency.percentile_upper_us(50)) + "</td><td class=\"num\">" +
           latency_text(r.latency.percentile_upper_us(99)) + "</td></tr>\n";
  }
  return out + "</table></div>\n";
}

}  // namespace

std::string to_html(const SweepReport& report) {
  std::set<std::string> property_names, fault_names;
  LatencyHistogram all_latency;
  for (const auto& r : report.results) {
    property_names.insert(r.properties.begin(), r.properties.end());
    for (const auto& f : r.failures) property_names.insert(f.property);
    for (const auto& [kind, count] : r.faults) fault_names.insert(kind);
    all_latency.merge(r.latency);
  }
  return html_head(report) + html_facts(report) + html_scope(report, property_names, fault_names) +
         html_failures(report) + html_properties(report, property_names) + html_faults(report, fault_names) +
         html_latency(report, all_latency) + "</body></html>\n";
}

}  // namespace bridgesim::reports
