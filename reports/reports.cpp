#include "reports/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/json.hpp>

namespace bridgesim::reports {
namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string case_name(const ScenarioResult& r) { return r.variant.empty() ? r.scenario : r.scenario + "[" + r.variant + "]"; }

// Failures shown per scenario in human reports; the JSON keeps them all.
constexpr std::size_t kFailuresShown = 20;

}  // namespace

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
  for (const auto& r : report.results) total_time += r.wall_seconds;
  out += "<testsuites name=\"bridgesim\" tests=\"" + std::to_string(report.results.size()) + "\" failures=\"" +
         std::to_string(report.total_failing_seeds() > 0 ? 1 : 0) + "\" time=\"" + fixed(total_time, 3) + "\">\n";
  for (const auto& r : report.results) {
    out += "  <testsuite name=\"" + xml_escape(case_name(r)) + "\" tests=\"1\" failures=\"" +
           std::string(r.failing_seeds > 0 ? "1" : "0") + "\" time=\"" + fixed(r.wall_seconds, 3) + "\">\n";
    out += "    <testcase classname=\"bridgesim." + xml_escape(r.scenario) + "\" name=\"" + xml_escape(case_name(r)) +
           " seeds " + std::to_string(r.seed_first) + ".." + std::to_string(r.seed_last) + "\" time=\"" +
           fixed(r.wall_seconds, 3) + "\">\n";
    if (r.failing_seeds > 0) {
      std::string body;
      for (const auto& f : r.failures) {
        body += "seed " + std::to_string(f.seed) + " [" + f.property + "] " + f.message + "\n  replay: " + f.replay_command + "\n";
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
    for (const auto& [kind, count] : r.faults) faults[kind] = boost::json::object{{"planned", count.planned}, {"hit", count.hit}};
    results.push_back(boost::json::object{{"scenario", r.scenario},
                                          {"faults", std::move(faults)},
                                          {"variant", r.variant},
                                          {"properties", std::move(properties)},
                                          {"seeds_run", r.seeds_run},
                                          {"seed_first", r.seed_first},
                                          {"seed_last", r.seed_last},
                                          {"failing_seeds", r.failing_seeds},
                                          {"failures", std::move(failures)}});
  }
  // Wall times are left out on purpose: the JSON of one sweep is byte-identical
  // whatever the machine or --jobs.
  return boost::json::serialize(boost::json::object{{"verdict", report.passed() ? "pass" : "fail"},
                                                    {"runs", report.total_runs()},
                                                    {"failing_seeds", report.total_failing_seeds()},
                                                    {"results", std::move(results)}}) +
         "\n";
}

std::string to_markdown(const SweepReport& report) {
  std::string out = "## " + report.title + ": " + (report.passed() ? "PASS" : "FAIL") + "\n\n";
  out += "| scenario | seeds | failing seeds | wall s |\n|---|---:|---:|---:|\n";
  for (const auto& r : report.results) {
    out += "| " + case_name(r) + " | " + std::to_string(r.seed_first) + ".." + std::to_string(r.seed_last) + " | " +
           std::to_string(r.failing_seeds) + " | " + fixed(r.wall_seconds, 2) + " |\n";
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

std::string to_html(const SweepReport& report) {
  std::set<std::string> property_names;
  for (const auto& r : report.results) property_names.insert(r.properties.begin(), r.properties.end());
  const bool ok = report.passed();
  std::string out = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>)" + xml_escape(report.title) + R"(</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2430;max-width:72rem}
.verdict{font-size:2rem;font-weight:700;padding:.6rem 1rem;border-radius:.4rem;display:inline-block}
.pass{background:#d8f3dc;color:#1b4332}.fail{background:#ffd6d6;color:#7f1d1d}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #c9ced6;padding:.35rem .6rem;text-align:left}
th{background:#eef1f5}td.ok{background:#e9f7ec}td.bad{background:#fde2e2;font-weight:600}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.2rem}
</style></head><body>
<h1>)" + xml_escape(report.title) + R"(</h1>
<p class="verdict )" + (ok ? "pass\">READY: all properties held" : "fail\">NOT READY: properties violated") +
                    R"(</p>
<p>)" + std::to_string(report.total_runs()) + " simulated runs, " + std::to_string(report.total_failing_seeds()) +
                    R"( failing seeds.</p>
)";
  if (!report.command.empty()) out += "<p>Command: <code>" + xml_escape(report.command) + "</code></p>\n";
  out += "<h2>Scenarios &times; properties</h2>\n<table><tr><th>scenario</th><th>seeds</th>";
  for (const auto& p : property_names) out += "<th>" + xml_escape(p) + "</th>";
  out += "</tr>\n";
  for (const auto& r : report.results) {
    out += "<tr><td>" + xml_escape(case_name(r)) + "</td><td>" + std::to_string(r.seed_first) + "&hellip;" +
           std::to_string(r.seed_last) + "</td>";
    for (const auto& p : property_names) {
      const bool checked = std::find(r.properties.begin(), r.properties.end(), p) != r.properties.end();
      std::uint64_t failing = 0;
      for (const auto& f : r.failures) failing += f.property == p ? 1 : 0;
      if (!checked) out += "<td>&ndash;</td>";
      else if (failing == 0) out += "<td class=\"ok\">pass</td>";
      else out += "<td class=\"bad\">" + std::to_string(failing) + " failing</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (!ok) {
    out += "<h2>Failures</h2>\n<ul>\n";
    for (const auto& r : report.results) {
      std::size_t shown = 0;
      for (const auto& f : r.failures) {
        if (shown++ == kFailuresShown) break;
        out += "<li><b>" + xml_escape(case_name(r)) + "</b> seed " + std::to_string(f.seed) + " <b>" +
               xml_escape(f.property) + "</b>: " + xml_escape(f.message) + "<br>replay: <code>" +
               xml_escape(f.replay_command) + "</code></li>\n";
      }
    }
    out += "</ul>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace bridgesim::reports
