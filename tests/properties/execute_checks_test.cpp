// The POST execute clauses (properties/execute_checks.cpp): each on a
// passing trace and on a twin that breaks that clause alone.
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
constexpr std::string_view kTarget = "/api/agent/v2/execute";

struct Execute {
  std::string actor = "user:u1";
  std::string user = "u1";
  std::string conn = "2";
  std::string token = "valid";
  std::string body = R"({"thread_id":"u1-t1","input":"q"})";
  int status = 202;
  std::string answer = R"({"run_id":"run-1","thread_id":"u1-t1","user_id":"u1"})";

  Execute& answered(int s, std::string a) {
    status = s;
    answer = std::move(a);
    return *this;
  }
  Execute& by(std::string a, std::string u) {
    actor = std::move(a);
    user = std::move(u);
    return *this;
  }
  Execute& with_token(std::string t) {
    token = std::move(t);
    return *this;
  }
  Execute& asking(std::string b) {
    body = std::move(b);
    return *this;
  }
};

// u1's socket (connection 1), confirmed by the auth service first when the
// trace is a simulated one.
sim::Trace with_socket(bool simulated, const std::string& actor = "user:u1", const std::string& conn = "1") {
  sim::Trace trace;
  if (simulated) {
    trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "true"}, {"failing", ""}}));
    trace.add(rec(10 * kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u1"}, {"state", "up"}}));
  }
  trace.add(sim::make_connect_record(11 * kMs, actor, 1, "valid"));
  trace.add(sim::make_open_record(13 * kMs, actor, conn));
  return trace;
}

// The request at `at`, the server's answer 2 ms later, the client's 4 ms later.
void execute(sim::Trace& trace, runtime::Nanos at, const Execute& e) {
  trace.add(sim::make_http_request_record(at, e.actor, {e.conn, "POST", kTarget, e.token, e.body}));
  trace.add(sim::make_http_served_record(at + 2 * kMs, e.conn, e.actor, std::string(kTarget), e.status));
  trace.add(sim::make_http_response_record(at + 4 * kMs, e.actor, e.conn, e.status, e.answer));
}

// Run run-1's events as `actor` received them on `conn`, seq 1..count.
void events(sim::Trace& trace, runtime::Nanos at, int count, const std::string& actor = "user:u1",
            const std::string& conn = "1") {
  static const std::vector<std::string> kTypes{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                               "agent_completed"};
  for (int i = 0; i < count; ++i) {
    const std::string frame = R"({"type":")" + kTypes[static_cast<std::size_t>(i)] +
                              R"(","run_id":"run-1","thread_id":"u1-t1","user_id":"u1","tool_name":"search","seq":)" +
                              std::to_string(i + 1) + "}";
    trace.add(sim::make_recv_record(at + i * kMs, actor, conn, frame));
  }
}

TEST(PropertiesExecute, A202IsFollowedByItsWholeRunOnTheCallersSocket) {
  sim::Trace ok = with_socket(false);
  execute(ok, 20 * kMs, {});
  events(ok, 22 * kMs, 5);
  EXPECT_TRUE(judge(ok, "delivery").empty());
  EXPECT_TRUE(judge(ok, "isolation").empty());  // the thread is u1's: it asked over execute

  sim::Trace dropped = with_socket(false);
  execute(dropped, 20 * kMs, {});
  events(dropped, 30 * kMs, 3);
  expect_violation(dropped, "delivery",
                   "u1's execute request (thread u1-t1, connection 2) was answered 202 for run run-1, whose events it "
                   "received [agent_started, agent_thinking, tool_executing] and never [tool_completed",
                   4);

  // A refusal promises nothing.
  sim::Trace refused = with_socket(false);
  execute(refused, 20 * kMs, Execute{}.answered(503, R"({"error":"run_not_started","message":"retry later"})"));
  EXPECT_TRUE(judge(refused, "delivery").empty());
}

TEST(PropertiesExecute, EveryAnswerIsADocumentedStatusWithAJsonBody) {
  // 500: the authenticator failed internally (docs/protocol.md section 5).
  // (422 has its own clause: ValidationRefusalsNameOnlyTheBadFields.)
  // Each refusal names the error its status documents.
  const std::vector<std::pair<int, std::string>> documented = {
      {401, "unauthorized"},          {403, "forbidden"},
      {409, "run_not_started"},       {413, "payload too large"},
      {500, "authentication failed"}, {503, "identity not confirmed"},
      {503, "service unavailable"},   {503, "run_not_started"}};
  for (const auto& [status, error] : documented) {
    sim::Trace trace = with_socket(false);
    execute(trace, 20 * kMs, Execute{}.answered(status, R"({"error":")" + error + R"("})"));
    EXPECT_TRUE(judge(trace, "protocol").empty()) << status << " " << error;
  }
  // The 401 and 503 errors swapped: a client told "unauthorized" does not retry.
  sim::Trace swapped = with_socket(false);
  execute(swapped, 20 * kMs, Execute{}.answered(401, R"({"error":"identity not confirmed"})"));
  expect_violation(swapped, "protocol", "answered 401 'identity not confirmed', not unauthorized", 4);
  sim::Trace swapped_503 = with_socket(false);
  execute(swapped_503, 20 * kMs, Execute{}.answered(503, R"({"error":"unauthorized"})"));
  expect_violation(swapped_503, "protocol",
                   "answered 503 'unauthorized', not identity not confirmed, service unavailable or run_not_started",
                   4);
  sim::Trace ok = with_socket(false);
  execute(ok, 20 * kMs, {});
  EXPECT_TRUE(judge(ok, "protocol").empty());

  sim::Trace undocumented = with_socket(false);
  execute(undocumented, 20 * kMs, Execute{}.answered(502, R"({"error":"bad gateway"})"));
  expect_violation(undocumented, "protocol", "was answered 502, not a documented status", 4);

  sim::Trace not_json = with_socket(false);
  execute(not_json, 20 * kMs, Execute{}.answered(503, "Service Unavailable"));
  expect_violation(not_json, "protocol", "answered 503 without a JSON object", 4);

  sim::Trace no_error = with_socket(false);
  execute(no_error, 20 * kMs, Execute{}.answered(401, R"({"message":"no"})"));
  expect_violation(no_error, "protocol", "answered 401 without an error", 4);

  sim::Trace unnamed = with_socket(false);
  execute(unnamed, 20 * kMs, Execute{}.answered(202, R"({"thread_id":"u1-t1","user_id":"u1"})"));
  expect_violation(unnamed, "protocol", "answered 202 without its run_id", 4);

  sim::Trace wrong_thread = with_socket(false);
  execute(wrong_thread, 20 * kMs, Execute{}.answered(202, R"({"run_id":"run-1","thread_id":"u2-t1","user_id":"u1"})"));
  expect_violation(wrong_thread, "protocol", "answered 202 without its run_id, user_id and thread_id", 4);

  sim::Trace conflict = with_socket(false);
  execute(conflict, 20 * kMs, Execute{}.answered(409, R"({"error":"busy"})"));
  expect_violation(conflict, "protocol", "answered 409 'busy', not run_not_started", 4);
}

TEST(PropertiesExecute, ABrokenCriticalPathAnswersEveryRequest503ServiceUnavailable) {
  const auto broken = [](int status, const std::string& error) {
    sim::Trace trace;
    trace.add(rec(0, sim::actor::kSystem, sim::record::kStartup, {{"ok", "false"}, {"failing", "bridge"}}));
    execute(trace, 20 * kMs, Execute{}.with_token("forged").answered(status, R"({"error":")" + error + R"("})"));
    return trace;
  };
  EXPECT_TRUE(judge(broken(503, "service unavailable"), "protocol").empty());
  // The token is forged, but the system cannot serve: 503, not 401.
  expect_violation(broken(401, "unauthorized"), "protocol",
                   "answered 401 'unauthorized' while the system's critical path is broken (startup ok=false)", 3);
  expect_violation(broken(503, "identity not confirmed"), "protocol",
                   "answered 503 'identity not confirmed' while the system's critical path is broken", 3);
}

TEST(PropertiesExecute, ValidationRefusalsNameOnlyTheBadFields) {
  const auto judged = [](const std::string& body, int status, const std::string& answer) {
    sim::Trace trace = with_socket(false);
    execute(trace, 20 * kMs, Execute{}.asking(body).answered(status, answer));
    return trace;
  };
  const std::string missing_input = R"({"thread_id":"u1-t1"})";
  EXPECT_TRUE(
      judge(judged(missing_input, 422, R"({"error":"validation_error","fields":{"input":"required"}})"), "protocol")
          .empty());
  EXPECT_TRUE(judge(judged(R"({"thread_id":"u1-t1","input":""})", 422,
                           R"({"error":"validation_error","fields":{"input":"must be a non-empty string"}})"),
                    "protocol")
                  .empty());
  EXPECT_TRUE(judge(judged(R"({"thread_id":"u1-t1","input":"q","agent_name":"nobody"})", 422,
                           R"({"error":"validation_error","fields":{"agent_name":"unknown agent 'nobody'"}})"),
                    "protocol")
                  .empty());
  EXPECT_TRUE(
      judge(judged("[1]", 422, R"({"error":"validation_error","fields":{"body":"must be a JSON object"}})"), "protocol")
          .empty());

  // A good body (no agent_name: the default agent) refused as if it had a bad field.
  expect_violation(judged(R"({"thread_id":"u1-t1","input":"q"})", 422,
                          R"({"error":"validation_error","fields":{"agent_name":"required"}})"),
                   "protocol", "was answered 422 naming field 'agent_name', which its body has right", 4);
  expect_violation(judged(missing_input, 422, R"({"error":"validation_error","fields":{"thread_id":"required"}})"),
                   "protocol", "was answered 422 naming field 'thread_id', which its body has right", 4);
  expect_violation(judged(missing_input, 422, R"({"error":"validation_error","fields":{"colour":"required"}})"),
                   "protocol", "naming field 'colour', which is no field of the request", 4);
  expect_violation(judged(missing_input, 422, R"({"error":"validation_error","fields":{}})"), "protocol",
                   "was answered 422 without error validation_error and the fields it refused", 4);
  expect_violation(judged(missing_input, 422, R"({"error":"run_not_started"})"), "protocol",
                   "was answered 422 without error validation_error and the fields it refused", 4);
  // Two bad fields, one named.
  const std::string both_bad = R"({"thread_id":7,"input":""})";
  EXPECT_TRUE(judge(judged(both_bad, 422,
                           R"({"error":"validation_error","fields":{"thread_id":"must be a non-empty string",)"
                           R"("input":"must be a non-empty string"}})"),
                    "protocol")
                  .empty());
  expect_violation(
      judged(both_bad, 422, R"({"error":"validation_error","fields":{"thread_id":"must be a non-empty string"}})"),
      "protocol", "was answered 422 without naming input", 4);
  // A required field missing, and started anyway.
  expect_violation(judged(missing_input, 202, R"({"run_id":"run-1","thread_id":"u1-t1","user_id":"u1"})"), "protocol",
                   "was answered 202, but its input is missing", 4);
}

TEST(PropertiesExecute, A202NamesTheCallerAndNoOtherUserSeesTheRun) {
  Execute attacker;
  attacker.by("user:h1/tab3", "h1").asking(R"({"thread_id":"u1-t1","input":"q","user_id":"u1"})");
  sim::Trace claimed = with_socket(false, "user:h1/tab3");
  execute(claimed, 20 * kMs, attacker);
  expect_violation(claimed, "isolation",
                   "h1/tab3's execute request (thread u1-t1, connection 2) holds h1's token but was answered 202 for "
                   "user u1 (its body claimed user_id u1)",
                   4);

  // Named right, but its events reach another user who asked in a thread
  // of the same name (which the thread check alone lets through).
  sim::Trace leaked = with_socket(false, "user:h1/tab3");
  leaked.add(sim::make_connect_record(14 * kMs, "user:u2", 1, "valid"));
  leaked.add(sim::make_open_record(15 * kMs, "user:u2", "3"));
  leaked.add(sim::make_send_record(16 * kMs, "user:u2", "3",
                                   R"({"type":"user_message","thread_id":"t1","text":"q","client_msg_id":"1"})"));
  execute(leaked, 20 * kMs,
          Execute{}
              .by("user:h1/tab3", "h1")
              .asking(R"({"thread_id":"t1","input":"q"})")
              .answered(202, R"({"run_id":"run-1","thread_id":"t1","user_id":"h1"})"));
  leaked.add(sim::make_recv_record(30 * kMs, "user:u2", "3",
                                   R"({"type":"agent_started","run_id":"run-1","thread_id":"t1","seq":1})"));
  expect_violation(leaked, "isolation",
                   "user u2 received agent_started of run run-1, which h1/tab3's execute request (thread t1, "
                   "connection 2) started",
                   8);
}

TEST(PropertiesExecute, OnlyAValidConfirmedUnrevokedTokenIsAdmitted) {
  sim::Trace ok = with_socket(true);
  execute(ok, 20 * kMs, {});
  EXPECT_TRUE(judge(ok, "auth").empty());

  for (const std::string token : {"forged", "missing", "expired"}) {
    sim::Trace bad = with_socket(false);
    execute(bad, 20 * kMs, Execute{}.with_token(token));
    expect_violation(bad, "auth", "carried a " + token + " token and was admitted (202)", 3);
    // Refused: nothing to judge.
    sim::Trace refused = with_socket(false);
    execute(refused, 20 * kMs, Execute{}.with_token(token).answered(401, R"({"error":"unauthorized"})"));
    EXPECT_TRUE(judge(refused, "auth").empty()) << token;
  }

  // Simulated: a 202 for an identity the service denied since it confirmed it.
  sim::Trace denied = with_socket(true);
  denied.add(rec(15 * kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u1"}, {"state", "up+revoked"}}));
  execute(denied, 200 * kMs, {});
  expect_violation(denied, "auth", "but the auth service denied u1 at 0.015000s (revoked)", 6);

  // A denial heard less than 1 s ago is refused 401 at once, not asked about again (503); after that, either.
  const auto after_denial = [](runtime::Nanos at, int status, const std::string& limit = "") {
    sim::Trace trace = with_socket(true);
    if (!limit.empty()) trace.add(rec(0, sim::actor::kSystem, sim::record::kLimits, {{"known_identities_max", limit}}));
    trace.add(rec(15 * kMs, sim::actor::kAuthService, sim::record::kCall, {{"user", "u1"}, {"state", "up+revoked"}}));
    execute(trace, at,
            Execute{}.answered(
                status, status == 401 ? R"({"error":"unauthorized"})" : R"({"error":"identity not confirmed"})"));
    return trace;
  };
  EXPECT_TRUE(judge(after_denial(200 * kMs, 401), "auth").empty());
  expect_violation(after_denial(200 * kMs, 503), "auth",
                   "was answered 503 at 0.202000s, but the auth service denied u1 at 0.015000s, less than 1 s before",
                   6);
  EXPECT_TRUE(judge(after_denial(1100 * kMs, 503), "auth").empty());  // forgotten: asked again
  EXPECT_TRUE(judge(after_denial(40 * kMs, 503), "auth").empty());    // the denial not yet answered
  // A denial memory too small for every denied identity (here: caching off) need not hold this one.
  EXPECT_TRUE(judge(after_denial(200 * kMs, 503, "0"), "auth").empty());

  // Revoked from 100 ms: a confirmation from 10 ms is fresh until about 1.05 s, not at 1.5 s.
  const auto revoked = [](runtime::Nanos at) {
    sim::Trace trace = with_socket(true);
    trace.add(rec(
        0, sim::actor::kFaults, sim::record::kPlanned,
        {{"kind", "auth_revoked"}, {"target", "user:u1"}, {"at", "0.100000s"}, {"heal", "5.000000s"}, {"params", ""}}));
    execute(trace, at, {});
    return trace;
  };
  EXPECT_TRUE(judge(revoked(900 * kMs), "auth").empty());
  expect_violation(revoked(1500 * kMs), "auth", "u1 was revoked [0.100000s, 5.000000s] and last confirmed at 0.010000s",
                   6);
  // The auth service slow or down: it cannot announce the revocation and the cache stands in, as at a handshake.
  for (const std::string kind : {"auth_down", "auth_slow", "auth_flapping"}) {
    sim::Trace hidden = revoked(1500 * kMs);
    hidden.add(rec(0, sim::actor::kFaults, sim::record::kPlanned,
                   {{"kind", kind}, {"target", "*"}, {"at", "1.000000s"}, {"heal", "2.000000s"}, {"params", ""}}));
    EXPECT_TRUE(judge(hidden, "auth").empty()) << kind;
  }
  sim::Trace other_fault = revoked(1500 * kMs);
  other_fault.add(
      rec(0, sim::actor::kFaults, sim::record::kPlanned,
          {{"kind", "partition"}, {"target", "*"}, {"at", "1.000000s"}, {"heal", "2.000000s"}, {"params", ""}}));
  expect_violation(other_fault, "auth", "u1 was revoked", 6);
}

}  // namespace
}  // namespace bridgesim::properties
