// JUnit XML for CI, valid against the schema Jenkins' xUnit plugin checks
// (junit-10.xsd: testsuite has tests, failures, errors, skipped, time,
// timestamp, hostname). One testsuite per scenario (and variant), one
// testcase per property it checked: names carry no seed range and no shard,
// so a test keeps its history when SEEDS or the shard count change.
#include <string>

#include "reports/report_text.hpp"
#include "reports/reports.hpp"

namespace bridgesim::reports {
namespace {

using text::case_name;
using text::fixed;

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + xml_escape(value) + "\"";
}

std::string property_line(const std::string& name, const std::string& value) {
  return "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

// Facts about a suite that are not part of any test's name.
std::string suite_properties(const SweepReport& report, const ScenarioResult& r) {
  std::string out = "    <properties>\n";
  out += property_line("seeds", text::seeds_text(r, ".."));
  out += property_line("seeds_run", std::to_string(r.seeds_run));
  out += property_line("failing_seeds", std::to_string(r.failing_seeds));
  if (!r.variant.empty()) out += property_line("variant", r.variant);
  out += property_line("mode", r.mode);
  if (!report.environment.version.empty()) out += property_line("version", report.environment.version);
  if (!report.environment.commit.empty()) out += property_line("commit", report.environment.commit);
  if (!report.command.empty()) out += property_line("command", report.command);
  return out + "    </properties>\n";
}

std::string failure_element(const ScenarioResult& r, const text::PropertyFailures& p, const std::string& mode) {
  const Failure& first = *p.failures.front();
  const std::string message = p.property + " violated on " + std::to_string(p.seeds()) + " of " +
                              std::to_string(r.seeds_run) + " seeds; first: seed " + std::to_string(first.seed) + ": " +
                              first.message + "; replay: " + first.replay_command;
  std::string body;
  for (const auto* f : p.failures) {
    body += "seed " + std::to_string(f->seed) + " [" + f->property + "] " + f->message +
            "\n  replay: " + f->replay_command + "\n";
    const std::string shrink = shrink_command(f->replay_command, mode);
    if (!shrink.empty()) body += "  shrink: " + shrink + "\n";
  }
  return "      <failure" + attr("message", message) + " type=\"PropertyViolation\">" + xml_escape(body) +
         "</failure>\n";
}

// Seeds that never ran (shards left out of a merge, or an interrupted
// sweep): a failure of its own, so CI cannot read the suite as a pass.
std::string incomplete_failure(const ScenarioResult& r) {
  const std::string message = !r.missing.empty() ? "seeds " + ranges_text(r.missing) + " never ran"
                                                 : "the sweep was interrupted before every seed ran";
  const std::string body =
      !r.missing.empty() ? "no result file for these seeds was merged" : "partial sweep: rerun it to the end";
  return "      <failure" + attr("message", message) + " type=\"IncompleteSweep\">" + xml_escape(body) + "</failure>\n";
}

struct Suite {
  std::string xml;
  std::size_t tests = 0;
  std::size_t failures = 0;
};

Suite suite(const SweepReport& report, const ScenarioResult& r) {
  const auto properties = text::by_property(r);
  const bool incomplete = !r.missing.empty() || report.partial;
  Suite s;
  s.tests = properties.size() + (incomplete ? 1 : 0);
  const double each = s.tests == 0 ? 0.0 : r.wall_seconds / static_cast<double>(s.tests);
  const std::string classname = "bridgesim." + case_name(r);
  std::string cases;
  for (const auto& p : properties) {
    cases += "    <testcase" + attr("classname", classname) + attr("name", p.property) + attr("time", fixed(each, 3));
    if (p.failures.empty()) {
      cases += "/>\n";
      continue;
    }
    ++s.failures;
    cases += ">\n" + failure_element(r, p, r.mode) + "    </testcase>\n";
  }
  if (incomplete) {
    ++s.failures;
    cases += "    <testcase" + attr("classname", classname) + attr("name", "every seed ran") +
             attr("time", fixed(each, 3)) + ">\n" + incomplete_failure(r) + "    </testcase>\n";
  }
  s.xml = "  <testsuite" + attr("name", case_name(r)) + attr("tests", std::to_string(s.tests)) +
          attr("failures", std::to_string(s.failures)) + " errors=\"0\" skipped=\"0\"" +
          attr("time", fixed(r.wall_seconds, 3));
  if (!report.environment.generated_at.empty())
    s.xml += attr("timestamp", text::junit_timestamp(report.environment.generated_at));
  if (!report.environment.host.empty()) s.xml += attr("hostname", report.environment.host);
  s.xml += ">\n" + suite_properties(report, r) + cases + "  </testsuite>\n";
  return s;
}

}  // namespace

std::string to_junit_xml(const SweepReport& report) {
  double total_time = 0;
  std::size_t tests = 0, failures = 0;
  std::string suites;
  for (const auto& r : report.results) {
    const Suite s = suite(report, r);
    total_time += r.wall_seconds;
    tests += s.tests;
    failures += s.failures;
    suites += s.xml;
  }
  // Scenarios of partitions left out of a merge: a failing case each.
  if (!report.missing_scenarios.empty()) {
    std::string cases;
    for (const auto& name : report.missing_scenarios) {
      cases += "    <testcase" + attr("classname", "bridgesim." + name) + attr("name", "every seed ran") +
               " time=\"0.000\">\n      <failure" + attr("message", "scenario " + name + " never ran") +
               " type=\"IncompleteSweep\">no result file of its partition was merged</failure>\n    </testcase>\n";
    }
    const std::string n = std::to_string(report.missing_scenarios.size());
    suites += "  <testsuite name=\"missing partitions\"" + attr("tests", n) + attr("failures", n) +
              " errors=\"0\" skipped=\"0\" time=\"0.000\">\n" + cases + "  </testsuite>\n";
    tests += report.missing_scenarios.size();
    failures += report.missing_scenarios.size();
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bridgesim\"" +
         attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) + " errors=\"0\"" +
         attr("time", fixed(total_time, 3)) + ">\n" + suites + "</testsuites>\n";
}

std::string shrink_command(const std::string& replay, const std::string& mode) {
  const std::string verb = " replay --scenario ";
  const auto at = replay.find(verb);
  if (at == std::string::npos || replay.find(" --check-determinism") != std::string::npos) return {};
  std::string out = replay.substr(0, at) + " shrink --scenario " + replay.substr(at + verb.size());
  if (mode == "swarm" && out.find(" --swarm") == std::string::npos) out += " --swarm";
  return out;
}

}  // namespace bridgesim::reports
