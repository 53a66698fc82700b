// The subprotocol checker (issue 10, item 5): the selected subprotocol
// against what the client offered, on passing traces and on twins that
// break it.
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

// u1 offers its token as `handshake` ("": a plain Bearer client) and the
// server accepts, selecting `selected`: the accept is record 2.
sim::Trace accepted(const std::string& handshake, const std::string& selected) {
  sim::Trace trace;
  auto connect = sim::make_connect_record(10 * kMs, "user:u1", 1, "valid");
  if (!handshake.empty()) connect.fields.push_back({"handshake", handshake});
  trace.add(connect);
  trace.add(rec(10 * kMs, sim::actor::kNet, sim::record::kConnect,
                {{"conn", "1"}, {"client", "user:u1"}, {"target", "/ws"}}));
  trace.add(rec(11 * kMs, sim::actor::kNet, sim::record::kAccept, {{"conn", "1"}, {"subprotocol", selected}}));
  trace.add(sim::make_open_record(12 * kMs, "user:u1", "1"));
  return trace;
}

TEST(PropertiesSubprotocol, ATokenInTheSubprotocolSelectsJwtAuth) {
  for (const std::string form : {"subprotocol", "subprotocol_base64"}) {
    EXPECT_TRUE(judge(accepted(form, "jwt-auth"), "subprotocol").empty()) << form;
    expect_violation(accepted(form, ""), "subprotocol",
                     "u1 (connection 1) offered its token as " + form +
                         " and the server selected subprotocol '' instead of 'jwt-auth'",
                     2);
  }
}

TEST(PropertiesSubprotocol, ABearerClientGetsNone) {
  for (const std::string form : {"", "bearer", "padded_bearer"}) {
    EXPECT_TRUE(judge(accepted(form, ""), "subprotocol").empty()) << form;
    expect_violation(accepted(form, "jwt-auth"), "subprotocol", "instead of ''", 2);
  }
  expect_violation(accepted("", "jwt-auth"), "subprotocol", "offered its token as a Bearer header", 2);
}

// u1 connects at 10 ms and the server answers at `answer_ms`, with `fault`
// (if any) planned for everyone over [0 s, 1 s]: the answer is record 2 (3 with a fault).
sim::Trace answered(runtime::Nanos answer_ms, const std::string& fault, std::string_view answer) {
  sim::Trace trace;
  if (!fault.empty()) {
    trace.add(rec(0, sim::actor::kFaults, sim::record::kPlanned,
                  {{"kind", fault}, {"target", "*"}, {"at", "0.000000s"}, {"heal", "1.000000s"}, {"params", ""}}));
  }
  trace.add(sim::make_connect_record(10 * kMs, "user:u1", 1, "valid"));
  trace.add(rec(10 * kMs, sim::actor::kNet, sim::record::kConnect,
                {{"conn", "1"}, {"client", "user:u1"}, {"target", "/ws"}}));
  if (answer == sim::record::kAccept) {
    trace.add(rec(answer_ms * kMs, sim::actor::kNet, sim::record::kAccept, {{"conn", "1"}, {"subprotocol", ""}}));
  } else {
    trace.add(rec(answer_ms * kMs, sim::actor::kNet, sim::record::kReject, {{"conn", "1"}, {"status", "503"}}));
  }
  return trace;
}

TEST(PropertiesHandshakeTime, TheAuthTimeoutAnswersASlowHandshake) {
  for (const std::string_view answer : {sim::record::kAccept, sim::record::kReject}) {
    EXPECT_TRUE(judge(answered(610, "", answer), "handshake_time").empty());
    expect_violation(answered(611, "", answer), "handshake_time",
                     "u1 (connection 1) connected at 0.010000s and its handshake was answered (" + std::string(answer) +
                         ") only at 0.611000s, more than 0.600000s later",
                     2);
    // A slow auth service is what the timeout is for: no excuse.
    expect_violation(answered(810, "auth_slow", answer), "handshake_time", "only at 0.810000s", 3);
    // Frames held up by the network are.
    EXPECT_TRUE(judge(answered(810, "latency", answer), "handshake_time").empty());
  }
}

}  // namespace
}  // namespace bridgesim::properties
