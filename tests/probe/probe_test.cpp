// `bridgesim probe` as a function, against a live in-process server on
// loopback: the golden path holds every client-side property; token faults
// are refused, not counted against delivery; bad URLs and unreachable
// servers are input errors. A broken server per check: probe_checks_test.cpp.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "cli/probe.hpp"
#include "properties/client_view.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/scenario.hpp"
#include "tests/probe/loopback_server.hpp"

namespace bridgesim::cli {
namespace {

using probe_test::kHost;
using probe_test::kSecret;
using probe_test::LoopbackServer;

ProbeSpec spec_for(std::uint16_t port, int users, int messages) {
  ProbeSpec spec;
  spec.url = WsUrl{kHost, port, "/ws"};
  spec.token_secret = kSecret;
  spec.scenario.name = "golden_path";
  spec.scenario.users = users;
  spec.scenario.messages_per_user = messages;
  spec.deadline_s = 20;
  return spec;
}

const ClientSummary& client(const ProbeOutcome& outcome, const std::string& actor) {
  const auto it = std::find_if(outcome.clients.begin(), outcome.clients.end(),
                               [&](const ClientSummary& c) { return c.actor == actor; });
  if (it == outcome.clients.end()) throw std::runtime_error("no client " + actor);
  return *it;
}

std::string violations_text(const ProbeOutcome& outcome) {
  std::string out;
  for (const auto& v : outcome.violations) out += v.property + ": " + v.message + "\n";
  return out;
}

// thread -> event types in the order the client received them (first receipt per seq).
std::map<std::string, std::vector<std::string>> events_by_thread(const ProbeOutcome& outcome,
                                                                 const std::string& actor) {
  const auto view = properties::build_client_view(outcome.trace);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& f : view.received) {
    if (f.actor != actor || properties::string_field(f.body, "run_id").empty()) continue;
    out[properties::string_field(f.body, "thread_id")].push_back(properties::string_field(f.body, "type"));
  }
  return out;
}

TEST(Probe, GoldenPathThreeUsersTwoMessagesHoldsEveryPropertyAndEachUserGetsAllFiveEvents) {
  LoopbackServer server;
  const ProbeOutcome outcome = probe(spec_for(server.port(), 3, 2));

  EXPECT_TRUE(outcome.passed()) << violations_text(outcome);
  EXPECT_TRUE(outcome.all_finished);
  // The documented default (README, `probe --help`): what a client can see.
  EXPECT_EQ(outcome.properties, (std::vector<std::string>{"delivery", "isolation", "protocol", "auth", "fanout"}));
  EXPECT_EQ(outcome.health_status, 200);
  const std::vector<std::string> five(std::begin(protocol::event_type::kLifecycle),
                                      std::end(protocol::event_type::kLifecycle));
  for (const std::string user : {"u1", "u2", "u3"}) {
    SCOPED_TRACE(user);
    const auto& c = client(outcome, "user:" + user);
    EXPECT_EQ(c.token_kind, "valid");
    EXPECT_EQ(c.asked, 2);
    EXPECT_EQ(c.completed, 2);
    EXPECT_EQ(c.errored, 0);
    EXPECT_EQ(c.lifecycle_events, 10);
    EXPECT_TRUE(c.finished);
    const auto threads = events_by_thread(outcome, "user:" + user);
    ASSERT_EQ(threads.size(), 2u);
    for (const auto& [thread, types] : threads) {
      EXPECT_EQ(thread.rfind(user + "-t", 0), 0u) << thread;
      EXPECT_EQ(types, five) << thread;
    }
  }
  EXPECT_EQ(outcome.request_to_terminal_ns.size(), 6u);
  EXPECT_GT(outcome.max_event_gap_ns, 0);
  EXPECT_LT(outcome.wall_seconds, 10.0);
  EXPECT_EQ(server.protocol_violations(), 0u);
}

// The probe records only what it did and saw: the server's real /health
// answer, its own start and end; never a record only the simulator can make
// (a fault plan, the server's startup, a relay).
TEST(Probe, RecordsOnlyWhatItSawNeverTheSimulatorsOwnRecords) {
  LoopbackServer server;
  const ProbeOutcome outcome = probe(spec_for(server.port(), 1, 1));
  ASSERT_TRUE(outcome.passed()) << violations_text(outcome);
  std::size_t health = 0;
  for (const auto& r : outcome.trace.records()) {
    SCOPED_TRACE(r.actor + " " + r.kind);
    EXPECT_TRUE(r.actor == "probe" || r.actor.rfind("user:", 0) == 0);
    if (r.actor == "probe" && r.kind == "health") {
      ++health;
      EXPECT_EQ(r.field("status"), "200");
      EXPECT_EQ(r.field("body"), outcome.health_body);
    }
  }
  EXPECT_EQ(health, 1u);
  EXPECT_NE(outcome.health_body.find("ok"), std::string::npos) << outcome.health_body;
}

TEST(Probe, TokenFaultsAreRefused401AndAreNotDeliveryFailures) {
  LoopbackServer server;
  ProbeSpec spec = spec_for(server.port(), 0, 0);
  spec.scenario = scenarios::parse_scenario(R"(
name = "bad_tokens"
users = 4
messages_per_user = 1
start_spread_ms = 20

[[fault]]
kind = "expired_token"
target = "user:u2"

[[fault]]
kind = "forged_token"
target = "user:u3"

[[fault]]
kind = "missing_token"
target = "user:u4"

[[fault]]
kind = "partition"
target = "user:u1"
at_ms = 0
heal_ms = 500
)",
                                            "bad_tokens.toml");
  const ProbeOutcome outcome = probe(spec);

  EXPECT_TRUE(outcome.passed()) << violations_text(outcome);
  EXPECT_TRUE(outcome.all_finished);
  ASSERT_EQ(outcome.not_applied.size(), 1u);
  EXPECT_EQ(outcome.not_applied[0].what, "partition");
  EXPECT_EQ(client(outcome, "user:u1").completed, 1);
  const std::map<std::string, std::string> kinds{{"u2", "expired"}, {"u3", "forged"}, {"u4", "missing"}};
  for (const auto& [user, kind] : kinds) {
    SCOPED_TRACE(user);
    const auto& c = client(outcome, "user:" + user);
    EXPECT_EQ(c.token_kind, kind);
    EXPECT_EQ(c.rejected, 1);
    EXPECT_EQ(c.last_rejection.rfind("401 ", 0), 0u) << c.last_rejection;
    EXPECT_EQ(c.asked, 0);
    EXPECT_EQ(c.lifecycle_events, 0);
    EXPECT_TRUE(c.finished);
  }
  const auto report = probe_report(spec, outcome, "cmd");
  EXPECT_EQ(report.results[0].faults.at("expired_token").planned, 1u);
  EXPECT_EQ(report.results[0].faults.at("expired_token").hit, 1u);
  EXPECT_EQ(report.results[0].faults.count("partition"), 0u);
  ASSERT_EQ(outcome.applied_faults.size(), 3u);
  EXPECT_EQ(outcome.applied_faults[0].target, "user:u2");
}

// --via-proxy: the clients go through an embedded fault proxy, which applies
// the network fault the probe alone lists as not applied (above), records
// what it did in the probe's trace, and the report counts the fault as hit.
TEST(Probe, ViaProxyTheNetworkFaultsRunAndLeaveTheirRecords) {
  LoopbackServer server;
  ProbeSpec spec = spec_for(server.port(), 0, 0);
  spec.via_proxy = true;
  spec.scenario = scenarios::parse_scenario(R"(
name = "held"
users = 2
messages_per_user = 1

[[fault]]
kind = "partition"
target = "user:u1"
at_ms = 0
heal_ms = 300
)",
                                            "held.toml");
  const ProbeOutcome outcome = probe(spec);

  EXPECT_TRUE(outcome.passed()) << violations_text(outcome);
  EXPECT_TRUE(outcome.all_finished);
  EXPECT_TRUE(outcome.not_applied.empty());
  ASSERT_EQ(outcome.proxied_faults.size(), 1u);
  EXPECT_EQ(outcome.proxied_faults[0].target, "user:u1");
  EXPECT_FALSE(outcome.proxy_address.empty());
  std::size_t links = 0, held = 0;
  for (const auto& r : outcome.trace.records()) {
    if (r.actor != "proxy") continue;
    links += r.kind == "link_open" ? 1 : 0;
    held += r.kind == "fault_hit" && r.field("toxic").rfind("partition#1", 0) == 0 ? 1 : 0;
  }
  EXPECT_GE(links, 2u) << "both users connected through the proxy";
  EXPECT_GT(held, 0u) << "the partition held u1's frames";
  EXPECT_EQ(client(outcome, "user:u1").completed, 1) << "and released them at its heal";
  const auto report = probe_report(spec, outcome, "cmd");
  EXPECT_EQ(report.results[0].faults.at("partition").planned, 1u);
  EXPECT_EQ(report.results[0].faults.at("partition").hit, 1u);
  // Without the proxy the same plan leaves the partition not applied.
  spec.via_proxy = false;
  const ProbeOutcome direct = probe(spec);
  ASSERT_EQ(direct.not_applied.size(), 1u);
  EXPECT_EQ(direct.not_applied[0].what, "partition");
  EXPECT_TRUE(direct.proxied_faults.empty());
}

TEST(Probe, HostileClientsOnlyEverGetErrors) {
  LoopbackServer server;
  ProbeSpec spec = spec_for(server.port(), 0, 0);
  spec.scenario.users = 2;
  spec.scenario.messages_per_user = 1;
  spec.scenario.hostile_clients = 2;
  const ProbeOutcome outcome = probe(spec);

  EXPECT_TRUE(outcome.passed()) << violations_text(outcome);
  EXPECT_TRUE(outcome.all_finished);
  for (const std::string h : {"user:h1", "user:h2"}) {
    SCOPED_TRACE(h);
    EXPECT_EQ(client(outcome, h).lifecycle_events, 0);
    EXPECT_TRUE(client(outcome, h).finished);
  }
  EXPECT_EQ(client(outcome, "user:u1").completed, 1);
  EXPECT_EQ(client(outcome, "user:u2").completed, 1);
}

TEST(Probe, AWrongPathIsRefusedAndReportedAsAValidUserNeverAdmitted) {
  LoopbackServer server;
  ProbeSpec spec = spec_for(server.port(), 1, 1);
  spec.url.target = "/nowhere";  // refused 404: the client gives up at once
  spec.deadline_s = 5;
  const ProbeOutcome outcome = probe(spec);
  EXPECT_TRUE(outcome.all_finished);
  ASSERT_FALSE(outcome.passed());
  EXPECT_EQ(outcome.violations[0].property, "delivery");
  EXPECT_NE(outcome.violations[0].message.find("refused with 404"), std::string::npos) << outcome.violations[0].message;
}

TEST(Probe, AServerThatNeverAnswersTheUpgradeFailsDeliveryAtTheDeadline) {
  // Listening, never accepting: TCP connects, the upgrade request goes unanswered.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address(kHost), 0});
  ProbeSpec spec = spec_for(silent.local_endpoint().port(), 2, 1);
  spec.check_health = false;
  spec.deadline_s = 1.5;
  const ProbeOutcome outcome = probe(spec);

  EXPECT_FALSE(outcome.all_finished);
  EXPECT_LT(outcome.wall_seconds, 4.0);
  ASSERT_FALSE(outcome.passed());
  EXPECT_EQ(outcome.violations[0].property, "delivery");
  EXPECT_NE(outcome.violations[0].message.find("not admitted before the probe's deadline (1.5 s)"), std::string::npos)
      << outcome.violations[0].message;
  // The probe says so in its own record; it does not write a client's
  // gave_up for a client that never gave up.
  const auto& at = outcome.trace.records().at(outcome.violations[0].record_index);
  EXPECT_EQ(at.actor, "probe");
  EXPECT_EQ(at.kind, "not_admitted");
  for (const auto& r : outcome.trace.records()) EXPECT_NE(r.kind, "gave_up") << r.actor;
}

// Unreachable is not thrown: the outcome says so (the CLI writes the reports
// from it and exits 2), and no client ran.
TEST(Probe, AnUnreachableServerIsAMisconfigurationWithNoClientRun) {
  std::uint16_t port = 0;
  {
    LoopbackServer server;
    port = server.port();
  }  // stopped: the port is closed now
  const ProbeOutcome outcome = probe(spec_for(port, 1, 1));
  EXPECT_FALSE(outcome.reached);
  EXPECT_NE(outcome.misconfiguration.find("cannot reach ws://127.0.0.1:" + std::to_string(port) + "/ws"),
            std::string::npos)
      << outcome.misconfiguration;
  EXPECT_EQ(outcome.trace.size(), 0u);
}

TEST(Probe, UnknownPropertyIsAnInputError) {
  ProbeSpec spec = spec_for(1, 1, 1);
  spec.properties = {"nope"};
  EXPECT_THROW(probe(spec), ProbeInputError);
}

TEST(ProbeUrl, ParsesWsUrls) {
  const WsUrl a = parse_ws_url("ws://127.0.0.1:8080/ws");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(a.target, "/ws");
  EXPECT_EQ(a.text(), "ws://127.0.0.1:8080/ws");

  const WsUrl b = parse_ws_url("WS://staging.example.com/api/ws?tenant=a");
  EXPECT_EQ(b.host, "staging.example.com");
  EXPECT_EQ(b.port, 80);
  EXPECT_EQ(b.target, "/api/ws?tenant=a");

  const WsUrl c = parse_ws_url("ws://[::1]:9000/ws");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.text(), "ws://[::1]:9000/ws");

  const WsUrl d = parse_ws_url("WSS://staging.example.com/ws");
  EXPECT_TRUE(d.tls);
  EXPECT_EQ(d.port, 443);
  EXPECT_EQ(d.text(), "wss://staging.example.com:443/ws");
  EXPECT_FALSE(parse_ws_url("ws://h:1/ws").tls);
}

TEST(ProbeUrl, RejectsEverythingElseSayingWhy) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty"},
      {"127.0.0.1:8080/ws", "no scheme"},
      {"http://127.0.0.1:8080/ws", "scheme 'http' is not ws"},
      {"wss://127.0.0.1:8080", "no path"},
      {"https://127.0.0.1:8080/ws", "scheme 'https' is not ws or wss"},
      {"ws://127.0.0.1:8080", "no path"},
      {"ws://127.0.0.1:8080?x=1", "no path"},
      {"ws://:8080/ws", "no host"},
      {"ws://127.0.0.1:/ws", "port '' is not a number"},
      {"ws://127.0.0.1:70000/ws", "port '70000' is not a number from 1 to 65535"},
      {"ws://127.0.0.1:0/ws", "port '0'"},
      {"ws://127.0.0.1:8o80/ws", "port '8o80'"},
      {"ws://::1:8080/ws", "IPv6 address must be in brackets"},
      {"ws://[::1/ws", "unterminated [IPv6]"},
      {"ws://user:pw@host:1/ws", "credentials in the URL"},
      {"ws://host:1/ws#frag", "fragment"},
      {"ws://host:1/w s", "space"},
  };
  for (const auto& [url, why] : cases) {
    SCOPED_TRACE(url);
    try {
      parse_ws_url(url);
      ADD_FAILURE() << "accepted";
    } catch (const ProbeInputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(why), std::string::npos) << message;
      EXPECT_NE(message.find("expected ws://HOST:PORT/PATH"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace bridgesim::cli
