// What the CLI's interfaces rest on (issue 14): a sweep folded batch by batch
// gives the same result as the whole outcome judged at once (across a batch
// boundary, for any job count); a stop request ends a sweep at the next seed
// and says so; a partial report is never READY and stays partial through a
// merge; runs of one scenario in two modes do not merge; shrunk names stay
// file names; any name loads back from to_toml.
#include <csignal>
#include <string>

#include <gtest/gtest.h>

#include "harness/harness.hpp"
#include "harness/interrupt.hpp"
#include "reports/reports.hpp"
#include "scenarios/scenario.hpp"

namespace bridgesim {
namespace {

scenarios::Scenario load(const std::string& name) { return scenarios::find_scenario(name, BRIDGESIM_SCENARIO_DIR); }

TEST(SweepInterfaces, FoldingBatchByBatchEqualsJudgingTheWholeOutcome) {
  // 4100 seeds: one full batch of 4096 and a second of 4.
  const harness::SweepSpec spec{load("golden_path"), 7, 4100, scenarios::find_variant("leaky_manager"), 2, false, true};
  const auto folded = harness::sweep_to_report(spec);
  const auto whole = harness::to_report(spec, harness::sweep(spec));
  reports::SweepReport a, b;
  a.results = {folded.result};
  b.results = {whole};
  // Wall time is the machine's (the JSON's "environment"), not the sweep's.
  a.results[0].wall_seconds = b.results[0].wall_seconds = 0;
  EXPECT_EQ(reports::to_json(a), reports::to_json(b));
  EXPECT_EQ(folded.result.seeds_run, 4100u);
  EXPECT_EQ(folded.result.seed_last, 4106u);
  EXPECT_EQ(folded.result.mode, "swarm");
  EXPECT_FALSE(folded.interrupted);
  ASSERT_FALSE(folded.result.failures.empty());
  EXPECT_NE(folded.result.failures.back().replay_command.find(" --swarm"), std::string::npos);
}

TEST(SweepInterfaces, AStopRequestEndsTheSweepAndSaysSo) {
  harness::request_stop(SIGTERM);
  const harness::SweepSpec spec{load("golden_path"), 1, 50, nullptr, 2, false, false};
  const auto run = harness::sweep_to_report(spec);
  EXPECT_TRUE(run.interrupted);
  EXPECT_LT(run.result.seeds_run, 50u);
  EXPECT_TRUE(harness::sweep(spec).interrupted);
  harness::request_stop(0);  // the flag is process-wide: later tests sweep again
}

reports::SweepReport one_result(const std::string& mode, bool partial, const std::string& source) {
  reports::SweepReport r;
  r.source = source;
  r.partial = partial;
  reports::ScenarioResult s;
  s.scenario = "chat";
  s.mode = mode;
  s.seeds_run = 5;
  s.seed_first = source == "a.json" ? 1 : 6;
  s.seed_last = s.seed_first + 4;
  r.results = {s};
  return reports::from_json(reports::to_json(r), source);
}

TEST(SweepInterfaces, APartialReportIsNeverReadyAndStaysPartialThroughAMerge) {
  const auto partial = one_result("plain", true, "a.json");
  EXPECT_TRUE(partial.partial) << "the JSON keeps \"partial\"";
  EXPECT_FALSE(partial.passed());
  EXPECT_EQ(partial.verdict(), "incomplete");
  const auto merged = reports::merge({partial, one_result("plain", false, "b.json")});
  EXPECT_TRUE(merged.partial);
  EXPECT_EQ(merged.verdict(), "incomplete");
  EXPECT_EQ(reports::merge({one_result("plain", false, "a.json"), one_result("plain", false, "b.json")}).verdict(),
            "pass");
}

TEST(SweepInterfaces, RunsOfOneScenarioInTwoModesDoNotMerge) {
  try {
    reports::merge({one_result("plain", false, "a.json"), one_result("swarm", false, "b.json")});
    FAIL() << "a plain and a swarm run merged";
  } catch (const reports::ReportError& e) {
    EXPECT_STREQ(e.what(), "a.json ran chat as plain but b.json as swarm: runs of different modes are not one sweep");
  }
}

TEST(SweepInterfaces, ShrunkNamesStayFileNamesAndAnyNameLoadsBack) {
  EXPECT_EQ(harness::file_name_part("../../etc/x"), "______etc_x");
  EXPECT_EQ(harness::file_name_part(""), "scenario");
  auto s = load("golden_path");
  s.name = "a \"b\"\n\\c\t\x01";
  s.description = "line one\nline two";
  const auto back = scenarios::parse_scenario(scenarios::to_toml(s, s.faults), "back.toml");
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.description, s.description);
}

}  // namespace
}  // namespace bridgesim
