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

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;

sim::TraceRecord rec(runtime::Nanos at, std::string_view actor, std::string_view kind, std::vector<sim::Field> f) {
  return {at, std::string(actor), std::string(kind), std::move(f)};
}

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

}  // namespace
}  // namespace bridgesim::properties
