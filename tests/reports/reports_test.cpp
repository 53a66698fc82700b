// Reports: what CI, machines, PR comments and release managers read.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "reports/reports.hpp"
#include "sim/trace_records.hpp"

namespace bridgesim::reports {
namespace {

ScenarioResult result(std::string name, std::uint64_t first, std::uint64_t count, std::vector<Failure> failures) {
  ScenarioResult r;
  r.scenario = std::move(name);
  r.description = "d";
  r.properties = {"delivery", "isolation"};
  r.seed_first = first;
  r.seeds_run = count;
  r.seed_last = first + count - 1;
  r.failures = std::move(failures);
  for (const auto& f : r.failures) (void)f, ++r.failing_seeds;
  r.faults["jitter"] = {count, count / 2};
  r.latency.add(3 * 1'000'000);   // 3 ms
  r.latency.add(40 * 1'000'000);  // 40 ms
  return r;
}

// Wall times sit under "environment" only (with the date and host), so the
// rest of the JSON stays byte-identical; they read back for `report`'s JUnit.
TEST(ReportsJson, RoundTripsWithWallTimeOnlyUnderEnvironment) {
  SweepReport report;
  report.results.push_back(
      result("a", 1, 10, {{3, "isolation", "u2 saw u1's <event> & more", "bridgesim replay --seed 3"}}));
  report.results.back().wall_seconds = 12.5;
  report.environment = {"2026-12-02T01:02:03Z", "9.9.9", "abc123", "ci-7"};
  report.command = "bridgesim run --seeds 10";
  const std::string json = to_json(report);
  auto doc = boost::json::parse(json).as_object();
  const auto env = doc.at("environment").as_object();
  EXPECT_EQ(env.at("wall_ms").at("a").to_number<int>(), 12500);
  EXPECT_EQ(env.at("host").as_string(), "ci-7");
  EXPECT_EQ(env.at("commit").as_string(), "abc123");
  doc.erase("environment");
  const std::string core = boost::json::serialize(doc);
  EXPECT_EQ(core.find("12500"), std::string::npos) << "no wall time outside environment: " << core;
  EXPECT_EQ(core.find("12.5"), std::string::npos) << core;
  const auto back = from_json(json, "r.json");
  EXPECT_DOUBLE_EQ(back.results[0].wall_seconds, 12.5);
  EXPECT_EQ(back.environment.version, "9.9.9");
  EXPECT_EQ(back.command, "bridgesim run --seeds 10");
  EXPECT_EQ(to_json(back), json);
  EXPECT_THROW(from_json("{\"title\":1}", "bad.json"), ReportError);
  try {
    from_json("nope", "bad.json");
    ADD_FAILURE();
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.json: not JSON", 0), 0u) << e.what();
  }
}

TEST(ReportsMerge, ShardsAddUpToTheWhole) {
  SweepReport one, two;
  one.results.push_back(result("a", 1, 5, {{4, "delivery", "m", "r4"}}));
  two.results.push_back(result("a", 6, 5, {{2, "delivery", "m", "r2"}}));
  two.results.push_back(result("b", 6, 5, {}));
  const auto merged = merge({two, one});
  ASSERT_EQ(merged.results.size(), 2u);
  const auto& a = merged.results[0];
  EXPECT_EQ(a.scenario, "a");
  EXPECT_EQ(a.seeds_run, 10u);
  EXPECT_EQ(a.seed_first, 1u);
  EXPECT_EQ(a.seed_last, 10u);
  EXPECT_EQ(a.failing_seeds, 2u);
  ASSERT_EQ(a.failures.size(), 2u);
  EXPECT_EQ(a.failures[0].seed, 2u) << "failures in seed order";
  EXPECT_EQ(a.faults.at("jitter").planned, 10u);
  EXPECT_EQ(a.latency.total(), 4u);
  EXPECT_FALSE(merged.passed());
}

// The trace digest: what two builds compare in one line. A shard's digest
// adds up to the whole; a different trace, seed or order of hashes changes it.
TEST(ReportsDigest, ShardsAddUpAndAnyChangedTraceShows) {
  EXPECT_NE(trace_digest_term(1, 0xaa) + trace_digest_term(2, 0xbb),
            trace_digest_term(1, 0xbb) + trace_digest_term(2, 0xaa))
      << "swapping two seeds' traces must change the digest";
  EXPECT_NE(trace_digest_term(1, 0xaa), trace_digest_term(1, 0xab));
  SweepReport one, two, whole;
  one.results.push_back(result("a", 1, 2, {}));
  one.results[0].trace_digest = trace_digest_term(1, 0x11) + trace_digest_term(2, 0x22);
  two.results.push_back(result("a", 3, 1, {}));
  two.results[0].trace_digest = trace_digest_term(3, 0x33);
  whole.results.push_back(result("a", 1, 3, {}));
  whole.results[0].trace_digest = trace_digest_term(1, 0x11) + trace_digest_term(2, 0x22) + trace_digest_term(3, 0x33);
  const auto merged = merge({two, one});
  ASSERT_EQ(merged.results.size(), 1u);
  EXPECT_EQ(merged.results[0].trace_digest, whole.results[0].trace_digest);
  EXPECT_EQ(merged.trace_digest(), whole.trace_digest());
  SweepReport renamed = whole;
  renamed.results[0].scenario = "b";
  EXPECT_NE(renamed.trace_digest(), whole.trace_digest()) << "the digest names the scenario";
  const std::string json = to_json(whole);
  EXPECT_NE(json.find("\"trace_digest\":\"0x"), std::string::npos) << json;
  EXPECT_EQ(from_json(json, "w.json").results[0].trace_digest, whole.results[0].trace_digest);
  boost::json::value v = boost::json::parse(json);
  v.at("results").as_array()[0].as_object().erase("trace_digest");
  EXPECT_THROW(from_json(boost::json::serialize(v), "old.json"), ReportError)
      << "a result without a digest cannot merge";
}

TEST(ReportsLatency, PercentilesComeFromFixedBuckets) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile_upper_us(50), -1);
  for (int i = 0; i < 98; ++i) h.add(1'500'000);  // 1.5 ms -> <=2 ms
  h.add(150'000'000);                             // 150 ms -> <=200 ms
  h.add(9'000'000'000);                           // 9 s -> beyond the last bound
  EXPECT_EQ(h.percentile_upper_us(50), 2'000);
  EXPECT_EQ(h.percentile_upper_us(99), 200'000);
  EXPECT_EQ(h.percentile_upper_us(100), -1);
  EXPECT_EQ(h.counts.back(), 1u);
}

TEST(ReportsJunit, OneTestcasePerPropertyWithEscapedReplayCommands) {
  SweepReport report;
  report.results.push_back(
      result("a", 1, 10, {{3, "isolation", "u2 saw <x> & \"y\"", "bridgesim replay --scenario a --seed 3"}}));
  report.results.push_back(result("b", 1, 10, {}));
  const std::string xml = to_junit_xml(report);
  EXPECT_NE(xml.find("<testsuites name=\"bridgesim\" tests=\"4\" failures=\"1\" errors=\"0\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("u2 saw &lt;x&gt; &amp; &quot;y&quot;"), std::string::npos);
  EXPECT_NE(xml.find("replay: bridgesim replay --scenario a --seed 3"), std::string::npos);
  EXPECT_NE(xml.find("shrink: bridgesim shrink --scenario a --seed 3"), std::string::npos);
  EXPECT_EQ(xml.find("<x>"), std::string::npos);
}

TEST(ReportsHtml, SelfContainedWithVerdictMatrixChartAndReplayCommands) {
  SweepReport failing;
  failing.results.push_back(
      result("a", 1, 10, {{3, "isolation", "<script>alert(1)</script>", "bridgesim replay --seed 3"}}));
  const std::string html = to_html(failing);
  EXPECT_NE(html.find("NOT READY"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("bridgesim replay --seed 3"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "messages are escaped";
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no external resources";
  SweepReport passing;
  passing.results.push_back(result("a", 1, 10, {}));
  EXPECT_NE(to_html(passing).find("READY: every property held"), std::string::npos);
}

TEST(ReportsPerfetto, OneTrackPerActorAndASlicePerRun) {
  sim::Trace trace;
  trace.add({1000, "relay", "publish", {{"user", "u1"}, {"run", "r1"}, {"seq", "1"}, {"type", "agent_started"}}});
  trace.add({2000, "user:u1", "recv", {{"conn", "1"}, {"frame", "{}"}}});
  trace.add({9000, "relay", "publish", {{"user", "u1"}, {"run", "r1"}, {"seq", "2"}, {"type", "agent_completed"}}});
  const auto doc = boost::json::parse(to_perfetto(trace)).as_object();
  int threads = 0, slices = 0, records = 0;
  for (const auto& e : doc.at("traceEvents").as_array()) {
    const auto ph = e.as_object().at("ph").as_string();
    threads += ph == "M" && e.as_object().at("name").as_string() == "thread_name";
    records += ph == "i" || (ph == "X" && e.as_object().at("cat").as_string() == "record");
    if (ph == "X" && e.as_object().at("cat").as_string() == "run") {
      ++slices;
      EXPECT_DOUBLE_EQ(e.as_object().at("dur").to_number<double>(), 8.0);  // µs
    }
  }
  EXPECT_EQ(threads, 3);  // relay, user:u1's conn 1, runs of u1
  EXPECT_EQ(records, 3);
  EXPECT_EQ(slices, 1);
}

TEST(ReportsPerfetto, ARunEndedByAgentErrorIsASliceToo) {
  sim::Trace trace;
  trace.add(sim::make_publish_record(1000, "u1", "r1", 1, "agent_started"));
  trace.add(sim::make_publish_record(4000, "u1", "r1", 2, "agent_error"));
  const auto doc = boost::json::parse(to_perfetto(trace)).as_object();
  int slices = 0;
  for (const auto& e : doc.at("traceEvents").as_array()) {
    if (e.as_object().at("ph").as_string() != "X" || e.as_object().at("cat").as_string() != "run") continue;
    ++slices;
    EXPECT_EQ(e.as_object().at("name").as_string(), "r1 (u1)");
    EXPECT_EQ(e.as_object().at("args").as_object().at("outcome").as_string(), "agent_error");
  }
  EXPECT_EQ(slices, 1);
}

TEST(ReportsShrink, TheShrinkCommandFollowsTheReplayCommand) {
  EXPECT_EQ(shrink_command("bridgesim replay --scenario a --seed 3 --variant v", "plain"),
            "bridgesim shrink --scenario a --seed 3 --variant v");
  EXPECT_EQ(shrink_command("build/cli/bridgesim replay --scenario a --seed 3", "swarm"),
            "build/cli/bridgesim shrink --scenario a --seed 3 --swarm");
  EXPECT_EQ(shrink_command("bridgesim replay --scenario a --seed 3 --swarm", "swarm"),
            "bridgesim shrink --scenario a --seed 3 --swarm")
      << "--swarm once";
  EXPECT_EQ(shrink_command("bridgesim replay --scenario a --seed 3 --check-determinism", "plain"), "")
      << "a divergence between two runs is not shrunk";
  EXPECT_EQ(shrink_command("not a command", "plain"), "");
}

}  // namespace
}  // namespace bridgesim::reports
