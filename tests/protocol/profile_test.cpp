// Protocol profiles: the shipped files parse, the platform codecs put each
// field where the profile says and decode back to bridgesim's exact frame,
// the bridgesim profile leaves every byte alone, and a bad file is named
// with its line.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "protocol/frames.hpp"
#include "protocol/payloads.hpp"
#include "protocol/profile.hpp"

namespace bridgesim::protocol {
namespace {

boost::json::object parse(const std::string& frame) { return boost::json::parse(frame).as_object(); }

std::string tool_completed() {
  const RunEventHeader h{"tool_completed", "run-1", "t-1", "alice", "triage", 4, 1'764'689'400'123};
  return make_run_event(h, tool_completed_payload("search", boost::json::value("ok"), 0.25));
}

TEST(ProtocolProfile, BridgesimIsTheIdentity) {
  const Profile p = load_profile("bridgesim");
  EXPECT_EQ(p.name, "bridgesim");
  const std::string frame = tool_completed();
  EXPECT_EQ(encode_server_frame(p, frame), frame);
  EXPECT_EQ(decode_server_frame(p, frame), frame);
  const std::string msg = R"({"type":"user_message","text":"hi","client_msg_id":"m1"})";
  EXPECT_EQ(encode_client_message(p, msg), msg);
  EXPECT_EQ(decode_client_message(p, msg), msg);
  const std::vector<std::string> offer{"jwt-auth", "jwt.abc.def.ghi"};
  EXPECT_EQ(client_offer(p, offer), offer);
  EXPECT_EQ(server_view_of_offer(p, offer), offer);
  EXPECT_EQ(select_subprotocol(p, offer), "jwt-auth");
  EXPECT_EQ(select_subprotocol(p, {"jwt.abc.def.ghi"}), "jwt.abc.def.ghi");
}

TEST(ProtocolProfile, PlatformEnvelopesEventsAndDecodesThemBack) {
  const Profile p = load_profile("platform");
  const std::string frame = tool_completed();
  const auto wire = parse(encode_server_frame(p, frame));
  EXPECT_EQ(wire.at("type").as_string(), "tool_completed");
  EXPECT_EQ(wire.at("run_id").as_string(), "run-1");
  EXPECT_EQ(wire.at("tool_name").as_string(), "search");
  EXPECT_EQ(wire.at("results").as_string(), "ok");
  EXPECT_EQ(wire.at("timestamp").as_string(), "2025-12-02T15:30:00.123000+00:00");
  EXPECT_FALSE(wire.contains("duration"));
  EXPECT_EQ(wire.at("data").as_object().at("duration").as_double(), 0.25);
  EXPECT_EQ(decode_server_frame(p, encode_server_frame(p, frame)), frame);

  const std::string done =
      make_run_event({"agent_completed", "run-1", "t-1", "alice", "triage", 5, 7}, agent_completed_payload("42"));
  const auto done_wire = parse(encode_server_frame(p, done));
  EXPECT_EQ(done_wire.at("data").as_object().at("result").as_string(), "42");
  EXPECT_EQ(decode_server_frame(p, encode_server_frame(p, done)), done);
}

TEST(ProtocolProfile, PlatformWrapsClientMessagesInPayload) {
  const Profile p = load_profile("platform");
  const std::string msg = R"({"type":"user_message","text":"hi","client_msg_id":"m1"})";
  EXPECT_EQ(encode_client_message(p, msg),
            R"({"type":"user_message","payload":{"content":"hi","client_msg_id":"m1"}})");
  EXPECT_EQ(decode_client_message(p, encode_client_message(p, msg)), msg);
  // The platform's router reads the flat object when there is no payload.
  EXPECT_EQ(decode_client_message(p, R"({"type":"ping"})"), R"({"type":"ping"})");
  // Not JSON: left for the system's own error frame.
  EXPECT_EQ(decode_client_message(p, "{nope"), "{nope");
  EXPECT_EQ(decode_server_frame(p, "[1]"), "[1]");
}

TEST(ProtocolProfile, PlatformReadsEnvelopedFieldsFromTheEnvelopeOnly) {
  const Profile p = load_profile("platform");
  // A flat bridgesim frame is not of the platform's dialect: its payload is lost, so the client's checks fail it.
  const auto decoded = parse(decode_server_frame(p, tool_completed()));
  EXPECT_EQ(decoded.at("run_id").as_string(), "run-1");
  EXPECT_EQ(decoded.at("tool_name").as_string(), "search");
  EXPECT_FALSE(decoded.contains("duration"));
  // A number timestamp is taken as it is (docs/protocol.md allows numbers).
  const auto pong = parse(decode_server_frame(p, R"({"type":"pong","timestamp":1.5,"data":{}})"));
  EXPECT_EQ(pong.at("timestamp").as_double(), 1.5);
  EXPECT_EQ(pong.size(), 2u);
}

TEST(ProtocolProfile, PlatformSubprotocols) {
  const Profile p = load_profile("platform");
  EXPECT_EQ(select_subprotocol(p, {"jwt.abc.def.ghi"}), "jwt-auth");
  EXPECT_EQ(select_subprotocol(p, {"bearer.abc.def.ghi"}), "bearer");
  EXPECT_EQ(select_subprotocol(p, {"x", "jwt"}), "jwt");
  EXPECT_EQ(select_subprotocol(p, {"x"}), "");
  EXPECT_EQ(server_view_of_offer(p, {"jwt-auth", "bearer.T"}), (std::vector<std::string>{"jwt-auth", "jwt.T"}));
  EXPECT_EQ(server_view_of_offer(p, {"jwt-auth.T"}), (std::vector<std::string>{"jwt.T"}));
}

TEST(ProtocolProfile, Iso8601BothWays) {
  EXPECT_EQ(iso8601_from_epoch_ms(0), "1970-01-01T00:00:00.000000+00:00");
  EXPECT_EQ(iso8601_from_epoch_ms(-1), "1969-12-31T23:59:59.999000+00:00");
  EXPECT_EQ(iso8601_from_epoch_ms(951'782'400'000), "2000-02-29T00:00:00.000000+00:00");
  for (const std::int64_t ms : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1'764'689'400'123},
                                std::int64_t{951'782'400'000}, std::int64_t{4'102'444'800'999}}) {
    EXPECT_EQ(epoch_ms_from_iso8601(iso8601_from_epoch_ms(ms)), ms);
  }
  EXPECT_EQ(epoch_ms_from_iso8601("2025-12-02T15:30:00Z"), 1'764'689'400'000);
  EXPECT_EQ(epoch_ms_from_iso8601("2025-12-02T16:30:00.1234+01:00"), 1'764'689'400'123);
  EXPECT_EQ(epoch_ms_from_iso8601("2025-12-02T15:30:00"), 1'764'689'400'000);
  for (const char* bad : {"", "2025-12-02", "2025-13-02T00:00:00Z", "2025-12-02T15:30:00.Z", "2025-12-02T15:30:00+1",
                          "2025-12-02T15:30:00Zjunk"}) {
    EXPECT_FALSE(epoch_ms_from_iso8601(bad).has_value()) << bad;
  }
}

void expect_error(const std::string& text, const std::string& message) {
  try {
    parse_profile(text, "bad.toml");
    ADD_FAILURE() << "no error for: " << text;
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(ProtocolProfile, BadFilesAreNamedWithTheirLine) {
  expect_error("name = \"x\"\n[events]\ntimestamp = \"unix\"\n",
               "bad.toml:3: events.timestamp 'unix' is not epoch_ms or iso8601");
  expect_error("name = \"x\"\n\n[client]\nwraper = \"payload\"\n",
               "bad.toml:4: unknown key 'client.wraper' (wrapper, rename)");
  expect_error("name = \"x\"\n[subprotocols]\nselect = [[\"jwt.\"]]\n",
               "bad.toml:3: a select entry is [\"match\", \"answer\"], both non-empty");
  expect_error("name = \"x\"\nnope = 1\n", "bad.toml:2: unknown key 'nope' (name, [events], [client], [subprotocols])");
  expect_error("[events]\nenvelope = \"data\"\n", "bad.toml:1: no 'name'");
  expect_error("name = \"x\"\n[events]\ntop_level = [\"run_id\"]\n", "bad.toml:3: top_level without an envelope");
  EXPECT_THROW(parse_profile("name = \n", "bad.toml"), ProfileError);
  EXPECT_THROW(load_profile("nosuch"), ProfileError);
  EXPECT_THROW(load_profile("/nonexistent/p.toml"), ProfileError);
}

}  // namespace
}  // namespace bridgesim::protocol
