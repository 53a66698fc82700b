// What the readiness reports add for the one who signs them: the facts
// (date, version, commit, host, command) in every format, the scope, the
// failures grouped by property and scenario with replay and shrink
// commands, the JSON linked only when it was written, and an interrupted
// sweep ("partial") never READY.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/reports/fixtures.hpp"

namespace bridgesim::reports {
namespace {

using fixtures::clean_shard;
using fixtures::count_of;
using fixtures::failing_shard;
using fixtures::quiet;
using fixtures::report_of;

SweepReport signed_report(std::vector<ScenarioResult> results) {
  auto r = report_of(std::move(results));
  r.environment = {"2026-12-02T01:02:03Z", "1.2.3", "abcdef123456", "ci-host-7"};
  r.command = "bridgesim run --seeds 11";
  for (auto& result : r.results) result.mode = "swarm";
  return r;
}

TEST(ReportsReadiness, EveryFormatCarriesTheFacts) {
  const auto report = signed_report({failing_shard(), quiet()});
  const std::string html = to_html(report);
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), std::string::npos);
  EXPECT_NE(html.find("<dd id=\"fact-date\">2026-12-02T01:02:03Z</dd>"), std::string::npos) << html;
  EXPECT_NE(html.find("<dd id=\"fact-version\">1.2.3</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd id=\"fact-commit\">abcdef123456</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd id=\"fact-host\">ci-host-7</dd>"), std::string::npos);
  EXPECT_NE(html.find("<code>bridgesim run --seeds 11</code>"), std::string::npos);
  const std::string md = to_markdown(report);
  for (const char* fact :
       {"- Date (UTC): 2026-12-02T01:02:03Z\n", "- bridgesim version: 1.2.3\n", "- Commit: abcdef123456\n",
        "- Host: ci-host-7\n", "- Command: `bridgesim run --seeds 11`\n"})
    EXPECT_NE(md.find(fact), std::string::npos) << fact << "\n" << md;
  const std::string xml = to_junit_xml(report);
  EXPECT_EQ(count_of(xml, " timestamp=\"2026-12-02T01:02:03\" hostname=\"ci-host-7\">"), 2u) << xml;
  EXPECT_NE(xml.find("<property name=\"commit\" value=\"abcdef123456\"/>"), std::string::npos);
  const auto env = boost::json::parse(to_json(report)).at("environment").as_object();
  EXPECT_EQ(env.at("generated_at").as_string(), "2026-12-02T01:02:03Z");
  EXPECT_EQ(env.at("command").as_string(), "bridgesim run --seeds 11");
}

TEST(ReportsReadiness, ScopeSaysWhatWasNotTested) {
  const auto report = signed_report({clean_shard()});
  for (const std::string& text : {to_html(report), to_markdown(report)}) {
    EXPECT_NE(text.find("Not tested"), std::string::npos);
    EXPECT_NE(text.find("the real network"), std::string::npos);
    EXPECT_NE(text.find("the real auth service"), std::string::npos);
    EXPECT_NE(text.find("the production platform itself"), std::string::npos);
    EXPECT_NE(text.find("mode swarm"), text.find("mode: swarm")) << "the mode is stated";
    EXPECT_NE(text.find("delivery, isolation, protocol, runs"), std::string::npos) << "properties checked";
  }
}

TEST(ReportsReadiness, FailuresGroupedByPropertyThenScenarioWithShrinkCommands) {
  auto other = failing_shard();
  other.scenario = "other";
  const std::string html = to_html(signed_report({failing_shard(), other}));
  const auto delivery = html.find("<h3 class=\"property\">delivery</h3>");
  const auto isolation = html.find("<h3 class=\"property\">isolation</h3>");
  const auto protocol = html.find("<h3 class=\"property\">protocol</h3>");
  ASSERT_NE(delivery, std::string::npos) << html;
  EXPECT_LT(delivery, isolation);
  EXPECT_LT(isolation, protocol);
  EXPECT_EQ(count_of(html, "<h3 class=\"property\">"), 3u) << "one heading per property, not per failure";
  const auto section = html.substr(protocol, html.find("</section>", protocol) - protocol);
  EXPECT_NE(section.find("<h4>chat: 3 of 11 seeds</h4>"), std::string::npos) << section;
  EXPECT_NE(section.find("<h4>other: 3 of 11 seeds</h4>"), std::string::npos);
  // Three protocol failures in each scenario (the fixture replays name chat for both).
  EXPECT_EQ(count_of(section, "<br>shrink: <code>bridgesim shrink --scenario chat --seed "), 6u);
  EXPECT_NE(section.find("bridgesim shrink --scenario chat --seed 12 --swarm</code>"), std::string::npos)
      << "a swarm sweep's shrink says --swarm";
  const std::string md = to_markdown(signed_report({failing_shard()}));
  EXPECT_NE(md.find("#### `chat` / isolation: 2 failing seeds\n"), std::string::npos) << md;
  EXPECT_NE(md.find("  shrink: `bridgesim shrink --scenario chat --seed 13 --swarm`"), std::string::npos);
}

TEST(ReportsReadiness, TheJsonIsLinkedOnlyWhenWrittenBesideIt) {
  auto many = failing_shard();
  many.failures.clear();
  for (std::uint64_t seed = 4; seed <= 14; ++seed) {
    many.failures.push_back(fixtures::failure(seed, "protocol"));
    many.failures.push_back(fixtures::failure(seed, "protocol"));
  }
  auto report = signed_report({many});  // 22 protocol failures: 2 not shown
  std::string html = to_html(report);
  EXPECT_EQ(html.find("see the JSON"), std::string::npos);
  EXPECT_EQ(html.find("<a "), std::string::npos) << "no link to a file that was not written";
  EXPECT_NE(html.find("&hellip; 2 more (write the JSON summary with <code>--json</code>"), std::string::npos) << html;
  report.json_beside = "summary.json";
  html = to_html(report);
  EXPECT_NE(html.find("<a id=\"json-link\" href=\"summary.json\">summary.json</a>"), std::string::npos);
  EXPECT_NE(html.find("&hellip; 2 more in <a href=\"summary.json\">the JSON</a>"), std::string::npos);
}

TEST(ReportsReadiness, AnInterruptedSweepIsNeverReady) {
  auto report = signed_report({clean_shard()});
  report.partial = true;
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.verdict(), "incomplete");
  EXPECT_NE(to_html(report).find("<p class=\"verdict fail\">NOT READY: the sweep was interrupted</p>"),
            std::string::npos);
  EXPECT_EQ(to_markdown(report).rfind("## bridgesim readiness: INCOMPLETE\n", 0), 0u);
  const std::string xml = to_junit_xml(report);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("type=\"IncompleteSweep\""), std::string::npos);
  const std::string json = to_json(report);
  EXPECT_NE(json.find("\"partial\":true"), std::string::npos);
  EXPECT_TRUE(from_json(json, "p.json").partial);
  report.partial = false;
  EXPECT_TRUE(report.passed()) << "the same results, not interrupted, pass";
  EXPECT_EQ(to_json(report).find("partial"), std::string::npos);
}

}  // namespace
}  // namespace bridgesim::reports
