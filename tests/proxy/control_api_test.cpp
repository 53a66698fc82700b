// The control API: Toxiproxy's routes and status codes, through the
// registry and once over HTTP (the net::Server wiring).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "proxy/control_api.hpp"
#include "tests/proxy/proxy_fixture.hpp"
#include "tests/proxy/raw_client.hpp"

namespace bridgesim::proxy_test {
namespace {

namespace json = boost::json;

// One request on a fresh connection: status and body.
std::pair<int, std::string> http(std::uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& body = {}) {
  RawClient c(port);
  c.send(method + " " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  c.read_to_end();
  const std::string& answer = c.bytes();
  const auto head_end = answer.find("\r\n\r\n");
  if (answer.size() < 12 || head_end == std::string::npos) return {0, answer};
  return {std::stoi(answer.substr(9, 3)), answer.substr(head_end + 4)};
}

TEST(ProxyControlApi, CreateListAddDeleteLikeToxiproxy) {
  EchoUpstream upstream;
  proxy::ProxyRegistry registry(3);
  const std::string up = "127.0.0.1:" + std::to_string(upstream.port());
  auto r = registry.handle("POST", "/proxies", R"({"name":"ws","listen":"127.0.0.1:0","upstream":")" + up + R"("})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body).at("upstream").as_string(), up);
  EXPECT_EQ(
      registry.handle("POST", "/proxies", R"({"name":"ws","listen":"127.0.0.1:0","upstream":")" + up + R"("})").status,
      409);
  r = registry.handle("GET", "/proxies", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(json::parse(r.body).as_object().contains("ws"));
  r = registry.handle("POST", "/proxies/ws/toxics", R"({"name":"lag","type":"latency","attributes":{"latency":50}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("attributes").at("latency").as_int64(), 50);
  r = registry.handle("POST", "/proxies/ws/toxics/lag", R"({"attributes":{"latency":70}})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = registry.handle("GET", "/proxies/ws/toxics", "");
  ASSERT_EQ(json::parse(r.body).as_array().size(), 1u);
  EXPECT_EQ(json::parse(r.body).as_array()[0].at("attributes").at("latency").as_int64(), 70);
  EXPECT_EQ(registry.handle("DELETE", "/proxies/ws/toxics/lag", "").status, 204);
  EXPECT_EQ(registry.handle("DELETE", "/proxies/ws/toxics/lag", "").status, 404);
  EXPECT_EQ(json::parse(registry.handle("GET", "/proxies/ws/toxics", "").body).as_array().size(), 0u);
  EXPECT_EQ(registry.handle("DELETE", "/proxies/ws", "").status, 204);
  EXPECT_EQ(registry.handle("GET", "/proxies/ws", "").status, 404);
}

TEST(ProxyControlApi, BadRequestsAre400WithAClearMessage) {
  EchoUpstream upstream;
  proxy::ProxyRegistry registry;
  const std::string up = "127.0.0.1:" + std::to_string(upstream.port());
  ASSERT_EQ(
      registry.handle("POST", "/proxies", R"({"name":"ws","listen":"127.0.0.1:0","upstream":")" + up + R"("})").status,
      201);
  const auto error_of = [&](const std::string& method, const std::string& target, const std::string& body) {
    const auto r = registry.handle(method, target, body);
    const auto doc = json::parse(r.body);
    EXPECT_EQ(doc.at("status").as_int64(), r.status);
    return std::make_pair(r.status, std::string(doc.at("error").as_string()));
  };
  auto [status, message] = error_of("POST", "/proxies/ws/toxics", "{not json");
  EXPECT_EQ(status, 400);
  EXPECT_NE(message.find("not JSON"), std::string::npos) << message;
  std::tie(status, message) =
      error_of("POST", "/proxies/ws/toxics", R"({"type":"latency","attributes":{"latency":"x"}})");
  EXPECT_EQ(status, 400);
  EXPECT_NE(message.find("'latency' must be an integer"), std::string::npos) << message;
  std::tie(status, message) = error_of("POST", "/proxies", R"({"name":"b","listen":"nowhere","upstream":"x:1"})");
  EXPECT_EQ(status, 400);
  EXPECT_NE(message.find("listen must be host:port"), std::string::npos) << message;
  EXPECT_EQ(error_of("POST", "/proxies/none/toxics", R"({"type":"latency"})").first, 404);
  EXPECT_EQ(error_of("PUT", "/proxies", "").first, 405);
}

TEST(ProxyControlApi, OverHttp) {
  EchoUpstream upstream;
  proxy::ProxyRegistry registry;
  proxy::ControlServer api(registry, kHost, 0);
  const std::string up = "127.0.0.1:" + std::to_string(upstream.port());
  EXPECT_EQ(
      http(api.port(), "POST", "/proxies", R"({"name":"ws","listen":"127.0.0.1:0","upstream":")" + up + R"("})").first,
      201);
  const auto bad = http(api.port(), "POST", "/proxies/ws/toxics", "{oops");
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second.find("the body is not JSON"), std::string::npos) << bad.second;
  EXPECT_EQ(http(api.port(), "POST", "/proxies/ws/toxics", R"({"type":"drop_frame"})").first, 200);
  const auto listed = http(api.port(), "GET", "/proxies/ws/toxics");
  ASSERT_EQ(listed.first, 200);
  EXPECT_EQ(json::parse(listed.second).as_array()[0].at("name").as_string(), "drop_frame_downstream");
  EXPECT_EQ(http(api.port(), "DELETE", "/proxies/ws/toxics/drop_frame_downstream").first, 204);
  EXPECT_EQ(http(api.port(), "GET", "/proxies/ws/trace").first, 200);
}

}  // namespace
}  // namespace bridgesim::proxy_test
