// The refusals checker (issue 10, item 5): each clause on a passing trace
// and on a twin that breaks that clause alone.
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

struct Refusal {
  std::string token = "valid";
  std::string target = "/ws";
  std::string status = "401";
  std::string body = "invalid token signature";
  bool healthy = true;
  std::string fault;               // a planned fault for everyone over [0 s, 1 s], when not empty
  std::vector<std::string> calls;  // auth-service calls before the handshake (state each), 1 ms apart from 1 ms
};

// u1 connects once at 10 ms and is refused: the net's reject is record 4
// (5 with a planned fault), the client's rejected the one after it.
sim::Trace refused(const Refusal& r);
sim::Trace refused(std::string token, std::string target = "/ws", std::string status = "401",
                   std::string body = "invalid token signature", bool healthy = true, std::string fault = "") {
  return refused(
      Refusal{std::move(token), std::move(target), std::move(status), std::move(body), healthy, std::move(fault), {}});
}

sim::Trace refused(const Refusal& r) {
  sim::Trace trace;
  if (!r.fault.empty()) {
    trace.add(rec(0, sim::actor::kFaults, sim::record::kPlanned,
                  {{"kind", r.fault}, {"target", "*"}, {"at", "0.000000s"}, {"heal", "1.000000s"}, {"params", ""}}));
  }
  trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup,
                {{"ok", r.healthy ? "true" : "false"}, {"failing", r.healthy ? "" : "bridge: missing"}}));
  runtime::Nanos at = 0;
  for (const auto& state : r.calls) {
    trace.add(rec(at += kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u9"}, {"state", state}}));
  }
  trace.add(sim::make_connect_record(10 * kMs, "user:u1", 1, r.token));
  trace.add(rec(10 * kMs, sim::actor::kNet, sim::record::kConnect,
                {{"conn", "1"}, {"client", "user:u1"}, {"target", r.target}}));
  trace.add(rec(11 * kMs, sim::actor::kNet, sim::record::kReject, {{"conn", "1"}, {"status", r.status}}));
  trace.add(sim::make_rejected_record(12 * kMs, "user:u1", std::stoi(r.status), r.body));
  return trace;
}

TEST(PropertiesRefusals, ABadTokenIsRefused401) {
  for (const std::string token : {"forged", "expired", "missing"}) {
    EXPECT_TRUE(judge(refused(token), "refusals").empty()) << token;
    expect_violation(refused(token, "/ws", "503"), "refusals",
                     "u1 (connection 1) was refused 503, but its token is " + token + ": the refusal is 401", 3);
  }
}

TEST(PropertiesRefusals, ATargetOtherThanWsIs404) {
  EXPECT_TRUE(judge(refused("valid", "/chat", "404", "not found"), "refusals").empty());
  expect_violation(refused("valid", "/chat", "403", "not found"), "refusals",
                   "was refused 403, but its target /chat is not /ws: the refusal is 404", 3);
}

TEST(PropertiesRefusals, ABrokenCriticalPathRefuses503) {
  EXPECT_TRUE(judge(refused("forged", "/ws", "503", "service unavailable: bridge", false), "refusals").empty());
  expect_violation(refused("valid", "/ws", "504", "service unavailable: bridge", false), "refusals",
                   "was refused 504, but the system's critical path is broken (startup ok=false): the refusal is 503",
                   3);
  // Before routing: a target other than /ws is 503 too (swarm seed 131 of handshake_forms).
  EXPECT_TRUE(judge(refused("valid", "/chat", "503", "service unavailable: bridge", false), "refusals").empty());
  expect_violation(refused("valid", "/chat", "404", "not found", false), "refusals",
                   "was refused 404, but the system's critical path is broken (startup ok=false): the refusal is 503",
                   3);
}

TEST(PropertiesRefusals, AValidTokenIsRefused401Or503UnderAFaultOnly) {
  EXPECT_TRUE(judge(refused("valid", "/ws", "401", "identity refused by the auth service"), "refusals").empty());
  const std::string unavailable = "auth service unavailable; retry later";
  // (No call for u1's handshake: an open breaker refused it, which 3 failed calls before allow.)
  Refusal down{"valid", "/ws", "503", unavailable, true, "auth_down", {"down", "down", "down"}};
  EXPECT_TRUE(judge(refused(down), "refusals").empty());
  expect_violation(refused("valid", "/ws", "502", unavailable, true, "auth_down"), "refusals",
                   "holds a valid token and was refused 502", 4);
  down.fault = "";  // the breaker may be open (3 failures), but no fault made them: a 503 nothing explains
  expect_violation(refused(down), "refusals",
                   "holds a valid token and was refused 503 (auth service unavailable) at 0.011000s; no fault for u1",
                   6);
}

// An auth-service call, and the handshake refused 503 without one, at `refused_ms`.
sim::Trace breaker_trace(const std::vector<std::pair<int, std::string>>& calls, int refused_ms) {
  sim::Trace trace;
  trace.add(
      rec(0, sim::actor::kFaults, sim::record::kPlanned,
          {{"kind", "auth_flapping"}, {"target", "*"}, {"at", "0.000000s"}, {"heal", "5.000000s"}, {"params", ""}}));
  trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "true"}, {"failing", ""}}));
  for (const auto& [ms, state] : calls) {
    trace.add(rec(ms * kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u9"}, {"state", state}}));
  }
  const runtime::Nanos at = refused_ms * kMs;
  trace.add(sim::make_connect_record(at - kMs, "user:u1", 1, "valid"));
  trace.add(rec(at - kMs, sim::actor::kNet, sim::record::kConnect,
                {{"conn", "1"}, {"client", "user:u1"}, {"target", "/ws"}}));
  trace.add(rec(at, sim::actor::kNet, sim::record::kReject, {{"conn", "1"}, {"status", "503"}}));
  trace.add(sim::make_rejected_record(at + kMs, "user:u1", 503, "auth service unavailable; retry later"));
  return trace;
}

TEST(PropertiesRefusals, ABreakerOpensOnlyAfterThreeFailuresInARowForOneSecond) {
  const std::string down = "flapping-down", up = "flapping-up";
  EXPECT_TRUE(judge(breaker_trace({{10, down}, {20, down}, {30, down}}, 100), "refusals").empty());
  // A success answered between resets the count (mutant: consecutive_failures_ never reset).
  const auto split = breaker_trace({{10, down}, {20, down}, {30, up}, {40, down}}, 100);
  expect_violation(split, "refusals",
                   "refused 503 at 0.100000s without a call to the auth service (an open circuit breaker), but no 3 "
                   "auth-service calls in a row had failed before it",
                   8);
  // Open for 1 s, then closed. (No call is made while it is open: see
  // ABreakerThatMustBeOpenCallsNoMore.)
  EXPECT_TRUE(judge(breaker_trace({{10, down}, {20, down}, {30, down}}, 900), "refusals").empty());
  expect_violation(breaker_trace({{10, down}, {20, down}, {30, down}}, 1200), "refusals",
                   "the breaker last opened before 0.033000s, more than 1 s before", 7);
  // A slow call may have failed at any moment up to the timeout: counted, leniently.
  EXPECT_TRUE(judge(breaker_trace({{10, down}, {20, "up+slow"}, {30, down}}, 100), "refusals").empty());
  // A slow call's timeout (500 ms after it) may be the failure that opened it: open 1 s from then
  // (swarm seed 614 of execute_endpoint).
  EXPECT_TRUE(judge(breaker_trace({{10, "down+slow"}, {20, down}, {30, down}}, 1200), "refusals").empty());
  expect_violation(breaker_trace({{10, "down+slow"}, {20, down}, {30, down}}, 1600), "refusals", "more than 1 s before",
                   7);
  // A success that may have been answered before or after a failure resets nothing.
  EXPECT_TRUE(judge(breaker_trace({{10, down}, {20, down}, {29, up}, {30, down}}, 100), "refusals").empty());
}

// Calls only, and the auth_slow fault with `delay_ms` when given.
sim::Trace calls_trace(const std::vector<std::pair<int, std::string>>& calls, const std::string& slow_delay_ms = "") {
  sim::Trace trace;
  if (!slow_delay_ms.empty()) {
    trace.add(rec(0, sim::actor::kFaults, sim::record::kPlanned,
                  {{"kind", "auth_slow"},
                   {"target", "*"},
                   {"at", "0.000000s"},
                   {"heal", "5.000000s"},
                   {"params", "delay_ms=" + slow_delay_ms}}));
  }
  trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "true"}, {"failing", ""}}));
  for (const auto& [ms, state] : calls) {
    trace.add(rec(ms * kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u9"}, {"state", state}}));
  }
  return trace;
}

TEST(PropertiesRefusals, ABreakerThatMustBeOpenCallsNoMore) {
  const std::string down = "down", up = "up";
  // Three failures surely answered by 33 ms: no call until 1.011 s at least.
  expect_violation(calls_trace({{10, down}, {20, down}, {30, down}, {40, up}}), "refusals",
                   "the auth service was called for u9 at 0.040000s, but 3 calls in a row had surely failed", 4);
  EXPECT_TRUE(judge(calls_trace({{10, down}, {20, down}, {30, down}, {1040, up}}), "refusals").empty());
  // Not yet surely answered (the third may come at 33 ms), or a success between: no obligation.
  EXPECT_TRUE(judge(calls_trace({{10, down}, {20, down}, {30, down}, {32, up}}), "refusals").empty());
  EXPECT_TRUE(judge(calls_trace({{10, down}, {15, up}, {20, down}, {30, down}, {40, up}}), "refusals").empty());
  // A slow call fails at the 500 ms timeout when every delay is longer; it may succeed when one is shorter.
  const std::vector<std::pair<int, std::string>> slow{{10, "up+slow"}, {20, "up+slow"}, {30, "up+slow"}, {600, up}};
  expect_violation(calls_trace(slow, "800"), "refusals", "called for u9 at 0.600000s", 5);
  EXPECT_TRUE(judge(calls_trace(slow, "200"), "refusals").empty());
}

TEST(PropertiesRefusals, ARefusalNamesItsReason) {
  expect_violation(refused("forged", "/ws", "401", ""), "refusals",
                   "u1 was refused 401 with an empty body: a refusal names its reason", 4);
}

}  // namespace
}  // namespace bridgesim::properties
