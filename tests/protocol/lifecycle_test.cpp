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

// Each broken run is otherwise complete, so the refusal must come at the
// very event that breaks the order (and not just "never ended").
TEST(Lifecycle, RejectsBrokenOrdersAtTheEventThatBreaksThem) {
  EXPECT_EQ(judge({kThinking}), "#0 got agent_thinking; expected agent_started");
  EXPECT_EQ(judge({kError}), "#0 got agent_error; expected agent_started");
  EXPECT_EQ(judge({kStarted, kExec, kDone, kCompleted}),
            "#1 got tool_executing; expected agent_thinking or agent_error");  // no thinking first
  EXPECT_EQ(judge({kStarted, kThinking, kDone, kCompleted}),
            "#2 got tool_completed; expected tool_executing, agent_thinking or agent_error");  // never executing
  EXPECT_EQ(judge({kStarted, kThinking, kCompleted}),
            "#2 got agent_completed; expected tool_executing, agent_thinking or agent_error");  // no tool call
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kThinking, kDone, kCompleted}),
            "#3 got agent_thinking; expected tool_completed of search or agent_error");  // thinking inside a pair
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kExec, kDone, kCompleted}),
            "#3 got tool_executing; expected tool_completed of search or agent_error");  // two open calls
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kDone, kCompleted}),
            "#4 got tool_completed; expected agent_completed, tool_executing, agent_thinking or agent_error");
  EXPECT_EQ(judge({kStarted, kThinking, kExec, kDone, kThinking, kCompleted}),
            "#5 got agent_completed; expected tool_executing, agent_thinking or agent_error");  // thought, no call
  EXPECT_EQ(judge({kStarted, kThinking, kExec, {"tool_completed", "other"}, kCompleted}),
            "#3 got tool_completed; expected tool_completed of search or agent_error");  // another tool's result
  EXPECT_EQ(judge({kStarted, kStarted}), "#1 got agent_started; expected agent_thinking or agent_error");
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
