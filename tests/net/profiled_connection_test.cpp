// serve's profile layer (system/net/profiled_connection): what the system
// sends leaves in the profile's dialect, what the client sends reaches the
// system flat, token subprotocols of the profile reach it as `jwt.<t>` and
// the answer follows the profile; the bridgesim profile changes nothing.
#include <gtest/gtest.h>

#include "protocol/frames.hpp"
#include "system/net/profiled_connection.hpp"

namespace bridgesim::net {
namespace {

class FakeConnection final : public runtime::Connection {
 public:
  explicit FakeConnection(std::vector<std::string> offered) { handshake_.subprotocols = std::move(offered); }
  runtime::ConnectionId id() const override { return 7; }
  const runtime::HandshakeRequest& handshake() const override { return handshake_; }
  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override {
    accepted = std::string(subprotocol);
    this->events = std::move(events);
  }
  void reject(int, std::string_view) override {}
  void send_text(std::string text) override { sent.push_back(std::move(text)); }
  void close(std::uint16_t, std::string_view) override {}

  runtime::HandshakeRequest handshake_;
  std::string accepted;
  runtime::ConnectionEvents events;
  std::vector<std::string> sent;
};

std::shared_ptr<const protocol::Profile> platform() {
  return std::make_shared<const protocol::Profile>(protocol::load_profile("platform"));
}

TEST(ProfiledConnection, PlatformFramesOutAndMessagesIn) {
  auto inner = std::make_shared<FakeConnection>(std::vector<std::string>{"jwt-auth", "bearer.a.b.c"});
  ProfiledConnection c(inner, platform());
  EXPECT_EQ(c.handshake().subprotocols, (std::vector<std::string>{"jwt-auth", "jwt.a.b.c"}));
  std::vector<std::string> seen;
  c.accept("jwt-auth", {[&seen](std::string text) { seen.push_back(std::move(text)); }, nullptr});
  EXPECT_EQ(inner->accepted, "bearer");  // the platform answers bearer. with bearer
  inner->events.on_text(R"({"type":"user_message","payload":{"content":"hi","thread_id":"t"}})");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], R"({"type":"user_message","text":"hi","thread_id":"t"})");
  c.send_text(protocol::make_error_frame("bad_request", "m"));
  ASSERT_EQ(inner->sent.size(), 1u);
  EXPECT_EQ(inner->sent[0], R"({"type":"error","data":{"code":"bad_request","message":"m"}})");
}

TEST(ProfiledConnection, ABearerClientGetsNoSubprotocol) {
  auto inner = std::make_shared<FakeConnection>(std::vector<std::string>{});
  ProfiledConnection c(inner, platform());
  c.accept("", {});
  EXPECT_EQ(inner->accepted, "");
}

TEST(ProfiledConnection, BridgesimIsTheIdentity) {
  EXPECT_TRUE(profile_is_identity(protocol::load_profile("bridgesim")));
  EXPECT_FALSE(profile_is_identity(protocol::load_profile("platform")));
}

}  // namespace
}  // namespace bridgesim::net
