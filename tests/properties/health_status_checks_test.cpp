// health_status (properties/health_status_checks.cpp): /health's status and
// its body's status agree, 200 ok or 503 unhealthy; each break alone.
#include <string>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"
#include "sim/trace_schema.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;
using testing::rec;

sim::Trace health(const std::string& status, const std::string& body) {
  sim::Trace trace;
  trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "true"}, {"failing", ""}}));
  trace.add(rec(0, sim::actor::kSystem, sim::record::kHealth, {{"status", status}, {"body", body}}));
  return trace;
}

TEST(PropertiesHealthStatus, A200OkAndA503UnhealthyPass) {
  EXPECT_TRUE(judge(health("200", R"({"status":"ok"})"), "health_status").empty());
  EXPECT_TRUE(
      judge(health("503", R"({"status":"unhealthy","failing":["agent_websocket_bridge"]})"), "health_status").empty());
  EXPECT_TRUE(judge(sim::Trace{}, "health_status").empty()) << "no /health asked: nothing to judge";
}

TEST(PropertiesHealthStatus, AnyOtherStatusIsAViolation) {
  expect_violation(health("199", R"({"status":"ok"})"), "health_status", "/health answered 199, neither 200 nor 503",
                   1);
  expect_violation(health("201", R"({"status":"ok"})"), "health_status", "neither 200 nor 503", 1);
}

TEST(PropertiesHealthStatus, TheBodysStatusMustMatchTheStatusLine) {
  expect_violation(health("200", R"({"status":"unhealthy"})"), "health_status",
                   "/health answered 200 with status 'unhealthy', not 'ok'", 1);
  expect_violation(health("503", R"({"status":"ok"})"), "health_status", "not 'unhealthy'", 1);
  expect_violation(health("200", "ok"), "health_status", "with status '', not 'ok'", 1);
}

// The other routes, asked once after /health (record 2 on).
sim::Trace routes(const std::string& method, const std::string& target, const std::string& status,
                  const std::string& body) {
  sim::Trace trace = health("200", R"({"status":"ok"})");
  trace.add(rec(0, sim::actor::kSystem, sim::record::kRoute,
                {{"method", method}, {"target", target}, {"status", status}, {"body", body}}));
  return trace;
}

TEST(PropertiesHealthStatus, EachRouteAnswersAsDocumented) {
  EXPECT_TRUE(judge(routes("GET", "/health/live", "200", R"({"status":"live"})"), "health_status").empty());
  expect_violation(routes("GET", "/health/live", "199", R"({"status":"live"})"), "health_status",
                   "GET /health/live answered 199", 2);
  EXPECT_TRUE(judge(routes("GET", "/health/ready", "200", R"({"status":"ok"})"), "health_status").empty());
  expect_violation(routes("GET", "/health/ready", "503", R"({"status":"unhealthy"})"), "health_status",
                   "GET /health/ready answered 503, not /health's 200", 2);
  EXPECT_TRUE(judge(routes("POST", "/health", "405", R"({"error":"method not allowed"})"), "health_status").empty());
  expect_violation(routes("POST", "/health", "200", R"({"status":"ok"})"), "health_status",
                   "POST /health answered 200, not 405", 2);
  expect_violation(routes("GET", "/api/agent/v2/execute", "404", "{}"), "health_status",
                   "GET /api/agent/v2/execute answered 404, not 405", 2);
  expect_violation(routes("GET", "/nowhere", "200", "{}"), "health_status", "GET /nowhere answered 200, not 404", 2);
}

}  // namespace
}  // namespace bridgesim::properties
