// The server -> client frames that are not agent events.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "system/events.hpp"

namespace bridgesim::system {
namespace {

boost::json::object parse(const std::string& frame) { return boost::json::parse(frame).as_object(); }

TEST(SystemEvents, ErrorFrameHasCodeAndMessage) {
  const auto f = parse(make_error_frame("bad_request", "missing field \"x\"\n"));
  EXPECT_EQ(f.at("type").as_string(), "error");
  EXPECT_EQ(f.at("code").as_string(), "bad_request");
  EXPECT_EQ(f.at("message").as_string(), "missing field \"x\"\n");
}

TEST(SystemEvents, ConnectionEstablishedLeavesOutAnEmptySession) {
  const auto with = parse(make_connection_established(7, "alice", "s-1"));
  EXPECT_EQ(with.at("type").as_string(), "connection_established");
  EXPECT_EQ(with.at("connection_id").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(with.at("user_id").as_string(), "alice");
  EXPECT_EQ(with.at("session_id").as_string(), "s-1");
  EXPECT_FALSE(parse(make_connection_established(7, "alice")).contains("session_id"));
}

TEST(SystemEvents, Pong) { EXPECT_EQ(parse(make_pong()), (boost::json::object{{"type", "pong"}})); }

TEST(SystemEvents, PayloadIsMergedFlatAfterTheCommonFields) {
  const UserExecutionContext ctx{"alice", "t-1", "r-1", "q-1"};
  const AgentEvent event{"agent_thinking",          ctx, "assistant", 2, runtime::millis(1234) + 999,
                         {{"reasoning", "because"}}};
  const auto f = parse(serialize(event));
  EXPECT_EQ(f.at("type").as_string(), "agent_thinking");
  EXPECT_EQ(f.at("user_id").as_string(), "alice");
  EXPECT_EQ(f.at("thread_id").as_string(), "t-1");
  EXPECT_EQ(f.at("run_id").as_string(), "r-1");
  EXPECT_EQ(f.at("agent_name").as_string(), "assistant");
  EXPECT_EQ(f.at("seq").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(f.at("timestamp").to_number<std::int64_t>(), 1234) << "milliseconds, truncated";
  EXPECT_EQ(f.at("reasoning").as_string(), "because");
}

}  // namespace
}  // namespace bridgesim::system
