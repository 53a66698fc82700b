// POST /api/agent/v2/execute: fail closed (401 without a valid token), 422
// naming the bad field, and a started run's events reach the caller's own
// sockets. The auth service and the run log's room: admission_paths_test.cpp.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/system/app_world.hpp"

namespace bridgesim::system {
namespace {

using testsupport::AppWorld;

constexpr std::string_view kExecute = "/api/agent/v2/execute";

HttpResponse execute(AppWorld& w, const std::string& authorization, const std::string& body) {
  return w.app().handle_http(HttpRequest{"POST", kExecute, authorization, body});
}

boost::json::object body_of(const HttpResponse& r) { return boost::json::parse(r.body).as_object(); }

TEST(SystemAppHttp, ExecuteWithoutAValidTokenIs401) {
  AppWorld w;
  const std::string body = R"({"thread_id":"t","input":"x"})";
  EXPECT_EQ(execute(w, "", body).status, 401);
  EXPECT_EQ(execute(w, "Bearer " + mint_hs256("other", "alice", 4'000'000'000), body).status, 401);
  EXPECT_EQ(execute(w, "Bearer " + w.token("alice", 0), body).status, 401);
  EXPECT_EQ(w.app().census().runs_started, 0u);
}

TEST(SystemAppHttp, ExecuteStartsARunWhoseEventsReachOnlyTheCallersSockets) {
  AppWorld w;
  auto alice = w.connect_as("alice");  // confirms the identity
  auto bob = w.connect_as("bob");
  const HttpResponse r = execute(w, "Bearer " + w.token("alice"), R"({"thread_id":"t-http","input":"weather"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto accepted = body_of(r);
  EXPECT_EQ(accepted.at("user_id").as_string(), "alice");
  EXPECT_EQ(accepted.at("thread_id").as_string(), "t-http");
  w.run();
  ASSERT_EQ(AppWorld::types(*alice, 1), (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing",
                                                                  "tool_completed", "agent_completed"}));
  EXPECT_EQ(AppWorld::parse(alice->frames[1]).at("run_id").as_string(), accepted.at("run_id").as_string());
  EXPECT_EQ(AppWorld::parse(alice->frames[1]).at("thread_id").as_string(), "t-http");
  EXPECT_EQ(AppWorld::types(*bob), std::vector<std::string>{"connection_established"});
}

TEST(SystemAppHttp, ExecuteWithABadBodyIs422NamingTheField) {
  AppWorld w;
  w.connect_as("alice");
  const std::string auth = "Bearer " + w.token("alice");
  const struct {
    const char* body;
    const char* field;
  } cases[] = {
      {"not json", "body"},
      {"[]", "body"},
      {R"({"input":"x"})", "thread_id"},
      {R"({"thread_id":"t"})", "input"},
      {R"({"thread_id":"","input":"x"})", "thread_id"},
      {R"({"thread_id":7,"input":"x"})", "thread_id"},
      {R"({"thread_id":"t","input":"x","agent_name":"nobody"})", "agent_name"},
  };
  for (const auto& c : cases) {
    const HttpResponse r = execute(w, auth, c.body);
    EXPECT_EQ(r.status, 422) << c.body;
    EXPECT_TRUE(body_of(r).at("fields").as_object().contains(c.field)) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(w.app().census().runs_started, 0u);
}

TEST(SystemAppHttp, ExecuteOnlyAcceptsPost) {
  AppWorld w;
  EXPECT_EQ(w.app().handle_http("GET", kExecute).status, 405);
}

TEST(SystemAppHttp, ExecuteOnAnUnhealthyAppIs503) {
  Components c = Components::defaults();
  c.bridge = [](BridgeWiring, Runtime&) -> std::unique_ptr<AgentWebSocketBridge> { return nullptr; };
  AppWorld w(c);
  EXPECT_EQ(execute(w, "Bearer " + w.token("alice"), R"({"thread_id":"t","input":"x"})").status, 503);
}

}  // namespace
}  // namespace bridgesim::system
