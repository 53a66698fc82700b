// The run-event grammar every checker shares: one to many tool pairs and
// repeated thinking are valid; broken orders are not.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/lifecycle.hpp"

namespace bridgesim::protocol {
namespace {

struct Step {
  std::string type;
  std::string tool;
};

// "" when the whole run is accepted and ended, else the first refusal.
std::string judge(const std::vector<Step>& run) {
  LifecycleOrder order;
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (std::string why = order.next(run[i].type, run[i].tool); !why.empty())
      return "#" + std::to_string(i) + " " + why;
  }
  return order.ended() ? "" : "never ended";
}

const Step kStarted{"agent_started", ""};
const Step kThinking{"agent_thinking", ""};
const Step kExec{"tool_executing", "search"};
const Step kDone{"tool_completed", "search"};
const Step kCompleted{"agent_completed", ""};
const Step kError{"agent_error", ""};

TEST(Lifecycle, AcceptsTheClassicFiveEventRun) {
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kCompleted}), "");
}

TEST(Lifecycle, AcceptsSeveralToolCallsAndThinkingBetweenThem) {
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kExec, kDone, kExec, kDone, kCompleted}), "");
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kThinking, kThinking, kExec, kDone, kCompleted}), "");
  EXPECT_EQ(judge({kStarted, kThinking, kThinking, kExec, kDone, kCompleted}), "");
}

TEST(Lifecycle, AcceptsAgentErrorAnywhereAfterStarted) {
  EXPECT_EQ(judge({kStarted, kError}), "");
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kError}), "");
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kThinking, kError}), "");
}

TEST(Lifecycle, RejectsBrokenOrders) {
  EXPECT_EQ(judge({kThinking}), "#0 got agent_thinking; expected agent_started");
  EXPECT_EQ(judge({kError}), "#0 got agent_error; expected agent_started");
  EXPECT_NE(judge({kStarted, kExec}), "");                                           // no thinking first
  EXPECT_NE(judge({kStarted, kThinking, kDone}), "");                                // completed, never executing
  EXPECT_NE(judge({kStarted, kThinking, kCompleted}), "");                           // no tool call at all
  EXPECT_NE(judge({kStarted, kThinking, kExec, kThinking}), "");                     // thinking inside a pair
  EXPECT_NE(judge({kStarted, kThinking, kExec, kExec}), "");                         // two open calls
  EXPECT_NE(judge({kStarted, kThinking, kExec, kDone, kDone}), "");                  // a pair completed twice
  EXPECT_NE(judge({kStarted, kThinking, kExec, kDone, kThinking, kCompleted}), "");  // thinking, then no call
  EXPECT_NE(judge({kStarted, kThinking, kExec, {"tool_completed", "other"}}), "");   // another tool's result
  EXPECT_NE(judge({kStarted, kStarted}), "");
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone}), "never ended");
}

TEST(Lifecycle, NothingFollowsTheTerminalEvent) {
  EXPECT_NE(judge({kStarted, kThinking, kExec, kDone, kCompleted, kError}), "");
  EXPECT_NE(judge({kStarted, kError, kThinking}), "");
}

TEST(Lifecycle, ARefusalLeavesTheOrderAsItWas) {
  LifecycleOrder order;
  EXPECT_EQ(order.next("agent_started"), "");
  EXPECT_NE(order.next("tool_completed", "search"), "");
  EXPECT_EQ(order.next("agent_thinking"), "");
}

TEST(Lifecycle, NamesWhatARunThatStoppedNeverSent) {
  LifecycleOrder order;
  EXPECT_EQ(order.shortest_rest(), (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing",
                                                             "tool_completed", "agent_completed"}));
  (void)order.next("agent_started");
  (void)order.next("agent_thinking");
  (void)order.next("tool_executing", "search");
  EXPECT_EQ(order.shortest_rest(), (std::vector<std::string>{"tool_completed", "agent_completed"}));
  EXPECT_EQ(order.expected(), "tool_completed of search or agent_error");
  (void)order.next("tool_completed", "search");
  EXPECT_EQ(order.expected(), "agent_completed, tool_executing, agent_thinking or agent_error");
}

}  // namespace
}  // namespace bridgesim::protocol
