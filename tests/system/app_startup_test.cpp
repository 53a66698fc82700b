// App startup: critical-path validation decides /health and admission; a
// missing critical component is named, a missing optional one only degrades.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/system/app_world.hpp"

namespace bridgesim::system {
namespace {

using testsupport::AppWorld;

bool names(const std::vector<std::string>& lines, std::string_view what) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(what) != std::string::npos; });
}

TEST(SystemAppStartup, DefaultsAreHealthy) {
  AppWorld w;
  EXPECT_TRUE(w.app().health().ok);
  EXPECT_TRUE(w.app().health().failing.empty());
  EXPECT_TRUE(w.app().health().degraded.empty());
  const HttpResponse r = w.app().handle_http("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_string(), "ok");
  EXPECT_FALSE(body.contains("failing"));
}

TEST(SystemAppStartup, OtherRoutesAndMethods) {
  AppWorld w;
  EXPECT_EQ(w.app().handle_http("GET", "/nope").status, 404);
  EXPECT_EQ(w.app().handle_http("POST", "/health").status, 405);
}

TEST(SystemAppStartup, MissingBridgeFailsHealthAndRefusesConnectionsWith503) {
  Components c = Components::defaults();
  c.bridge = [](BridgeWiring, Runtime&) -> std::unique_ptr<AgentWebSocketBridge> { return nullptr; };
  AppWorld w(c);
  EXPECT_FALSE(w.app().health().ok);
  EXPECT_TRUE(names(w.app().health().failing, "agent_websocket_bridge"));
  const HttpResponse r = w.app().handle_http("GET", "/health");
  EXPECT_EQ(r.status, 503);
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_string(), "unhealthy");
  EXPECT_NE(boost::json::serialize(body.at("failing")).find("agent_websocket_bridge"), std::string::npos);
  // A valid user is still refused: nothing of a broken critical path is touched.
  auto conn = w.connect_as("alice");
  EXPECT_TRUE(conn->rejected);
  EXPECT_EQ(conn->reject_status, 503);
  EXPECT_NE(conn->reject_body.find("agent_websocket_bridge"), std::string::npos);
  EXPECT_FALSE(conn->accepted);
  EXPECT_TRUE(conn->frames.empty());
  EXPECT_EQ(w.app().census().connections, 0u);
}

TEST(SystemAppStartup, MissingDisconnectHandlerIsNamed) {
  Components c = Components::defaults();
  c.handlers = [](MessageRouter& router, App& app) {
    register_default_handlers(router, app);
    router.remove_handler("disconnect");
  };
  AppWorld w(c);
  EXPECT_FALSE(w.app().health().ok);
  ASSERT_EQ(w.app().health().failing.size(), 1u);
  EXPECT_NE(w.app().health().failing[0].find("'disconnect'"), std::string::npos) << w.app().health().failing[0];
  EXPECT_EQ(w.app().handle_http("GET", "/health").status, 503);
}

TEST(SystemAppStartup, EveryMissingRequiredHandlerIsNamed) {
  Components c = Components::defaults();
  c.handlers = [](MessageRouter& router, App&) {
    router.add_handler("ping", [](const RequestContext&, const boost::json::object&) {});
    router.add_handler("user_message", [](const RequestContext&, const boost::json::object&) {});
  };
  AppWorld w(c);
  const auto& failing = w.app().health().failing;
  for (const char* missing : {"'start_agent'", "'disconnect'", "'resume'", "'cancel'"}) {
    EXPECT_TRUE(names(failing, missing)) << missing;
  }
  EXPECT_FALSE(names(failing, "'ping'"));
  EXPECT_FALSE(names(failing, "'user_message'"));
}

TEST(SystemAppStartup, MissingLlmClientIsNamed) {
  Components c = Components::defaults();
  c.llm = [](const AppConfig&, Runtime&) -> std::unique_ptr<LlmClient> { return nullptr; };
  AppWorld w(c);
  EXPECT_FALSE(w.app().health().ok);
  EXPECT_TRUE(names(w.app().health().failing, "no LLM client"));
}

TEST(SystemAppStartup, MissingManagerOrAuthIsNamed) {
  Components no_manager = Components::defaults();
  no_manager.manager = [](const AppConfig&, Runtime&) -> std::unique_ptr<ConnectionManager> { return nullptr; };
  AppWorld a(no_manager);
  EXPECT_TRUE(names(a.app().health().failing, "websocket_manager"));
  Components no_auth = Components::defaults();
  no_auth.auth = nullptr;
  AppWorld b(no_auth);
  EXPECT_TRUE(names(b.app().health().failing, "auth"));
  EXPECT_EQ(b.app().handle_http("GET", "/health").status, 503);
}

TEST(SystemAppStartup, MissingSessionOnlyDegrades) {
  Components c = Components::defaults();
  c.session = nullptr;
  AppWorld w(c);
  EXPECT_TRUE(w.app().health().ok);
  EXPECT_TRUE(names(w.app().health().degraded, "session"));
  const HttpResponse r = w.app().handle_http("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(boost::json::parse(r.body).as_object().contains("degraded"));
  // Auth and the message loop do not depend on it.
  auto conn = w.connect_as("alice");
  ASSERT_TRUE(conn->accepted);
  ASSERT_EQ(conn->frames.size(), 1u);
  EXPECT_FALSE(AppWorld::parse(conn->frames[0]).contains("session_id"));
  conn->deliver_text(R"({"type":"ping"})");
  EXPECT_EQ(AppWorld::types(*conn, 1), std::vector<std::string>{"pong"});
}

}  // namespace
}  // namespace bridgesim::system
