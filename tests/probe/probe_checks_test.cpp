// Each check the probe runs live (delivery, isolation, protocol, auth: the
// client-side properties, and the probe's own "never admitted" judgement),
// against a real loopback server built with one component broken so that
// exactly that check must fire: the probe must say FAIL naming the property,
// with the sentence that says what broke; the healthy server passes the same
// scenario. /health is recorded, not judged: the `health` property reads the
// server's own records, which a live server does not give out.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/probe.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"
#include "tests/probe/broken_servers.hpp"
#include "tests/probe/loopback_server.hpp"

namespace bridgesim::cli {
namespace {

using probe_test::LoopbackServer;
using Breaker = std::function<void(system::Components&)>;

// A broken server never finishes some clients: the probe stops at this
// deadline (real time; nothing here asserts how long anything took).
constexpr double kBrokenDeadlineS = 3;
// The healthy server finishes every client; the probe stops as soon as it has.
constexpr double kHealthyDeadlineS = 20;

scenarios::Scenario scenario(int users, int messages) {
  scenarios::Scenario s;
  s.name = "golden_path";
  s.users = users;
  s.messages_per_user = messages;
  return s;
}

std::string violations_text(const ProbeOutcome& outcome) {
  std::string out;
  for (const auto& v : outcome.violations) out += v.property + ": " + v.message + "\n";
  return out.empty() ? "no violation\n" : out;
}

ProbeOutcome probe_server(LoopbackServer& server, const scenarios::Scenario& s, double deadline_s) {
  ProbeSpec spec;
  spec.url = WsUrl{probe_test::kHost, server.port(), "/ws"};
  spec.token_secret = probe_test::kSecret;
  spec.scenario = s;
  spec.deadline_s = deadline_s;
  return probe(spec);
}

// The healthy server holds every property on `s`; the server with `breaker`
// applied fails `property` with a message containing `message`.
void expect_caught(const Breaker& breaker, const scenarios::Scenario& s, const std::string& property,
                   const std::string& message) {
  {
    SCOPED_TRACE("healthy server");
    LoopbackServer healthy;
    const ProbeOutcome outcome = probe_server(healthy, s, kHealthyDeadlineS);
    EXPECT_TRUE(outcome.passed()) << violations_text(outcome);
    EXPECT_TRUE(outcome.all_finished);
  }
  SCOPED_TRACE("broken server");
  system::Components components = system::Components::defaults();
  breaker(components);
  LoopbackServer broken(std::move(components));
  const ProbeOutcome outcome = probe_server(broken, s, kBrokenDeadlineS);
  EXPECT_FALSE(outcome.passed());
  const auto it = std::find_if(outcome.violations.begin(), outcome.violations.end(),
                               [&](const properties::Violation& v) { return v.property == property; });
  ASSERT_NE(it, outcome.violations.end()) << "no " << property << " violation; got:\n" << violations_text(outcome);
  EXPECT_NE(it->message.find(message), std::string::npos) << it->message;
  // The verdict the reports carry: one probe, one failing seed.
  ProbeSpec spec;
  spec.scenario = s;
  const auto report = probe_report(spec, outcome, "cmd");
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].scenario, "probe:" + s.name);
  EXPECT_EQ(report.results[0].seeds_run, 1u);
  EXPECT_EQ(report.results[0].failing_seeds, 1u);
  EXPECT_FALSE(report.passed());
}

Breaker variant(const std::string& name) {
  const auto* v = scenarios::find_variant(name);
  if (v == nullptr) throw std::runtime_error("no variant " + name);
  return v->apply;
}

// Applies `edit` to each run event (a frame with a run_id) and sends the result instead.
Breaker edit_run_events(const std::string& type, std::function<std::string(boost::json::object)> edit) {
  return probe_test::rewrite_frames([type, edit](const std::string& frame) {
    if (probe_test::frame_type(frame) != type) return std::vector<std::string>{frame};
    return std::vector<std::string>{edit(boost::json::parse(frame).as_object())};
  });
}

// --- auth ---------------------------------------------------------------------

scenarios::Scenario with_token_fault(const std::string& kind) {
  return scenarios::parse_scenario("name = \"bad_token\"\nusers = 2\nmessages_per_user = 1\n\n[[fault]]\nkind = \"" +
                                       kind + "_token\"\ntarget = \"user:u2\"\n",
                                   "bad_token.toml");
}

TEST(ProbeChecks, AuthFailsWhenAForgedTokenIsAdmitted) {
  expect_caught(probe_test::trust_any_token, with_token_fault("forged"), "auth",
                "u2 connected with a forged token and was accepted");
}

TEST(ProbeChecks, AuthFailsWhenAnExpiredTokenIsAdmitted) {
  expect_caught(probe_test::trust_any_token, with_token_fault("expired"), "auth",
                "u2 connected with a expired token and was accepted");
}

TEST(ProbeChecks, AuthFailsWhenAHandshakeWithoutATokenIsAdmitted) {
  expect_caught(probe_test::trust_any_token, with_token_fault("missing"), "auth",
                "u2 connected with a missing token and was accepted");
}

// --- isolation ----------------------------------------------------------------

TEST(ProbeChecks, IsolationFailsWhenASharedManagerLeaksAUsersEventsToAnother) {
  expect_caught(variant("leaky_manager"), scenario(3, 2), "isolation", " of user u");
}

TEST(ProbeChecks, IsolationFailsWhenALeakRewritesTheUserIdToTheRecipients) {
  expect_caught(probe_test::leak_scrubbed, scenario(2, 1), "isolation", "', which is not one of theirs, on connection");
}

// --- delivery -------------------------------------------------------------------

TEST(ProbeChecks, DeliveryFailsWhenTheServerNeverSendsToolCompleted) {
  expect_caught(probe_test::drop_frames_of(std::string(protocol::event_type::kToolCompleted)), scenario(2, 1),
                "delivery",
                "received [agent_started, agent_thinking, tool_executing] and never [tool_completed, agent_completed]");
}

TEST(ProbeChecks, DeliveryFailsWhenAnEventIsSentTwiceUnderTwoSeqs) {
  expect_caught(probe_test::emit_with<probe_test::TwiceCompletedEmitter>, scenario(2, 1), "delivery",
                "got tool_completed as seq 5; expected agent_completed");
}

TEST(ProbeChecks, DeliveryFailsWhenEventsComeOutOfOrder) {
  expect_caught(probe_test::emit_with<probe_test::SwappedToolsEmitter>, scenario(2, 1), "delivery",
                "got tool_completed as seq 3; expected tool_executing");
}

TEST(ProbeChecks, DeliveryFailsWhenOneMessageStartsTwoRuns) {
  const Breaker other_run = edit_run_events(std::string(protocol::event_type::kAgentCompleted), [](auto frame) {
    frame[protocol::field::kRunId] = "run-somebody-else";
    return boost::json::serialize(frame);
  });
  expect_caught(other_run, scenario(2, 1), "delivery", "started more than one run");
}

TEST(ProbeChecks, DeliveryFailsWhenARunIsCancelledThatNobodyCancelled) {
  expect_caught(probe_test::emit_with<probe_test::SelfCancellingEmitter>, scenario(2, 1), "delivery",
                "was cancelled, but u1 never asked to cancel it");
}

TEST(ProbeChecks, DeliveryFailsWhenValidTokensAreRefused) {
  expect_caught(probe_test::refuse_every_token, scenario(2, 1), "delivery",
                "u1 holds a valid token and was never admitted: refused with 401");
}

TEST(ProbeChecks, DeliveryFailsWhenTheServerNeverWelcomes) {
  expect_caught(probe_test::drop_frames_of(std::string(protocol::event_type::kConnectionEstablished)), scenario(2, 1),
                "delivery",
                "u1 holds a valid token and was never admitted: its socket opened, but no connection_established "
                "came before the probe's deadline (3 s)");
}

// The liveness bound is the scenario's, handed to the judge by the probe: a
// bound no real server meets (1 ns) fails the healthy server.
TEST(ProbeChecks, DeliveryJudgesTheScenariosLivenessBound) {
  LoopbackServer server;
  scenarios::Scenario s = scenario(1, 1);
  s.liveness_bound_ns = 1;
  const ProbeOutcome outcome = probe_server(server, s, kHealthyDeadlineS);
  ASSERT_FALSE(outcome.passed());
  EXPECT_EQ(outcome.violations[0].property, "delivery");
  EXPECT_NE(outcome.violations[0].message.find(", later than its liveness bound "), std::string::npos)
      << outcome.violations[0].message;
}

// A frame sent twice under the same seq: the client drops the copy, so
// delivery holds, but docs/protocol.md section 7 wants each event on each
// connection exactly once: the probe's fanout (streams' live counterpart) fails.
TEST(ProbeChecks, AnEventSentTwiceUnderOneSeqHoldsDeliveryButFailsFanout) {
  system::Components components = system::Components::defaults();
  probe_test::rewrite_frames([](const std::string& frame) {
    const bool run_event = frame.find("\"run_id\"") != std::string::npos;
    return run_event ? std::vector<std::string>{frame, frame} : std::vector<std::string>{frame};
  })(components);
  LoopbackServer server(std::move(components));
  const ProbeOutcome outcome = probe_server(server, scenario(2, 1), kHealthyDeadlineS);
  EXPECT_TRUE(outcome.all_finished);
  ASSERT_EQ(outcome.violations.size(), 1u) << violations_text(outcome);
  EXPECT_EQ(outcome.violations[0].property, "fanout");
  EXPECT_NE(outcome.violations[0].message.find("a second time on one socket without asking again"), std::string::npos)
      << outcome.violations[0].message;
}

// --- protocol -------------------------------------------------------------------

TEST(ProbeChecks, ProtocolFailsWhenAFrameIsNotJson) {
  const Breaker truncate = edit_run_events(std::string(protocol::event_type::kAgentThinking), [](auto frame) {
    std::string text = boost::json::serialize(frame);
    text.pop_back();
    return text;
  });
  expect_caught(truncate, scenario(2, 1), "protocol", "received a frame that is not a JSON object");
}

TEST(ProbeChecks, ProtocolFailsWhenAFrameHasNoType) {
  const Breaker untyped = edit_run_events(std::string(protocol::event_type::kAgentThinking), [](auto frame) {
    frame.erase(protocol::field::kType);
    return boost::json::serialize(frame);
  });
  expect_caught(untyped, scenario(2, 1), "protocol", "received a frame without 'type'");
}

TEST(ProbeChecks, ProtocolFailsWhenARunEventBreaksTheSchema) {
  expect_caught(variant("event_without_payload"), scenario(2, 1), "protocol", "received an invalid agent_thinking: ");
}

}  // namespace
}  // namespace bridgesim::cli
