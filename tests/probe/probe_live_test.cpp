// Issue 12 against a loopback `serve`: the client-side faults run live and
// leave their records; attackers aim at run ids the probe's users received;
// client_msg_ids are unique per invocation; --property judges only what it
// names; a misconfigured or unreachable probe says so in every report; an
// ISO-8601 timestamp is a timestamp. (Servers that break what these guard:
// tests/thirdparty, a Starlette server with incident variants.)
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/json.hpp>

#include "cli/probe.hpp"
#include "cli/probe_watch.hpp"
#include "harness/replay_command.hpp"
#include "properties/client_view.hpp"
#include "protocol/frames.hpp"
#include "protocol/schema.hpp"
#include "scenarios/scenario.hpp"
#include "sim/trace_records.hpp"
#include "system/net/async_client.hpp"
#include "tests/probe/broken_servers.hpp"
#include "tests/probe/loopback_server.hpp"

namespace bridgesim::cli {
namespace {

using probe_test::LoopbackServer;

ProbeSpec spec_of(std::uint16_t port, const std::string& toml) {
  ProbeSpec spec;
  spec.url = WsUrl{probe_test::kHost, port, "/ws"};
  spec.token_secret = probe_test::kSecret;
  spec.scenario = scenarios::parse_scenario(toml, "live.toml");
  spec.deadline_s = 20;
  return spec;
}

std::string violations_text(const ProbeOutcome& o) {
  std::string out;
  for (const auto& v : o.violations) out += v.property + ": " + v.message + "\n";
  return out.empty() ? "none" : out;
}

std::vector<const sim::TraceRecord*> records(const ProbeOutcome& o, std::string_view actor, std::string_view kind) {
  std::vector<const sim::TraceRecord*> out;
  for (const auto& r : o.trace.records()) {
    if ((actor.empty() || r.actor == actor) && r.kind == kind) out.push_back(&r);
  }
  return out;
}

// The run ids the clients of one probe received.
std::set<std::string> run_ids(const ProbeOutcome& o) {
  std::set<std::string> out;
  for (const auto& f : properties::build_client_view(o.trace).received) {
    const std::string run = properties::string_field(f.body, "run_id");
    if (!run.empty()) out.insert(run);
  }
  return out;
}

TEST(ProbeLive, ResetSendsARstAndTheClientReconnectsResumesAndFinishes) {
  LoopbackServer server;
  const ProbeOutcome o = probe(spec_of(server.port(),
                                       "name = \"reset_live\"\nusers = 2\nmessages_per_user = 3\n"
                                       "[[fault]]\nkind = \"reset\"\ntarget = \"user:u1\"\nat_ms = 40\n"));
  EXPECT_TRUE(o.passed()) << violations_text(o);
  EXPECT_TRUE(o.all_finished);
  const auto hits = records(o, "probe", "fault_hit");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->field("fault"), "reset");
  EXPECT_EQ(hits[0]->field("clients"), "user:u1");
  // The client saw its socket end abnormally and connected again.
  const auto closes = records(o, "user:u1", "closed");
  ASSERT_FALSE(closes.empty());
  EXPECT_EQ(closes[0]->field("code"), "1006");
  EXPECT_GE(records(o, "user:u1", "open").size(), 2u);
  EXPECT_TRUE(o.not_applied.empty());
}

TEST(ProbeLive, SlowConsumerPausesReadingBetweenFramesUntilHeal) {
  LoopbackServer server;
  const ProbeOutcome o = probe(spec_of(server.port(),
                                       "name = \"slow_live\"\nusers = 1\nmessages_per_user = 1\n"
                                       "[[fault]]\nkind = \"slow_consumer\"\ntarget = \"user:u1\"\nat_ms = 0\n"
                                       "heal_ms = 60000\nread_interval_ms = 120\n"));
  EXPECT_TRUE(o.passed()) << violations_text(o);
  const auto hits = records(o, "probe", "fault_hit");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->field("fault"), "slow_consumer");
  // The client reads one frame per interval: no two frames reach it closer
  // than that (a floor our own pause sets, not a measurement of the server).
  const auto recvs = records(o, "user:u1", "recv");
  ASSERT_GE(recvs.size(), 6u);
  for (std::size_t i = 1; i < recvs.size(); ++i) {
    EXPECT_GE(recvs[i]->at_ns - recvs[i - 1]->at_ns, 120 * runtime::kNanosPerMilli) << "frame " << i;
  }
}

TEST(ProbeLive, EarlyCloseFaultsAreEnactedByTheClientsAndNothingIsListedAsNotApplied) {
  LoopbackServer server;
  ProbeSpec spec = spec_of(server.port(), "name = \"x\"\n");
  spec.scenario = scenarios::find_scenario("early_close", harness::default_scenario_dir());
  const ProbeOutcome o = probe(spec);
  EXPECT_TRUE(o.passed()) << violations_text(o);
  EXPECT_TRUE(o.all_finished);
  std::set<std::string> hows;
  for (const auto* r : records(o, "", "fault_hit")) {
    if (r->field("fault") == "client_close") hows.insert(std::string(r->field("how")));
  }
  EXPECT_EQ(hows, (std::set<std::string>{"abort", "close_frame", "disconnect_message"}));
  EXPECT_TRUE(o.not_applied.empty());
}

TEST(ProbeLive, NetworkAndServerSideFaultsAreListedOneByOneWithWhy) {
  LoopbackServer server;
  const ProbeOutcome o =
      probe(spec_of(server.port(),
                    "name = \"mixed\"\nusers = 1\n[[fault]]\nkind = \"partition\"\ntarget = \"user:u1\"\nat_ms = 0\n"
                    "heal_ms = 10\n[[fault]]\nkind = \"relay_drop\"\nat_ms = 0\nheal_ms = 10\n"));
  ASSERT_EQ(o.not_applied.size(), 2u);
  EXPECT_EQ(o.not_applied[0].what, "partition");
  EXPECT_NE(o.not_applied[0].why.find("fault proxy"), std::string::npos) << o.not_applied[0].why;
  EXPECT_EQ(o.not_applied[1].what, "relay_drop");
  EXPECT_NE(o.not_applied[1].why.find("inside the server"), std::string::npos) << o.not_applied[1].why;
}

TEST(ProbeLive, AttackersAimAtRunIdsTheProbesOwnUsersReceived) {
  LoopbackServer server;
  const ProbeOutcome o =
      probe(spec_of(server.port(), "name = \"h\"\nusers = 2\nmessages_per_user = 2\nhostile_clients = 1\n"));
  EXPECT_TRUE(o.passed()) << violations_text(o);
  const std::set<std::string> users_runs = run_ids(o);
  std::set<std::string> aimed;
  for (const auto* r : records(o, "user:h1", "send")) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(r->field("frame"), ec);
    if (ec || !v.is_object()) continue;
    const auto* run = v.as_object().if_contains("run_id");
    if (run != nullptr && run->is_string() && users_runs.count(std::string(run->as_string())) != 0)
      aimed.insert(std::string(run->as_string()));
  }
  EXPECT_FALSE(aimed.empty()) << "the attacker never named a run id a user of this probe received";
  EXPECT_EQ(records(o, "probe", probe_record::kAttackersReleased).size(), 1u);
}

TEST(ProbeLive, RepeatedProbesOfOneServerGetTheirOwnRunsNeverAReplay) {
  LoopbackServer server;
  const std::string toml = "name = \"g\"\nusers = 2\nmessages_per_user = 2\n";
  const ProbeOutcome first = probe(spec_of(server.port(), toml));
  const ProbeOutcome second = probe(spec_of(server.port(), toml));
  ASSERT_TRUE(first.passed() && second.passed()) << violations_text(first) << violations_text(second);
  EXPECT_NE(first.msg_id_prefix, second.msg_id_prefix);
  const auto a = run_ids(first), b = run_ids(second);
  ASSERT_EQ(a.size(), 4u);
  std::vector<std::string> shared;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(shared));
  EXPECT_TRUE(shared.empty()) << "the second probe was replayed " << shared.size() << " run(s) of the first";
}

TEST(ProbeLive, PropertyJudgesOnlyWhatItNames) {
  // A server that never completes a run: delivery fails, auth holds.
  system::Components components = system::Components::defaults();
  probe_test::drop_frames_of("agent_completed")(components);
  LoopbackServer server(std::move(components));
  ProbeSpec spec = spec_of(server.port(), "name = \"g\"\nusers = 1\n");
  spec.deadline_s = 3;
  spec.properties = {"auth"};
  const ProbeOutcome auth_only = probe(spec);
  EXPECT_EQ(auth_only.properties, std::vector<std::string>{"auth"});
  EXPECT_TRUE(auth_only.passed()) << violations_text(auth_only);
  spec.properties = {"delivery"};
  const ProbeOutcome delivery = probe(spec);
  ASSERT_EQ(delivery.violations.size(), 1u) << violations_text(delivery);
  EXPECT_EQ(delivery.violations[0].property, "delivery");
  // Nothing judgeable live: an input error, not a pass.
  spec.properties = {"runs"};
  EXPECT_THROW(probe(spec), ProbeInputError);
}

TEST(ProbeLive, AWrongSecretIsAMisconfigurationAndEveryReportSaysSo) {
  LoopbackServer server;
  ProbeSpec spec = spec_of(server.port(), "name = \"g\"\nusers = 2\n");
  spec.token_secret = "not-the-servers-secret-0123456789abcdef";
  const ProbeOutcome o = probe(spec);
  EXPECT_NE(o.misconfiguration.find("refused 401"), std::string::npos) << o.misconfiguration;
  EXPECT_NE(o.misconfiguration.find("--token-secret"), std::string::npos) << o.misconfiguration;
  const ProbeDocuments d = probe_documents(spec, o, "cmd");
  EXPECT_NE(d.junit.find("name=\"configuration\""), std::string::npos);
  EXPECT_NE(d.junit.find("<system-out>"), std::string::npos);
  EXPECT_NE(d.markdown.find("**Not judged:**"), std::string::npos);
  EXPECT_NE(d.html.find("id=\"live\""), std::string::npos);
  const auto json = boost::json::parse(d.json).as_object();
  EXPECT_EQ(json.at("verdict").as_string(), "fail");
  EXPECT_NE(std::string(json.at("live").at("misconfiguration").as_string()).find("--token-secret"), std::string::npos);
}

TEST(ProbeLive, AnUnreachableServerStillGetsAReportSayingSo) {
  std::uint16_t port = 0;
  {
    LoopbackServer gone;
    port = gone.port();
  }
  const ProbeSpec spec = spec_of(port, "name = \"g\"\nusers = 1\n");
  const ProbeOutcome o = probe(spec);
  const ProbeDocuments d = probe_documents(spec, o, "cmd");
  EXPECT_NE(d.junit.find("cannot reach"), std::string::npos);
  EXPECT_NE(d.markdown.find("GET /health: no answer"), std::string::npos);
  EXPECT_FALSE(boost::json::parse(d.json).at("live").at("reached").as_bool());
}

TEST(ProbeLive, TheLiveReportCarriesHealthClientsLatencyFaultsAndProperties) {
  LoopbackServer server;
  ProbeSpec spec = spec_of(server.port(),
                           "name = \"g\"\nusers = 2\n[[fault]]\nkind = \"partition\"\n"
                           "target = \"user:u1\"\nat_ms = 0\nheal_ms = 10\n");
  spec.max_event_gap_ms = 100;
  const ProbeOutcome o = probe(spec);
  const auto live = boost::json::parse(probe_documents(spec, o, "cmd").json).at("live").as_object();
  EXPECT_EQ(live.at("health").at("status").as_int64(), 200);
  EXPECT_EQ(live.at("clients").as_array().size(), 2u);
  EXPECT_EQ(live.at("request_to_terminal_ns").as_array().size(), 2u);
  EXPECT_EQ(live.at("event_gap").at("bound_ms").as_int64(), 100);
  EXPECT_EQ(live.at("faults_not_applied").as_array().size(), 1u);
  const auto& judged = live.at("properties_judged").as_array();
  EXPECT_NE(std::find(judged.begin(), judged.end(), boost::json::value("event_gap")), judged.end());
  const auto& not_judged = live.at("properties_not_judgeable_live").as_array();
  EXPECT_NE(std::find(not_judged.begin(), not_judged.end(), boost::json::value("streams")), not_judged.end());
}

// What the peer's read ends with after the client cut the connection
// mid-handshake: reset() (SO_LINGER 0) must be a TCP RST, abort() a FIN.
boost::system::error_code peer_sees(bool reset) {
  namespace asio = boost::asio;
  using asio::ip::tcp;
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  net::AsyncClientTransport transport(io, "127.0.0.1", acceptor.local_endpoint().port());
  tcp::socket peer(io);
  std::array<char, 4096> buffer{};
  boost::system::error_code end;
  bool ended = false;
  std::unique_ptr<net::AsyncClientConnection> client;
  acceptor.async_accept(peer, [&](boost::system::error_code) {
    // The upgrade request arrived: cut it, then read until the connection ends.
    peer.async_read_some(asio::buffer(buffer), [&](boost::system::error_code, std::size_t) {
      reset ? client->reset() : client->abort();
      asio::async_read(peer, asio::buffer(buffer), [&](boost::system::error_code ec, std::size_t) {
        end = ec;
        ended = true;
      });
    });
  });
  client = transport.connect({"/ws", "", {}}, {});
  while (!ended && io.run_one_for(std::chrono::seconds(5)) > 0) {
  }
  EXPECT_TRUE(ended);
  return end;
}

TEST(ProbeLive, ResetIsATcpRstWhereAbortIsAFin) {
  EXPECT_EQ(peer_sees(true), boost::asio::error::connection_reset);
  EXPECT_EQ(peer_sees(false), boost::asio::error::eof);
}

TEST(ProbeLive, ATimestampIsANumberOrAnIso8601String) {
  auto frame = boost::json::parse(protocol::make_run_event(
                                      {"agent_started", "run-0000000000000001", "t", "u1", "assistant", 1, 0}, {}))
                   .as_object();
  for (const char* ok : {"2026-12-02T05:14:03Z", "2026-12-02T05:14:03.123456+00:00", "2026-12-02 05:14:03"}) {
    frame["timestamp"] = ok;
    EXPECT_EQ(protocol::run_event_schema_error(frame), "") << ok;
  }
  for (const char* bad : {"", "yesterday", "2026-12-02", "2026-12-02T05:14", "2026-12-02T05:14:03+0", "1733116443"}) {
    frame["timestamp"] = bad;
    EXPECT_NE(protocol::run_event_schema_error(frame), "") << bad;
  }
}

}  // namespace
}  // namespace bridgesim::cli
