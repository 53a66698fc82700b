// Every report format states the verdict and the counts a reader acts on:
// a pass and a fail case per format, on fixtures where failing seeds (4),
// failures (6), seeds run (11) and each property's count (3, 2, 1, 0) differ.
#include <map>
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

TEST(ReportsVerdictJson, FailNamesFailingSeedsFailuresAndEachProperty) {
  const auto doc = boost::json::parse(to_json(report_of({failing_shard(), quiet()}))).as_object();
  EXPECT_EQ(doc.at("verdict").as_string(), "fail");
  EXPECT_EQ(doc.at("runs").to_number<int>(), 18);
  EXPECT_EQ(doc.at("failing_seeds").to_number<int>(), 4);
  const auto& chat = doc.at("results").as_array()[0].as_object();
  EXPECT_EQ(chat.at("scenario").as_string(), "chat");
  EXPECT_EQ(chat.at("seeds_run").to_number<int>(), 11);
  EXPECT_EQ(chat.at("failing_seeds").to_number<int>(), 4);
  const auto& failures = chat.at("failures").as_array();
  ASSERT_EQ(failures.size(), 6u);
  std::map<std::string, int> per_property;
  for (const auto& f : failures) ++per_property[std::string(f.at("property").as_string())];
  EXPECT_EQ(per_property, (std::map<std::string, int>{{"delivery", 1}, {"isolation", 2}, {"protocol", 3}}));
  EXPECT_EQ(failures[1].at("seed").to_number<int>(), 5);
  EXPECT_EQ(failures[1].at("replay").as_string(), "bridgesim replay --scenario chat --seed 5");
  EXPECT_FALSE(chat.contains("missing_seeds"));
  EXPECT_EQ(doc.at("results").as_array()[1].at("failing_seeds").to_number<int>(), 0);
}

TEST(ReportsVerdictJson, PassHasNoFailingSeedsAndReadsBack) {
  const std::string json = to_json(report_of({clean_shard(), quiet()}));
  const auto doc = boost::json::parse(json).as_object();
  EXPECT_EQ(doc.at("verdict").as_string(), "pass");
  EXPECT_EQ(doc.at("runs").to_number<int>(), 16);
  EXPECT_EQ(doc.at("failing_seeds").to_number<int>(), 0);
  EXPECT_TRUE(doc.at("results").as_array()[0].at("failures").as_array().empty());
  const auto back = from_json(json, "pass.json");
  EXPECT_TRUE(back.passed());
  EXPECT_EQ(to_json(back), json);
  const auto failing = from_json(to_json(report_of({failing_shard()})), "fail.json");
  EXPECT_FALSE(failing.passed());
  EXPECT_EQ(failing.results[0].failing_seeds, 4u);
  EXPECT_EQ(failing.results[0].failures.size(), 6u);
}

TEST(ReportsVerdictHtml, FailSaysNotReadyWithEachPropertysSeeds) {
  const std::string html = to_html(report_of({failing_shard(), quiet()}));
  EXPECT_NE(html.find("<p class=\"verdict fail\">NOT READY: properties violated</p>"), std::string::npos);
  EXPECT_EQ(html.find("verdict pass"), std::string::npos);
  EXPECT_NE(html.find("<p>18 simulated runs across 2 scenarios; 4 failing seeds.</p>"), std::string::npos) << html;
  // chat's row: delivery 1, isolation 2, protocol 3 failing seeds, runs held.
  EXPECT_NE(html.find("<td class=\"num\">4&hellip;14</td><td class=\"bad\">1 seeds fail</td><td class=\"bad\">2 seeds "
                      "fail</td><td class=\"bad\">3 seeds fail</td><td class=\"ok\">pass</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_EQ(count_of(html, "<li><b>chat</b> seed "), 6u) << "every failure listed";
  EXPECT_NE(html.find("<li><b>chat</b> seed 8 <b>delivery</b>"), std::string::npos);
}

TEST(ReportsVerdictHtml, PassSaysReadyAndListsNoFailures) {
  const std::string html = to_html(report_of({clean_shard(), quiet()}));
  EXPECT_NE(html.find("<p class=\"verdict pass\">READY: every property held</p>"), std::string::npos);
  EXPECT_EQ(html.find("NOT READY"), std::string::npos);
  EXPECT_NE(html.find("<p>16 simulated runs across 2 scenarios; 0 failing seeds.</p>"), std::string::npos);
  EXPECT_EQ(html.find("<h2>Failures</h2>"), std::string::npos);
  EXPECT_EQ(html.find("seeds fail"), std::string::npos);
}

// One testcase per scenario x property: chat's delivery (1 seed), isolation
// (2) and protocol (3) fail, its runs and every quiet property pass.
TEST(ReportsVerdictJunit, FailIsOneFailureElementPerViolatedProperty) {
  const std::string xml = to_junit_xml(report_of({failing_shard(), quiet()}));
  EXPECT_NE(xml.find("<testsuites name=\"bridgesim\" tests=\"8\" failures=\"3\" errors=\"0\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"chat\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"quiet\" tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"0\""),
            std::string::npos);
  ASSERT_EQ(count_of(xml, "<failure "), 3u);
  EXPECT_NE(xml.find("<testcase classname=\"bridgesim.chat\" name=\"runs\" time=\"0.000\"/>"), std::string::npos);
  const auto protocol = xml.substr(xml.find("<testcase classname=\"bridgesim.chat\" name=\"protocol\""));
  EXPECT_EQ(protocol.find("<failure message=\"protocol violated on 3 of 11 seeds; first: seed 5: protocol broken at "
                          "seed 5; replay: bridgesim replay --scenario chat --seed 5\" type=\"PropertyViolation\">"),
            protocol.find("<failure "))
      << protocol;
  const auto body = protocol.substr(0, protocol.find("</failure>"));
  EXPECT_EQ(count_of(body, "  replay: bridgesim replay --scenario chat --seed "), 3u);
  EXPECT_NE(body.find("seed 12 [protocol] protocol broken at seed 12"), std::string::npos);
  EXPECT_NE(xml.find("name=\"isolation\" time=\"0.000\">\n      <failure message=\"isolation violated on 2 of 11"),
            std::string::npos);
  EXPECT_LT(xml.rfind("<failure "), xml.find("<testsuite name=\"quiet\"")) << "the failures are chat's";
}

TEST(ReportsVerdictJunit, PassHasNoFailureElement) {
  const std::string xml = to_junit_xml(report_of({clean_shard(), quiet()}));
  EXPECT_NE(xml.find("<testsuites name=\"bridgesim\" tests=\"8\" failures=\"0\" errors=\"0\""), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  EXPECT_EQ(count_of(xml, "<testcase "), 8u);
}

// Seeds no shard ran: a failing testcase of its own, whatever else passed.
TEST(ReportsVerdictJunit, MissingSeedsFailTheirSuite) {
  auto gap = merge({report_of({failing_shard()}, "a.json"), report_of({quiet()}, "b.json")});
  auto clean = report_of({clean_shard()});
  clean.results[0].missing = {{15, 17}};
  clean.results[0].seeds_run -= 3;
  const std::string xml = to_junit_xml(clean);
  EXPECT_NE(xml.find("<testsuite name=\"chat\" tests=\"5\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"every seed ran\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"seeds 15..17 never ran\" type=\"IncompleteSweep\">"), std::string::npos);
  EXPECT_EQ(to_junit_xml(gap).find("every seed ran"), std::string::npos) << "nothing missing there";
}

TEST(ReportsVerdictMarkdown, FailHeadsWithFailAndCountsSeedsNotFailures) {
  const std::string md = to_markdown(report_of({failing_shard(), quiet()}));
  EXPECT_EQ(md.rfind("## bridgesim readiness: FAIL\n\n18 simulated runs, 4 failing seeds.\n", 0), 0u) << md;
  EXPECT_NE(md.find("| chat | 4..14 | 4 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| quiet | 1..7 | 0 |"), std::string::npos);
  EXPECT_EQ(count_of(md, "\n- `chat` seed "), 6u);
  EXPECT_NE(md.find("- `chat` seed 13 **isolation**: isolation broken at seed 13\n"
                    "  `bridgesim replay --scenario chat --seed 13`"),
            std::string::npos);
}

TEST(ReportsVerdictMarkdown, PassHeadsWithPassAndListsNothing) {
  const std::string md = to_markdown(report_of({clean_shard(), quiet()}));
  EXPECT_EQ(md.rfind("## bridgesim readiness: PASS\n\n16 simulated runs, 0 failing seeds.\n", 0), 0u) << md;
  EXPECT_NE(md.find("| chat | 15..23 | 0 |"), std::string::npos);
  EXPECT_EQ(md.find("\n- `"), std::string::npos);
}

}  // namespace
}  // namespace bridgesim::reports
