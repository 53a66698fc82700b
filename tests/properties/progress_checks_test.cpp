// The progress checker: a client holding a valid token finishes its workload.
// Each clause on a passing trace and on its twin that breaks that clause alone.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

const std::string kU1 = "user:u1";
const std::string kWelcome = R"({"type":"connection_established","user_id":"u1"})";

std::vector<Violation> judge(const sim::Trace& trace) { return check_properties(trace, {"progress"}); }

// u1 connects with `token`, and then the records `steps` names happen.
sim::Trace client(const std::string& token, const std::vector<std::string>& steps) {
  sim::Trace trace;
  runtime::Nanos at = 0;
  trace.add(sim::make_connect_record(at += 1000, kU1, 1, token));
  for (const auto& step : steps) {
    if (step == "open") trace.add(sim::make_open_record(at += 1000, kU1, "1"));
    if (step == "welcome") trace.add(sim::make_recv_record(at += 1000, kU1, "1", kWelcome));
    if (step == "done") trace.add(sim::make_done_record(at += 1000, kU1));
    if (step == "gave_up") trace.add(sim::make_gave_up_record(at += 1000, kU1, "refused with 503 after 8 attempts"));
  }
  return trace;
}

void expect_stuck(const sim::Trace& trace, const std::string& words) {
  const auto v = judge(trace);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, "progress");
  EXPECT_EQ(v[0].record_index, trace.size() - 1);  // its last record
  EXPECT_NE(v[0].message.find("u1 holds a valid token and never finished its workload: " + words), std::string::npos)
      << v[0].message;
}

TEST(PropertiesProgress, PassesAClientThatLeaves) {
  EXPECT_TRUE(judge(client("valid", {"open", "welcome", "done"})).empty());
}

// Giving up is judged by delivery (a valid client that was never admitted).
TEST(PropertiesProgress, AClientThatGaveUpIsNotStuck) { EXPECT_TRUE(judge(client("valid", {"gave_up"})).empty()); }

TEST(PropertiesProgress, AClientWhoseSocketNeverOpenedIsStuck) {
  expect_stuck(client("valid", {}), "no socket of it ever opened");
}

TEST(PropertiesProgress, AClientNeverWelcomedIsStuck) {
  expect_stuck(client("valid", {"open"}), "its socket opened but it was never welcomed");
}

TEST(PropertiesProgress, AWelcomedClientThatNeverLeftIsStuck) {
  expect_stuck(client("valid", {"open", "welcome"}), "it was welcomed but never got through its messages");
}

// An attacker that starts with a forged token, or a client under a token
// fault, is judged by auth and delivery, not here.
TEST(PropertiesProgress, AClientWhoseFirstTokenWasNotValidIsNotJudged) {
  auto trace = client("forged", {});
  trace.add(sim::make_connect_record(10'000, kU1, 2, "valid"));
  EXPECT_TRUE(judge(trace).empty());
}

TEST(PropertiesProgress, ASystemDownByPlanExcusesEveryone) {
  auto trace = client("valid", {});
  trace.add(sim::TraceRecord{20'000,
                             std::string(sim::actor::kSystem),
                             std::string(sim::record::kHealth),
                             {{std::string(sim::record_field::kStatus), "503"}}});
  EXPECT_TRUE(judge(trace).empty());
}

}  // namespace
}  // namespace bridgesim::properties
