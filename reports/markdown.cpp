// The Markdown summary (a PR comment, a release ticket): the verdict, where
// and with what it was made, what was and was not tested, the per-scenario
// table and the failures grouped by scenario and property, each with its
// replay and shrink commands.
#include <set>
#include <string>

#include "reports/report_text.hpp"
#include "reports/reports.hpp"

namespace bridgesim::reports {
namespace {

using text::case_name;

std::string latency_plain(std::int64_t us) {
  if (us < 0) return "n/a";
  return us < 1'000'000 ? "<=" + std::to_string(us / 1000) + "ms" : "<=" + std::to_string(us / 1'000'000) + "s";
}

std::string provenance(const SweepReport& report) {
  const Environment& e = report.environment;
  std::string out;
  auto add = [&out](const std::string& label, const std::string& value) {
    if (!value.empty()) out += "- " + label + ": " + value + "\n";
  };
  add("Date (UTC)", e.generated_at);
  add("bridgesim version", e.version);
  add("Commit", e.commit);
  add("Host", e.host);
  add("Command", report.command.empty() ? "" : "`" + report.command + "`");
  return out.empty() ? out : out + "\n";
}

std::string scope(const SweepReport& report) {
  std::set<std::string> properties, faults;
  std::string scenarios;
  for (const auto& r : report.results) {
    properties.insert(r.properties.begin(), r.properties.end());
    for (const auto& [kind, count] : r.faults) faults.insert(kind);
    scenarios += std::string(scenarios.empty() ? "" : ", ") + "`" + case_name(r) + "`";
  }
  auto join = [](const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? std::string("none") : out;
  };
  std::string out = "**Simulated:** " + std::to_string(report.results.size()) + " scenarios (" + scenarios + ")";
  out += ", mode " + text::mode_text(report);
  out += "; properties checked: " + join(properties) + "; fault kinds planned: " + join(faults) + ".\n\n";
  out += "**Not tested:**\n";
  for (const auto& item : text::not_tested()) out += "- " + item + "\n";
  return out + "\n";
}

std::string failures(const SweepReport& report) {
  if (report.total_failing_seeds() == 0) return {};
  std::string out = "\n### Failures by scenario and property\n";
  for (const auto& r : report.results) {
    for (const auto& p : text::by_property(r)) {
      if (p.failures.empty()) continue;
      out += "\n#### `" + case_name(r) + "` / " + p.property + ": " + std::to_string(p.seeds()) + " failing seeds\n";
      std::size_t shown = 0;
      for (const auto* f : p.failures) {
        if (shown++ == text::kFailuresShown) {
          out += "\n- ... " + std::to_string(p.failures.size() - text::kFailuresShown) + " more" +
                 (report.json_beside.empty() ? "" : " in [the JSON](" + report.json_beside + ")");
          break;
        }
        out += "\n- `" + case_name(r) + "` seed " + std::to_string(f->seed) + " **" + f->property +
               "**: " + f->message + "\n  `" + f->replay_command + "`";
        const std::string shrink = shrink_command(f->replay_command, r.mode);
        if (!shrink.empty()) out += "\n  shrink: `" + shrink + "`";
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace

std::string to_markdown(const SweepReport& report) {
  std::string out = "## " + report.title + ": " + text::verdict_word(report) + "\n\n";
  out += std::to_string(report.total_runs()) + " simulated runs, " + std::to_string(report.total_failing_seeds()) +
         " failing seeds.\n\n";
  if (report.partial) out += "Interrupted: the sweep stopped before every seed ran.\n\n";
  for (const auto& r : report.results) {
    if (!r.missing.empty())
      out += "Incomplete: `" + case_name(r) + "` seeds " + ranges_text(r.missing) + " never ran.\n\n";
  }
  for (const auto& name : report.missing_scenarios)
    out += "Incomplete: scenario `" + name + "` never ran (its partition was not merged).\n\n";
  out += provenance(report) + scope(report);
  out += "| scenario | seeds | failing seeds | latency p50 | latency p99 |\n|---|---:|---:|---:|---:|\n";
  for (const auto& r : report.results) {
    out += "| " + case_name(r) + " | " + text::seeds_text(r, "..") + " | " + std::to_string(r.failing_seeds) + " | " +
           latency_plain(r.latency.percentile_upper_us(50)) + " | " + latency_plain(r.latency.percentile_upper_us(99)) +
           " |\n";
  }
  return out + failures(report);
}

}  // namespace bridgesim::reports
