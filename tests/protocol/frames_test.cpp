// The server -> client frames: their fields and, since traces hash frames
// byte for byte, their exact text.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "protocol/frames.hpp"

namespace bridgesim::protocol {
namespace {

boost::json::object parse(const std::string& frame) { return boost::json::parse(frame).as_object(); }

TEST(ProtocolFrames, ErrorFrameHasCodeAndMessage) {
  const auto f = parse(make_error_frame("bad_request", "missing field \"x\"\n"));
  EXPECT_EQ(f.at("type").as_string(), "error");
  EXPECT_EQ(f.at("code").as_string(), "bad_request");
  EXPECT_EQ(f.at("message").as_string(), "missing field \"x\"\n");
  EXPECT_EQ(make_error_frame("c", "m"), R"({"type":"error","code":"c","message":"m"})");
}

TEST(ProtocolFrames, ConnectionEstablishedLeavesOutAnEmptySession) {
  const auto with = parse(make_connection_established(7, "alice", "s-1"));
  EXPECT_EQ(with.at("type").as_string(), "connection_established");
  EXPECT_EQ(with.at("connection_id").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(with.at("user_id").as_string(), "alice");
  EXPECT_EQ(with.at("session_id").as_string(), "s-1");
  EXPECT_FALSE(parse(make_connection_established(7, "alice")).contains("session_id"));
  EXPECT_EQ(make_connection_established(7, "alice", "s-1"),
            R"({"type":"connection_established","connection_id":7,"user_id":"alice","session_id":"s-1"})");
}

TEST(ProtocolFrames, Pong) {
  EXPECT_EQ(parse(make_pong()), (boost::json::object{{"type", "pong"}}));
  EXPECT_EQ(make_pong(), R"({"type":"pong"})");
}

TEST(ProtocolFrames, PayloadIsMergedFlatAfterTheCommonFields) {
  const RunEventHeader header{"agent_thinking", "r-1", "t-1", "alice", "assistant", 2, 1234};
  const auto text = make_run_event(header, {{"reasoning", "because"}});
  const auto f = parse(text);
  EXPECT_EQ(f.at("type").as_string(), "agent_thinking");
  EXPECT_EQ(f.at("user_id").as_string(), "alice");
  EXPECT_EQ(f.at("thread_id").as_string(), "t-1");
  EXPECT_EQ(f.at("run_id").as_string(), "r-1");
  EXPECT_EQ(f.at("agent_name").as_string(), "assistant");
  EXPECT_EQ(f.at("seq").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(f.at("timestamp").to_number<std::int64_t>(), 1234);
  EXPECT_EQ(f.at("reasoning").as_string(), "because");
  EXPECT_EQ(text,
            R"({"type":"agent_thinking","run_id":"r-1","thread_id":"t-1","user_id":"alice","agent_name":"assistant",)"
            R"("seq":2,"timestamp":1234,"reasoning":"because"})");
}

TEST(ProtocolFrames, APayloadKeyEqualToAHeaderKeyReplacesItInPlace) {
  const RunEventHeader header{"agent_started", "r-1", "t-1", "alice", "assistant", 1, 5};
  EXPECT_EQ(make_run_event(header, {{"seq", "x"}}),
            R"({"type":"agent_started","run_id":"r-1","thread_id":"t-1","user_id":"alice","agent_name":"assistant",)"
            R"("seq":"x","timestamp":5})");
}

}  // namespace
}  // namespace bridgesim::protocol
