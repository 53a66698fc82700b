// The auth checker's simulated-world clauses (issue 10): each on a passing
// trace and on a twin that breaks that clause alone.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "tests/properties/judge.hpp"

namespace bridgesim::properties {
namespace {

using testing::expect_violation;
using testing::judge;

using testing::kMs;
using testing::rec;

// A simulated run: the system started.
sim::Trace simulated() {
  sim::Trace trace;
  trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "true"}, {"failing", ""}}));
  return trace;
}

void plan(sim::Trace& trace, const std::string& kind, const std::string& target, const std::string& at,
          const std::string& heal) {
  trace.add(rec(0, sim::actor::kFaults, sim::record::kPlanned,
                {{"kind", kind}, {"target", target}, {"at", at}, {"heal", heal}, {"params", ""}}));
}

void call(sim::Trace& trace, runtime::Nanos at, const std::string& state) {
  trace.add(rec(at, sim::actor::kAuthService, sim::record::kCall, {{"user", "u1"}, {"state", state}}));
}

// u1's client connects (with a token expiring at `exp`, when given) and the
// server admits connection `conn` at `at`.
void admit(sim::Trace& trace, runtime::Nanos at, const std::string& conn, const std::string& exp = "") {
  auto connect = sim::make_connect_record(at - kMs, "user:u1", 1, "valid");
  if (!exp.empty()) connect.fields.push_back({"exp", exp});
  trace.add(connect);
  trace.add(
      rec(at, sim::actor::kNet, sim::record::kConnect, {{"conn", conn}, {"client", "user:u1"}, {"target", "/ws"}}));
  trace.add(rec(at, sim::actor::kNet, sim::record::kAccept, {{"conn", conn}, {"subprotocol", ""}}));
  trace.add(sim::make_open_record(at + kMs, "user:u1", conn));
}

void server_close(sim::Trace& trace, runtime::Nanos at, const std::string& conn, const std::string& code) {
  trace.add(rec(at, sim::actor::kNet, sim::record::kClose, {{"conn", conn}, {"by", "server"}, {"code", code}}));
}

TEST(PropertiesAuthService, AnAdmittedIdentityWasConfirmedBefore) {
  sim::Trace ok = simulated();
  call(ok, 10 * kMs, "up");
  admit(ok, 13 * kMs, "1");
  EXPECT_TRUE(judge(ok, "auth").empty());
  for (const std::string state : {"down", "flapping-down", "up+revoked"}) {
    sim::Trace never = simulated();
    call(never, 10 * kMs, state);
    admit(never, 13 * kMs, "1");
    expect_violation(never, "auth",
                     "u1 (connection 1) was admitted at 0.013000s, but the auth service never confirmed u1", 4);
  }
  // A probe's trace has no auth service: the clause does not apply.
  sim::Trace live;
  admit(live, 13 * kMs, "1");
  EXPECT_TRUE(judge(live, "auth").empty());
}

TEST(PropertiesAuthService, AnIdentityDeniedSinceItsConfirmationIsNotAdmitted) {
  const auto run = [](runtime::Nanos confirmed_again_ms) {
    sim::Trace trace = simulated();
    call(trace, 10 * kMs, "up");
    call(trace, 200 * kMs, "up+revoked");
    if (confirmed_again_ms > 0) call(trace, confirmed_again_ms * kMs, "up");
    admit(trace, 400 * kMs, "1");
    return trace;
  };
  expect_violation(run(0), "auth",
                   "but the auth service denied u1 (revoked) at 0.200000s and had not confirmed it again", 5);
  EXPECT_TRUE(judge(run(300), "auth").empty());
}

// u1 revoked from 100 ms to 3 s, confirmed at 10 ms, admitted again at
// `again_ms` without a new confirmation; `outage` is an auth-service fault
// over that admission.
sim::Trace revoked(const std::string& outage, runtime::Nanos again_ms = 1500) {
  sim::Trace trace = simulated();
  plan(trace, "auth_revoked", "user:u1", "0.100000s", "3.000000s");
  if (!outage.empty()) plan(trace, outage, "*", "1.400000s", "1.450000s");
  call(trace, 10 * kMs, "up");
  admit(trace, 13 * kMs, "1");
  admit(trace, again_ms * kMs, "2");
  return trace;
}

TEST(PropertiesAuthService, ARevokedIdentityIsRefusedWhileTheServiceCanSaySo) {
  expect_violation(revoked(""), "auth",
                   "u1 (connection 2) was admitted at 1.500000s while u1 was revoked [0.100000s, 3.000000s], last "
                   "confirmed more than 1.000000s before; no auth_down, auth_slow or auth_flapping was active then",
                   9);
  // Confirmed moments ago: the system need not ask again yet.
  EXPECT_TRUE(judge(revoked("", 500), "auth").empty());
  // While the service is down the cache stands in: it cannot know.
  for (const std::string outage : {"auth_down", "auth_slow", "auth_flapping"}) {
    EXPECT_TRUE(judge(revoked(outage), "auth").empty()) << outage;
  }
  EXPECT_FALSE(judge(revoked("latency"), "auth").empty());
}

// u1's token expires at 1 s; connection 1 opened at 100 ms; `end` closes it.
sim::Trace expiring(const std::function<void(sim::Trace&)>& end) {
  sim::Trace trace;
  admit(trace, 100 * kMs, "1", "1.000000s");
  end(trace);
  return trace;
}

TEST(PropertiesAuthExpiry, AnExpiredSocketIsClosed1008AtExp) {
  EXPECT_TRUE(judge(expiring([](sim::Trace& t) { server_close(t, 1000 * kMs, "1", "1008"); }), "auth").empty());
  // Closed before exp, any way: nothing to judge.
  EXPECT_TRUE(judge(expiring([](sim::Trace& t) { server_close(t, 900 * kMs, "1", "1000"); }), "auth").empty());
  expect_violation(expiring([](sim::Trace& t) { server_close(t, 1500 * kMs, "1", "1008"); }), "auth",
                   "u1 (connection 1) was open when its token expired at 1.000000s and the server did not close it "
                   "1008 by 1.010000s: it ended at 1.500000s by close from the server (code 1008)",
                   4);
  expect_violation(expiring([](sim::Trace& t) { server_close(t, 1000 * kMs, "1", "1000"); }), "auth", "(code 1000)", 4);
  expect_violation(expiring([](sim::Trace&) {}), "auth", "it was never closed", 2);
}

TEST(PropertiesAuthExpiry, ATokenPastItsExpIsNotAdmitted) {
  sim::Trace trace;
  admit(trace, 1000 * kMs, "1", "1.000000s");
  server_close(trace, 1000 * kMs, "1", "1008");
  expect_violation(trace, "auth", "was admitted at 1.000000s with a token that expired at 1.000000s", 2);
}

// u1 asks on connection 1 at `sent_ms`; its token expires at 1 s and the
// server closes it then; a run for the thread starts at 1.2 s.
sim::Trace asked_at(runtime::Nanos sent_ms, bool asked_again_on_fresh_socket) {
  sim::Trace trace;
  admit(trace, 100 * kMs, "1", "1.000000s");
  const std::string ask = R"({"type":"user_message","thread_id":"u1-t1","text":"q","client_msg_id":"m1"})";
  trace.add(sim::make_send_record(sent_ms * kMs, "user:u1", "1", ask));
  server_close(trace, 1000 * kMs, "1", "1008");
  if (asked_again_on_fresh_socket) {
    admit(trace, 1100 * kMs, "2");
    trace.add(sim::make_send_record(1150 * kMs, "user:u1", "2", ask));
  }
  trace.add(sim::make_publish_record(1200 * kMs, "u1", "r1", 1, "agent_started"));
  trace.add(
      sim::make_recv_record(1205 * kMs, "user:u1", "2",
                            R"({"type":"agent_started","run_id":"r1","thread_id":"u1-t1","user_id":"u1","seq":1})"));
  return trace;
}

TEST(PropertiesAuthExpiry, NoRunStartsFromARequestSentAfterExp) {
  EXPECT_TRUE(judge(asked_at(1005, true), "auth").empty());  // the fresh socket asked too
  EXPECT_TRUE(judge(asked_at(900, false), "auth").empty());  // asked before exp
  expect_violation(asked_at(1005, false), "auth",
                   "run r1 started at 1.200000s for thread u1-t1, asked only on connection 1 at 1.005000s, after its "
                   "token expired at 1.000000s",
                   6);
}

}  // namespace
}  // namespace bridgesim::properties
