// Merging shards: counts add up exactly, a clean shard beside a failing one
// is still NOT READY, leaving either out shows, a seed merged twice is
// refused, and seeds that no shard ran are named and keep the sweep from
// READY.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/reports/fixtures.hpp"

namespace bridgesim::reports {
namespace {

using fixtures::clean_shard;
using fixtures::count_of;
using fixtures::failing_shard;
using fixtures::only;
using fixtures::quiet;
using fixtures::report_of;

TEST(ReportsMergeShards, ACleanShardBesideAFailingOneAddsUpAndIsNotReady) {
  const auto merged = merge({report_of({clean_shard(), quiet()}, "s2.json"), report_of({failing_shard()}, "s1.json")});
  ASSERT_EQ(merged.results.size(), 2u);
  const auto& chat = merged.results[0];
  EXPECT_EQ(chat.scenario, "chat");
  EXPECT_EQ(chat.seeds_run, 20u);
  EXPECT_EQ(chat.seed_first, 4u);
  EXPECT_EQ(chat.seed_last, 23u);
  EXPECT_TRUE(chat.missing.empty());
  EXPECT_EQ(chat.failing_seeds, 4u);
  ASSERT_EQ(chat.failures.size(), 6u);
  EXPECT_EQ(chat.failures.front().seed, 5u);
  EXPECT_EQ(chat.failures.back().seed, 13u);
  EXPECT_EQ(chat.faults.at("jitter").planned, 20u);
  EXPECT_EQ(chat.faults.at("jitter").hit, 3u + 3u);
  EXPECT_EQ(chat.latency.total(), 8u);
  EXPECT_EQ(chat.trace_digest, failing_shard().trace_digest + clean_shard().trace_digest);
  EXPECT_EQ(merged.results[1].seeds_run, 7u) << "a scenario in one shard only keeps its own counts";
  EXPECT_FALSE(merged.passed());
  EXPECT_EQ(merged.verdict(), "fail");
  const auto doc = boost::json::parse(to_json(merged)).as_object();
  EXPECT_EQ(doc.at("verdict").as_string(), "fail");
  EXPECT_EQ(doc.at("runs").to_number<int>(), 27);
  EXPECT_EQ(doc.at("failing_seeds").to_number<int>(), 4);
  EXPECT_NE(to_html(merged).find("NOT READY: properties violated"), std::string::npos);
  EXPECT_NE(to_markdown(merged).find("| chat | 4..23 | 4 |"), std::string::npos);
  EXPECT_EQ(to_json(merged),
            to_json(merge({report_of({failing_shard()}, "a"), report_of({clean_shard(), quiet()}, "b")})))
      << "the order of the inputs does not matter";
}

TEST(ReportsMergeShards, LeavingOutEitherShardChangesTheResult) {
  const auto both = merge({report_of({failing_shard()}, "s1.json"), report_of({clean_shard()}, "s2.json")});
  const auto failing_only = merge({report_of({failing_shard()}, "s1.json")});
  const auto clean_only = merge({report_of({clean_shard()}, "s2.json")});
  EXPECT_EQ(both.total_runs(), 20u);
  EXPECT_EQ(failing_only.total_runs(), 11u);
  EXPECT_EQ(clean_only.total_runs(), 9u);
  EXPECT_EQ(only(failing_only).seed_last, 14u);
  EXPECT_EQ(only(clean_only).seed_first, 15u);
  EXPECT_FALSE(failing_only.passed());
  EXPECT_TRUE(clean_only.passed()) << "without the failing shard the sweep is clean";
  EXPECT_EQ(clean_only.total_failing_seeds(), 0u);
}

TEST(ReportsMergeShards, TheSameShardTwiceIsRefusedNamingTheFiles) {
  try {
    merge({report_of({failing_shard()}, "s1.json"), report_of({failing_shard()}, "s1.json")});
    ADD_FAILURE() << "merging one shard twice must be refused";
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()),
              "s1.json and s1.json both ran seeds 4..14 of chat: each seed may be merged once (the same file "
              "twice, or overlapping shards?)");
  }
  auto overlapping = clean_shard();  // seeds 12..20 overlap the failing shard's 4..14 in 12..14
  overlapping.seed_first = 12;
  overlapping.seed_last = 20;
  try {
    merge({report_of({overlapping}, "b.json"), report_of({failing_shard()}, "a.json")});
    ADD_FAILURE() << "overlapping shards must be refused";
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("a.json and b.json both ran seeds 12..14 of chat"), std::string::npos)
        << e.what();
  }
  auto variant = failing_shard();
  variant.variant = "leaky_manager";
  EXPECT_NO_THROW(merge({report_of({failing_shard()}), report_of({variant})})) << "another variant is another case";
}

// Shards 1..3 of a 30-seed sweep of "chat": 1..10, 11..20, 21..30.
SweepReport shard(int k, bool names_sweep = true) {
  auto r = fixtures::result("chat", 1 + 10 * (k - 1), 10, {}, 0, k);
  if (k == 3) r = fixtures::result("chat", 21, 10, {fixtures::failure(22, "protocol")}, 1, 3);
  auto out = report_of({r}, "s" + std::to_string(k) + ".json");
  if (names_sweep) out.sweep = SeedRange{1, 30};
  return out;
}

TEST(ReportsMergeShards, ShardsOneAndThreeOfThreeNameTheGapAndAreIncomplete) {
  for (const bool names_sweep : {true, false}) {
    const auto merged = merge({shard(1, names_sweep), shard(3, names_sweep)});
    const auto& chat = only(merged);
    EXPECT_EQ(chat.seeds_run, 20u);
    EXPECT_EQ(chat.missing, (std::vector<SeedRange>{{11, 20}}));
    EXPECT_EQ(covered_ranges(chat), (std::vector<SeedRange>{{1, 10}, {21, 30}}));
    EXPECT_FALSE(merged.complete());
    EXPECT_FALSE(merged.passed());
  }
  auto clean3 = shard(3);
  clean3.results[0].failures.clear();
  clean3.results[0].failing_seeds = 0;
  const auto merged = merge({shard(1), clean3});
  EXPECT_EQ(merged.verdict(), "incomplete") << "no property failed, but a third of the sweep never ran";
  const std::string json = to_json(merged);
  EXPECT_NE(json.find("\"verdict\":\"incomplete\""), std::string::npos);
  EXPECT_NE(json.find("\"missing_seeds\":[[11,20]]"), std::string::npos) << json;
  const std::string md = to_markdown(merged);
  EXPECT_EQ(md.rfind("## bridgesim readiness: INCOMPLETE\n", 0), 0u) << md;
  EXPECT_NE(md.find("Incomplete: `chat` seeds 11..20 never ran."), std::string::npos);
  EXPECT_NE(md.find("| chat | 1..10, 21..30 | 0 |"), std::string::npos) << "seeds 1..30 were not all run";
  EXPECT_EQ(md.find("| chat | 1..30 |"), std::string::npos);
  const std::string html = to_html(merged);
  EXPECT_NE(html.find("<p class=\"verdict fail\">NOT READY: seeds never ran</p>"), std::string::npos);
  EXPECT_NE(html.find("Incomplete: chat seeds 11&hellip;20 never ran."), std::string::npos);
  EXPECT_EQ(html.find("READY: every"), std::string::npos);
  const std::string xml = to_junit_xml(merged);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"seeds 11..20 never ran\" type=\"IncompleteSweep\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"seeds\" value=\"1..10, 21..30\"/>"), std::string::npos)
      << "the seeds that ran, as a suite property: test names carry no seeds";
}

TEST(ReportsMergeShards, AMissingLastShardShowsOnlyWhenShardsNameTheirSweep) {
  const auto merged = merge({shard(1), shard(2)});
  EXPECT_EQ(only(merged).missing, (std::vector<SeedRange>{{21, 30}}));
  EXPECT_EQ(only(merged).seed_last, 30u);
  EXPECT_EQ(only(merge({shard(2), shard(3)})).missing, (std::vector<SeedRange>{{1, 10}}));
  EXPECT_EQ(only(merge({shard(2)})).missing, (std::vector<SeedRange>{{1, 10}, {21, 30}}));
  EXPECT_TRUE(merge({shard(1, false), shard(2, false)}).complete()) << "old files: only gaps between them show";
  auto other = shard(2);
  other.sweep = SeedRange{1, 40};
  EXPECT_THROW(merge({shard(1), other}), ReportError) << "shards of two sweeps";
}

TEST(ReportsMergeShards, AnIncompleteMergeCompletesWithTheMissingShard) {
  const auto whole = merge({shard(1), shard(2), shard(3)});
  EXPECT_TRUE(whole.complete());
  EXPECT_EQ(only(whole).seeds_run, 30u);
  EXPECT_EQ(only(whole).failing_seeds, 1u);
  const auto partial = from_json(to_json(merge({shard(1), shard(3)})), "partial.json");
  EXPECT_EQ(only(partial).missing, (std::vector<SeedRange>{{11, 20}}));
  const auto completed = merge({partial, shard(2)});
  EXPECT_EQ(to_json(completed), to_json(whole));
  EXPECT_EQ(to_json(whole).find("missing_seeds"), std::string::npos);
  EXPECT_THROW(merge({partial, shard(3)}), ReportError) << "shard 3 is in the partial merge already";
  const auto tail_missing = from_json(to_json(merge({shard(1), shard(2)})), "first_two.json");
  EXPECT_FALSE(merge({tail_missing}).complete()) << "a merged file keeps what it lacks";
}

TEST(ReportsMergeShards, AResultFileWhoseSeedsDoNotAddUpIsRefused) {
  auto doc = boost::json::parse(to_json(report_of({failing_shard()})));
  doc.at("results").as_array()[0].as_object()["seeds_run"] = 22;  // 4..14 is 11 seeds
  try {
    from_json(boost::json::serialize(doc), "edited.json");
    ADD_FAILURE();
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()), "edited.json: chat: seeds_run 22 does not match seeds 4..14");
  }
  doc.at("results").as_array()[0].as_object()["seeds_run"] = 11;
  doc.at("results").as_array()[0].as_object()["missing_seeds"] = boost::json::parse("[[20,25]]");
  EXPECT_THROW(from_json(boost::json::serialize(doc), "edited.json"), ReportError) << "missing seeds outside 4..14";
  doc.at("results").as_array()[0].as_object()["missing_seeds"] = boost::json::parse("[[6,7]]");
  doc.at("results").as_array()[0].as_object()["seeds_run"] = 9;
  EXPECT_EQ(covered_ranges(only(from_json(boost::json::serialize(doc), "ok.json"))),
            (std::vector<SeedRange>{{4, 5}, {8, 14}}));
  EXPECT_EQ(count_of(ranges_text({{4, 5}, {8, 14}}), ", "), 1u);
}

}  // namespace
}  // namespace bridgesim::reports
