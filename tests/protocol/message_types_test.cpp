// The lifecycle and type predicates, and the one seq parser.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"

namespace bridgesim::protocol {
namespace {

TEST(ProtocolTypes, LifecycleIsTheFiveEventsInOrder) {
  ASSERT_EQ(std::size(event_type::kLifecycle), 5u);
  EXPECT_EQ(event_type::kLifecycle[0], "agent_started");
  EXPECT_EQ(event_type::kLifecycle[1], "agent_thinking");
  EXPECT_EQ(event_type::kLifecycle[2], "tool_executing");
  EXPECT_EQ(event_type::kLifecycle[3], "tool_completed");
  EXPECT_EQ(event_type::kLifecycle[4], "agent_completed");
}

TEST(ProtocolTypes, Predicates) {
  EXPECT_TRUE(event_type::is_terminal("agent_completed"));
  EXPECT_TRUE(event_type::is_terminal("agent_error"));
  EXPECT_FALSE(event_type::is_terminal("tool_completed"));
  for (const auto type : event_type::kLifecycle) {
    EXPECT_TRUE(event_type::is_lifecycle(type)) << type;
    EXPECT_TRUE(event_type::is_run_event(type)) << type;
  }
  EXPECT_FALSE(event_type::is_lifecycle("agent_error"));
  EXPECT_TRUE(event_type::is_run_event("agent_error"));
  for (const auto type : {event_type::kPong, event_type::kError, event_type::kConnectionEstablished,
                          client_type::kUserMessage, std::string_view("")}) {
    EXPECT_FALSE(event_type::is_run_event(type)) << type;
    EXPECT_FALSE(event_type::is_terminal(type)) << type;
  }
}

std::uint64_t seq_in(const char* frame) { return seq_of(boost::json::parse(frame).as_object()); }

TEST(ProtocolSeq, OnlyAPositiveIntegerIsASeq) {
  EXPECT_EQ(seq_in(R"({"seq":3})"), 3u);
  EXPECT_EQ(seq_in(R"({"seq":18446744073709551615})"), 18446744073709551615ull);
  EXPECT_EQ(seq_in(R"({})"), 0u);
  EXPECT_EQ(seq_in(R"({"seq":0})"), 0u);
  EXPECT_EQ(seq_in(R"({"seq":-1})"), 0u);
  EXPECT_EQ(seq_in(R"({"seq":2.0})"), 0u);
  EXPECT_EQ(seq_in(R"({"seq":"2"})"), 0u);
  EXPECT_TRUE(is_seq(boost::json::value(1)));
  EXPECT_FALSE(is_seq(boost::json::value(0)));
  EXPECT_FALSE(is_seq(boost::json::value(std::uint64_t{0}))) << "a built frame holds seq as uint64";
  EXPECT_TRUE(is_seq(boost::json::value(std::uint64_t{7})));
  EXPECT_FALSE(is_seq(boost::json::value(-4)));
  EXPECT_FALSE(is_seq(boost::json::value(1.0)));
}

}  // namespace
}  // namespace bridgesim::protocol
