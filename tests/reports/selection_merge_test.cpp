// Chosen seed sets (`run --seeds-from`, `--rerun-failed`) and partitions of
// the scenarios (`run --partition`) in the reports: a chosen set's holes are
// not missing seeds and survive the JSON; partitions merge only when each is
// there once, of one selection, and a partition left out names its
// scenarios in every report and keeps the verdict from READY.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/reports/fixtures.hpp"

namespace bridgesim::reports {
namespace {

using fixtures::count_of;
using fixtures::only;
using fixtures::report_of;
using fixtures::result;

// Seeds 3, 7 and 10..12 of "chat": five run, holes 4..6 and 8..9.
ScenarioResult chosen() {
  ScenarioResult r = result("chat", 3, 5, {fixtures::failure(7, "isolation")}, 1, 2);
  r.seed_last = 12;
  r.not_selected = {{4, 6}, {8, 9}};
  return r;
}

TEST(ReportsChosenSeeds, HolesAreNotMissingAndSurviveTheJson) {
  const auto report = report_of({chosen()});
  EXPECT_TRUE(report.complete());
  EXPECT_EQ(report.verdict(), "fail");
  const auto ranges = covered_ranges(chosen());
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges_text(ranges), "3..3, 7..7, 10..12");
  const auto back = from_json(to_json(report), "chosen.json");
  EXPECT_EQ(only(back).not_selected, chosen().not_selected);
  EXPECT_EQ(to_json(back), to_json(report));
  const auto merged = merge({back});
  EXPECT_TRUE(merged.complete()) << "a chosen set merged alone keeps its holes as not selected";
  EXPECT_EQ(only(merged).not_selected, chosen().not_selected);
  EXPECT_TRUE(only(merged).missing.empty());
}

TEST(ReportsChosenSeeds, SeedsThatDoNotAddUpAreRefused) {
  auto r = chosen();
  r.seeds_run = 6;
  EXPECT_THROW(from_json(to_json(report_of({r})), "bad.json"), ReportError);
  r = chosen();
  r.not_selected = {{4, 6}, {5, 9}};
  r.seeds_run = 4;
  EXPECT_THROW(from_json(to_json(report_of({r})), "bad.json"), ReportError) << "holes that overlap";
  r = chosen();
  r.missing = {{5, 5}};
  EXPECT_THROW(from_json(to_json(report_of({r})), "bad.json"), ReportError) << "a seed both missing and unselected";
}

TEST(ReportsChosenSeeds, AShardSweepClaimsItsHoles) {
  auto shard = report_of({chosen()}, "shard.json");
  shard.sweep = SeedRange{3, 12};
  const auto merged = merge({shard});
  EXPECT_FALSE(merged.complete()) << "a shard's sweep holds every seed of it";
  EXPECT_EQ(ranges_text(only(merged).missing), "4..6, 8..9");
}

SweepReport partition_file(std::uint64_t index, std::vector<std::string> names, const std::string& source,
                           std::string kind = "hash") {
  std::vector<ScenarioResult> results;
  const std::vector<std::string> all{"alpha", "beta", "gamma", "delta", "eps"};
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (partition_of(kind, all[i], i, 3) == index) results.push_back(result(all[i], 1, 5, {}, 0, 1));
  }
  auto r = report_of(std::move(results), source);
  r.partition = Partition{kind, index, 3, std::move(names)};
  return r;
}

const std::vector<std::string> kAll{"alpha", "beta", "gamma", "delta", "eps"};

TEST(ReportsPartitions, AllPartitionsMergeCompleteAndEachScenarioOnce) {
  const auto merged =
      merge({partition_file(1, kAll, "p1"), partition_file(2, kAll, "p2"), partition_file(3, kAll, "p3")});
  EXPECT_EQ(merged.results.size(), kAll.size());
  EXPECT_TRUE(merged.missing_scenarios.empty());
  EXPECT_TRUE(merged.passed());
  EXPECT_FALSE(merged.partition.has_value()) << "the merge is the whole selection";
}

TEST(ReportsPartitions, APartitionLeftOutNamesItsScenariosEverywhere) {
  std::vector<std::string> of_two;
  for (std::size_t i = 0; i < kAll.size(); ++i) {
    if (partition_of("hash", kAll[i], i, 3) == 2) of_two.push_back(kAll[i]);
  }
  ASSERT_FALSE(of_two.empty()) << "the fixture needs a non-empty partition 2";
  const auto merged = merge({partition_file(1, kAll, "p1"), partition_file(3, kAll, "p3")});
  std::sort(of_two.begin(), of_two.end());
  EXPECT_EQ(merged.missing_scenarios, of_two);
  EXPECT_FALSE(merged.complete());
  EXPECT_EQ(merged.verdict(), "incomplete");
  const std::string name = of_two.front();
  EXPECT_NE(to_html(merged).find("Incomplete: scenario " + name + " never ran"), std::string::npos);
  EXPECT_NE(to_markdown(merged).find("scenario `" + name + "` never ran"), std::string::npos);
  const std::string junit = to_junit_xml(merged);
  EXPECT_EQ(count_of(junit, "type=\"IncompleteSweep\""), of_two.size());
  EXPECT_NE(junit.find("message=\"scenario " + name + " never ran\""), std::string::npos);
  const auto again = merge({from_json(to_json(merged), "merged.json")});
  EXPECT_EQ(again.missing_scenarios, of_two) << "the JSON of an incomplete merge stays incomplete";
  EXPECT_EQ(merge({from_json(to_json(merged), "merged.json"), partition_file(2, kAll, "p2")}).missing_scenarios.size(),
            0u)
      << "merging the missing partition completes it";
}

TEST(ReportsPartitions, RepeatsAndDifferentSplitsAreRefused) {
  EXPECT_THROW(merge({partition_file(1, kAll, "p1"), partition_file(1, kAll, "again")}), ReportError);
  auto other = kAll;
  other.pop_back();
  EXPECT_THROW(merge({partition_file(1, kAll, "p1"), partition_file(2, other, "p2")}), ReportError)
      << "another selection";
  EXPECT_THROW(merge({partition_file(1, kAll, "p1"), partition_file(2, kAll, "c2", "count")}), ReportError)
      << "another kind";
  EXPECT_THROW(merge({partition_file(1, kAll, "p1"), report_of({result("zeta", 1, 5, {}, 0, 1)}, "plain")}),
               ReportError)
      << "a partition beside an unpartitioned file";
  auto bad = partition_file(1, kAll, "bad");
  bad.partition->index = 4;
  EXPECT_THROW(from_json(to_json(bad), "bad.json"), ReportError);
}

TEST(ReportsPartitions, CountIsRoundRobinAndHashIsStableWhenScenariosAreAdded) {
  EXPECT_EQ(partition_of("count", "x", 0, 3), 1u);
  EXPECT_EQ(partition_of("count", "x", 4, 3), 2u);
  EXPECT_EQ(partition_of("hash", "golden_path", 0, 4), partition_of("hash", "golden_path", 17, 4))
      << "hash: by name only";
  std::set<std::uint64_t> used;
  for (const auto& n : kAll) used.insert(partition_of("hash", n, 0, 3));
  EXPECT_GT(used.size(), 1u) << "a hash that puts everything in one partition";
}

}  // namespace
}  // namespace bridgesim::reports
