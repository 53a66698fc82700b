// The application kinds' effects (the auth service, the tokens clients bring,
// the system's startup and handlers), each shown by a refusal with its
// status, a health answer or the frames a client received, never by the
// fault's own fault_hit record; fault_effect_test.cpp has the network kinds.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/app_faults.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_schema.hpp"
#include "tests/sweep/fault_effect_support.hpp"

namespace bridgesim::fault_effect {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;
namespace event_type = protocol::event_type;

std::string fault(std::string_view kind, std::string_view body) {
  return "[[fault]]\nkind = \"" + std::string(kind) + "\"\n" + std::string(body) + "\n";
}

std::set<std::string> reject_statuses(const sim::Trace& trace) {
  std::set<std::string> out;
  for (const auto* r : net_records(trace, kClient, rec::kReject)) out.insert(std::string(r->field(rf::kStatus)));
  return out;
}

std::optional<runtime::Nanos> first_accept(const sim::Trace& trace) {
  const auto accepts = net_records(trace, kClient, rec::kAccept);
  if (accepts.empty()) return std::nullopt;
  return accepts.front()->at_ns;
}

TEST(FaultEffect, AuthDown) {
  // The auth service refuses every call until 300 ms: u1 is refused with 503
  // and admitted only after the heal.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("auth_down", "at_ms = 0\nheal_ms = 300"), seed);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"503"}) << "seed " << seed;
    EXPECT_GE(first_accept(runs.with).value_or(0), 300 * kMs) << "seed " << seed << ": admitted while auth was down";
    EXPECT_TRUE(reject_statuses(runs.without).empty()) << "seed " << seed;
    EXPECT_TRUE(first_accept(runs.without)) << "seed " << seed;
  }
}

TEST(FaultEffect, AuthSlow) {
  // The auth service answers 200 ms late (below the system's timeout): u1 is
  // admitted, that much later than without the fault.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("auth_slow", "at_ms = 0\nheal_ms = 300\ndelay_ms = 200"), seed);
    EXPECT_TRUE(reject_statuses(runs.with).empty()) << "seed " << seed;
    const auto with = first_accept(runs.with), without = first_accept(runs.without);
    ASSERT_TRUE(with && without) << "seed " << seed;
    EXPECT_GE(*with, 200 * kMs) << "seed " << seed << ": admitted before the slow answer could come";
    EXPECT_LT(*without, 200 * kMs) << "seed " << seed;
  }
}

TEST(FaultEffect, AuthFlapping) {
  // Down and up every 150 ms until 2 s: u1 is refused (503) in a down period
  // and admitted in an up one, both before the heal.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("auth_flapping", "at_ms = 0\nheal_ms = 2000\nperiod_ms = 150"), seed);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"503"}) << "seed " << seed << ": never down";
    EXPECT_LT(first_accept(runs.with).value_or(2000 * kMs), 2000 * kMs) << "seed " << seed << ": never up";
    EXPECT_TRUE(reject_statuses(runs.without).empty()) << "seed " << seed;
  }
}

// u1 connects with a bad token: refused with 401 and `reason`, never admitted.
void expect_token_refused(std::string_view kind, std::string_view reason) {
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault(kind, "target = \"user:u1\""), seed);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"401"}) << kind << " seed " << seed;
    EXPECT_FALSE(first_accept(runs.with)) << kind << " seed " << seed << ": admitted with a bad token";
    const auto refused = records(runs.with, kClient, rec::kRejected);
    ASSERT_FALSE(refused.empty()) << kind << " seed " << seed;
    EXPECT_NE(refused.front()->field(rf::kBody).find(reason), std::string::npos) << refused.front()->field(rf::kBody);
    EXPECT_TRUE(first_accept(runs.without)) << "seed " << seed;
  }
}

TEST(FaultEffect, ExpiredToken) { expect_token_refused("expired_token", "expired"); }
TEST(FaultEffect, ForgedToken) { expect_token_refused("forged_token", "signature"); }
TEST(FaultEffect, MissingToken) { expect_token_refused("missing_token", "missing"); }

TEST(FaultEffect, SessionMissing) {
  // No session middleware: /health reports it degraded and connections carry
  // no session id; the message loop still answers.
  const auto runs = run_both(fault("session_missing", ""), 1);
  const auto health = records(runs.with, sim::actor::kSystem, rec::kHealth);
  ASSERT_EQ(health.size(), 1u);
  EXPECT_NE(health.front()->field(rf::kBody).find("session"), std::string::npos) << health.front()->field(rf::kBody);
  for (const auto& [trace, with_session] : {std::pair{&runs.with, false}, std::pair{&runs.without, true}}) {
    bool established = false;
    for (const auto& r : received(*trace, kClient)) {
      if (r.type != event_type::kConnectionEstablished) continue;
      established = true;
      EXPECT_EQ(r.has_session, with_session);
    }
    EXPECT_TRUE(established);
    EXPECT_TRUE(received_type(*trace, kClient, event_type::kAgentCompleted));
  }
}

TEST(FaultEffect, ComponentMissing) {
  // Whichever critical component or required handler is missing, /health is
  // 503 and no connection is admitted (503).
  for (const auto& component : scenarios::component_choices()) {
    const auto runs = run_both(fault("component_missing", "component = \"" + component + "\""), 1);
    const auto health = records(runs.with, sim::actor::kSystem, rec::kHealth);
    ASSERT_EQ(health.size(), 1u);
    EXPECT_EQ(health.front()->field(rf::kStatus), "503") << component << ": " << health.front()->field(rf::kBody);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"503"}) << component;
    EXPECT_FALSE(first_accept(runs.with)) << component << " missing, yet a connection was admitted";
    EXPECT_EQ(records(runs.without, sim::actor::kSystem, rec::kHealth).front()->field(rf::kStatus), "200");
  }
}

TEST(FaultEffect, HandlerThrows) {
  // The user_message handler throws until 50 ms: u1 gets an internal_error
  // frame, retries, and is answered after the heal.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("handler_throws", "at_ms = 0\nheal_ms = 50\nper_million = 1000000"), seed);
    const auto got = received(runs.with, kClient);
    EXPECT_TRUE(std::any_of(got.begin(), got.end(),
                            [](const Received& r) {
                              return r.type == event_type::kError && r.code == protocol::error_codes::kInternalError;
                            }))
        << "seed " << seed << ": the handler never failed a request";
    EXPECT_FALSE(received_type(runs.without, kClient, event_type::kError)) << "seed " << seed;
    EXPECT_TRUE(received_type(runs.with, kClient, event_type::kAgentCompleted)) << "seed " << seed;
  }
}

TEST(FaultEffect, ToolThrows) {
  // The search tool throws until 50 ms: u1's run ends in agent_error instead
  // of agent_completed.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("tool_throws", "at_ms = 0\nheal_ms = 50\nper_million = 1000000"), seed);
    EXPECT_TRUE(received_type(runs.with, kClient, event_type::kAgentError)) << "seed " << seed;
    EXPECT_FALSE(received_type(runs.with, kClient, event_type::kAgentCompleted)) << "seed " << seed;
    EXPECT_FALSE(received_type(runs.without, kClient, event_type::kAgentError)) << "seed " << seed;
    EXPECT_TRUE(received_type(runs.without, kClient, event_type::kAgentCompleted)) << "seed " << seed;
  }
}

// Issue 10.
TEST(FaultEffect, AuthRevoked) {
  // u1's identity is denied until 300 ms: refused with 401 (the identity, not
  // the token), admitted once reinstated; the client tries again meanwhile.
  for (const auto seed : kSeeds) {
    const auto runs = run_both(fault("auth_revoked", "target = \"user:u1\"\nat_ms = 0\nheal_ms = 300"), seed);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"401"}) << "seed " << seed;
    const auto refused = records(runs.with, kClient, rec::kRejected);
    ASSERT_FALSE(refused.empty()) << "seed " << seed;
    EXPECT_NE(refused.front()->field(rf::kBody).find("refused by the auth service"), std::string::npos);
    EXPECT_GE(first_accept(runs.with).value_or(0), 300 * kMs) << "seed " << seed << ": admitted while revoked";
    EXPECT_TRUE(received_type(runs.with, kClient, event_type::kAgentCompleted)) << "seed " << seed;
    EXPECT_TRUE(reject_statuses(runs.without).empty()) << "seed " << seed;
  }
}

TEST(FaultEffect, TokenExpires) {
  for (const auto seed : kSeeds) {
    // Expired when u1 connects (`at` 0): refused with 401 "token expired",
    // then admitted on the fresh token.
    const auto runs = run_both(fault("token_expires", "target = \"user:u1\"\nat_ms = 0"), seed);
    EXPECT_EQ(reject_statuses(runs.with), std::set<std::string>{"401"}) << "seed " << seed;
    const auto refused = records(runs.with, kClient, rec::kRejected);
    ASSERT_FALSE(refused.empty()) << "seed " << seed;
    EXPECT_NE(refused.front()->field(rf::kBody).find("expired"), std::string::npos);
    EXPECT_TRUE(first_accept(runs.with)) << "seed " << seed;
    EXPECT_TRUE(reject_statuses(runs.without).empty()) << "seed " << seed;
    // Expiring at 1 s while u1 is still asking: its socket is closed 1008.
    const std::string head = "name = \"fault_effect\"\nusers = 1\nmessages_per_user = 30\nstart_spread_ms = 0\n\n";
    const auto mid = scenarios::run_scenario(
        scenarios::parse_scenario(head + fault("token_expires", "target = \"user:u1\"\nat_ms = 700"), "t.toml"),
        {seed, nullptr, false});
    const auto codes = closed_codes(mid.trace, kClient);
    ASSERT_FALSE(codes.empty()) << "seed " << seed;
    EXPECT_EQ(codes.front(), "1008") << "seed " << seed;
    const auto closed = records(mid.trace, kClient, rec::kClosed);
    EXPECT_GE(closed.front()->at_ns, 1000 * kMs) << "seed " << seed << ": closed before exp";
    EXPECT_EQ(
        closed_codes(scenarios::run_scenario(scenarios::parse_scenario(head, "t.toml"), {seed, nullptr, false}).trace,
                     kClient),
        std::vector<std::string>{"1000"})
        << "seed " << seed;
  }
}

}  // namespace
}  // namespace bridgesim::fault_effect
