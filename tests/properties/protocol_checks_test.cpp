// The protocol clauses on what a client is answered: every frame refused
// before a handler gets its error (a ping its pong), in order; a welcome
// carries a session_id exactly when the session middleware is installed.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties {
namespace {

class TraceBuilder {
 public:
  TraceBuilder& open(const std::string& user, const std::string& conn) { return add(user, "open", {{"conn", conn}}); }
  TraceBuilder& raw(const std::string& user, const std::string& conn, const std::string& frame) {
    return add(user, "recv", {{"conn", conn}, {"frame", frame}});
  }
  TraceBuilder& add(const std::string& user, const std::string& kind, std::vector<sim::Field> fields) {
    trace.add({now_ += 1000, "user:" + user, kind, std::move(fields)});
    return *this;
  }
  sim::Trace trace;

 private:
  runtime::Nanos now_ = 0;
};

// Frames refused before any handler get their error, a ping its pong, in
// order (the connection stays open: each answer is due).
TraceBuilder refused_frames(const std::vector<std::string>& answers, bool simulated = true) {
  TraceBuilder b;
  if (simulated) b.trace.add({0, "system", "startup", {{"ok", "true"}, {"failing", ""}}});
  b.open("h1", "1");
  for (const std::string frame : {"not json", "[]", R"({"type":42})", R"({"type":"nope"})", R"({"type":"ping"})",
                                  "<70000 bytes>", "<65536 bytes>"})
    b.add("h1", "send", {{"conn", "1"}, {"frame", frame}});
  for (const auto& answer : answers) {
    b.raw("h1", "1",
          answer == "pong" ? R"({"type":"pong"})" : R"({"type":"error","code":")" + answer + R"(","message":"m"})");
  }
  return b;
}

TEST(PropertiesProtocol, EveryRefusedFrameGetsItsErrorAndAPingItsPong) {
  const std::vector<std::string> all{"invalid_json", "invalid_message", "invalid_message", "unknown_type",
                                     "pong",         "frame_too_large"};
  EXPECT_FALSE(check_protocol(refused_frames(all).trace));
  for (std::size_t missing = 0; missing < all.size(); ++missing) {
    auto some = all;
    some.erase(some.begin() + static_cast<std::ptrdiff_t>(missing));
    const auto v = check_protocol(refused_frames(some).trace);
    ASSERT_TRUE(v) << missing;
    // Records 0 and 1 are the startup and the open, frame k is record k + 2; of the two invalid_message
    // answers, the one left missing is the later frame's.
    EXPECT_EQ(v->record_index, missing == 1 ? 4u : missing + 2) << v->message;
    EXPECT_NE(
        v->message.find("never got its answer, " + std::string(all[missing] == "pong" ? "" : "error:") + all[missing]),
        std::string::npos)
        << v->message;
  }
  // A live server's trace (no startup record): its own frame cap, not judged.
  EXPECT_FALSE(check_protocol(refused_frames({}, false).trace));
  // Answered out of order: the pong before the unknown_type.
  auto swapped = all;
  std::swap(swapped[3], swapped[4]);
  EXPECT_TRUE(check_protocol(refused_frames(swapped).trace));
}

// The welcome carries a session_id exactly when the session middleware is
// installed (health lists it as degraded when not).
TraceBuilder welcomed(const std::string& health_body, const std::string& welcome) {
  TraceBuilder b;
  b.trace.add({0, "system", "health", {{"status", "200"}, {"body", health_body}}});
  b.open("u1", "1").raw("u1", "1", welcome);
  return b;
}

TEST(PropertiesProtocol, AWelcomeCarriesASessionIdExactlyWhenSessionsAreInstalled) {
  const std::string ok = R"({"status":"ok"})";
  const std::string degraded = R"({"status":"ok","degraded":["session: middleware not installed"]})";
  const std::string with = R"({"type":"connection_established","connection_id":1,"user_id":"u1","session_id":"s-1"})";
  const std::string without = R"({"type":"connection_established","connection_id":1,"user_id":"u1"})";
  EXPECT_FALSE(check_protocol(welcomed(ok, with).trace));
  EXPECT_FALSE(check_protocol(welcomed(degraded, without).trace));
  const auto missing = check_protocol(welcomed(ok, without).trace);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->record_index, 2u);
  EXPECT_NE(missing->message.find("welcomed without a session_id while the session middleware was installed"),
            std::string::npos)
      << missing->message;
  const auto extra = check_protocol(welcomed(degraded, with).trace);
  ASSERT_TRUE(extra);
  EXPECT_NE(extra->message.find("welcomed with a session_id while the session middleware was not installed"),
            std::string::npos)
      << extra->message;
}

}  // namespace
}  // namespace bridgesim::properties
