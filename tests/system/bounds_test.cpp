// The run log's per-run cap and the auth service client's identity cache
// at their bounds (issue 10, defects 1 and 2).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/auth_service_client.hpp"
#include "system/ordered_receiver.hpp"
#include "system/run_log.hpp"
#include "tests/system/app_world.hpp"

namespace bridgesim::system {
namespace {

using testsupport::AppWorld;

runtime::RelayMessage event(const std::string& run_id, std::uint64_t seq) {
  return runtime::RelayMessage{"alice", run_id, seq, "agent_thinking", "frame " + std::to_string(seq)};
}

std::vector<std::uint64_t> seqs(const std::vector<runtime::RelayMessage>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& m : events) out.push_back(m.seq);
  return out;
}

// Defect 1: past the cap the events were refused before the terminal check,
// so the run never ended in the log (and the next seq broke the gapless
// assertion): its slot was held forever.
TEST(SystemRunLogCap, ARunLongerThanTheCapStillEndsAndFreesItsSlot) {
  sim::Scheduler scheduler{sim::Rng(1)};
  RunLog log{scheduler, RunLogLimits{1, 3, runtime::seconds(1)}};
  std::vector<bool> logged;
  for (std::uint64_t seq = 1; seq <= 4; ++seq) logged.push_back(log.append(event("long", seq), false));
  logged.push_back(log.append(event("long", 5), true));
  EXPECT_EQ(logged, (std::vector<bool>{true, true, true, false, true}));
  // The first cap events and the terminal one: a resume still ends the run.
  EXPECT_EQ(seqs(log.after("long", 0)), (std::vector<std::uint64_t>{1, 2, 3, 5}));
  EXPECT_EQ(seqs(log.after("long", 3)), (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(seqs(log.after("long", 4)), (std::vector<std::uint64_t>{5}));
  EXPECT_TRUE(log.after("long", 5).empty());
  EXPECT_TRUE(log.has_room()) << "a finished run makes room";
  EXPECT_TRUE(log.append(event("next", 1), false)) << "the finished long run is evicted for a new one";
  EXPECT_FALSE(log.owner("long").has_value());
}

TEST(SystemRunLogCap, ARunLongerThanTheCapIsForgottenAfterRetention) {
  sim::Scheduler scheduler{sim::Rng(1)};
  RunLog log{scheduler, RunLogLimits{10, 2, runtime::seconds(1)}};
  for (std::uint64_t seq = 1; seq <= 6; ++seq) log.append(event("long", seq), seq == 6);
  EXPECT_EQ(log.runs(), 1u);
  scheduler.run_until(runtime::seconds(2));
  EXPECT_EQ(log.runs(), 0u);
}

// A run of five events (the fifth terminal), every one appended to a run log
// with `limits`, and a receiver over that log: the tests hand it the events
// the relay did not lose.
struct ReceiverOverLog {
  ReceiverOverLog(RunLogLimits limits, const std::string& run_id) : log{scheduler, limits} {
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
      run.push_back(event(run_id, seq));
      if (seq == 5) run.back().type = "agent_completed";
      log.append(run.back(), seq == 5);
    }
  }
  sim::Scheduler scheduler{sim::Rng(1)};
  RunLog log;
  std::vector<runtime::RelayMessage> delivered;
  OrderedReceiver receiver{scheduler, log, ReceiverLimits{},
                           [this](const runtime::RelayMessage& m) { delivered.push_back(m); }};
  std::vector<runtime::RelayMessage> run;
};

// A gap the capped log cannot fill (the relay lost events the log never
// kept): the receiver skips to the logged terminal event and the run ends,
// where it used to break the "gapless log" invariant (swarm seed 7 of
// bounds_run_log: a no_crash failure).
TEST(SystemRunLogCap, AGapPastTheCapSkipsToTheTerminalEventAndTheRunEnds) {
  ReceiverOverLog w({10, 2, runtime::seconds(10)}, "capped");
  auto& [scheduler, log, delivered, receiver, run] = w;
  receiver.on_message(run[0]);
  receiver.on_message(run[1]);
  receiver.on_message(run[4]);  // 3 and 4: lost by the relay, past the log's cap of 2
  scheduler.run_until(runtime::seconds(5));
  EXPECT_EQ(seqs(delivered), (std::vector<std::uint64_t>{1, 2, 5})) << "the run ends, the lost events stay lost";
  EXPECT_EQ(receiver.runs_waiting(), 0u);
}

// The relay lost seq 2, which the log kept, and seq 4, which it did not (cap
// 2): the receiver fills 2 from the log, delivers the 3 it holds and skips
// only 4, which nobody has (it used to drop the 3 it held as well).
TEST(SystemRunLogCap, AGapPastTheCapKeepsWhatTheReceiverHolds) {
  ReceiverOverLog w({10, 2, runtime::seconds(10)}, "capped");
  auto& [scheduler, log, delivered, receiver, run] = w;
  for (const std::size_t i : {0, 2, 4}) receiver.on_message(run[i]);
  scheduler.run_until(runtime::seconds(5));
  EXPECT_EQ(seqs(delivered), (std::vector<std::uint64_t>{1, 2, 3, 5}));
  EXPECT_EQ(receiver.runs_waiting(), 0u);
}

// The log forgets a finished run (runs_max evicts it for a new one) while
// the receiver still waits to fill a gap the relay left: the gap can never
// be filled, so the receiver delivers what waits and forgets the run, where
// it used to hold it and re-arm its gap timer until the end of time (swarm
// seed 202 of execute_run_log: a `resources` failure, receiver_runs=1).
TEST(SystemRunLogCap, AGapInARunTheLogForgotSkipsToWhatWaitsAndTheRunIsForgotten) {
  ReceiverOverLog w({1, 1024, runtime::seconds(10)}, "early");
  auto& [scheduler, log, delivered, receiver, run] = w;
  for (std::size_t i = 1; i < run.size(); ++i) receiver.on_message(run[i]);  // seq 1: lost by the relay
  EXPECT_EQ(receiver.runs_waiting(), 1u);
  ASSERT_TRUE(log.append(event("next", 1), false)) << "the finished run is evicted for a new one";
  ASSERT_FALSE(log.owner("early").has_value());
  scheduler.run_until(runtime::seconds(1));
  EXPECT_EQ(seqs(delivered), (std::vector<std::uint64_t>{2, 3, 4, 5})) << "the user gets the rest and the end";
  EXPECT_EQ(receiver.runs_tracked(), 0u) << "nothing is held for a run the log forgot";
  receiver.on_message(run[0]);  // a late copy of the lost event
  scheduler.run_until(runtime::seconds(2));
  EXPECT_EQ(delivered.size(), 4u);
  EXPECT_EQ(receiver.runs_tracked(), 0u);
}

// Through the whole app: with a cap below a run's five events and room for
// one run, every run still streams all its events live and the next one starts.
TEST(SystemRunLogCap, AppRunsLongerThanTheCapEndAndTheNextRunStarts) {
  AppConfig config;
  config.run_log.runs_max = 1;
  config.run_log.events_per_run_max = 3;
  AppWorld w(Components::defaults(), config);
  auto conn = w.connect_as("alice");
  for (const char* id : {"m1", "m2"}) {
    const std::size_t before = conn->frames.size();
    conn->deliver_text(boost::json::serialize(
        boost::json::object{{"type", "user_message"}, {"thread_id", "t"}, {"client_msg_id", id}, {"text", "x"}}));
    w.run();
    EXPECT_EQ(AppWorld::types(*conn, before),
              (std::vector<std::string>{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                        "agent_completed"}))
        << id;
  }
  EXPECT_EQ(w.app().census().runs_started, 2u);
  EXPECT_EQ(w.app().census().active_runs, 0u);
}

// An auth service that allows everyone and counts calls.
class CountingAllowAll final : public runtime::AuthServiceTransport {
 public:
  void check_identity(std::string user, std::function<void(runtime::AuthServiceReply)> done) override {
    asked.push_back(std::move(user));
    done(runtime::AuthServiceReply::kAllowed);
  }
  std::vector<std::string> asked;
};

IdentityVerdict check(AuthServiceClient& client, const std::string& user) {
  IdentityVerdict verdict = IdentityVerdict::kUnavailable;
  client.check(user, [&](IdentityVerdict v) { verdict = v; });
  return verdict;
}

// Defect 2: the cache evicted the lexicographically smallest identity.
TEST(SystemAuthCache, AFullCacheForgetsTheLeastRecentlyUsedIdentity) {
  sim::Scheduler clock{sim::Rng(1)};
  CountingAllowAll transport;
  AuthServiceLimits limits;
  limits.known_identities_max = 2;
  AuthServiceClient client(transport, clock, clock, limits);
  EXPECT_EQ(check(client, "zed"), IdentityVerdict::kAllowed);
  EXPECT_EQ(check(client, "amy"), IdentityVerdict::kAllowed);
  EXPECT_EQ(check(client, "bob"), IdentityVerdict::kAllowed);  // full: the oldest, zed, goes
  EXPECT_FALSE(client.is_known("zed"));
  EXPECT_TRUE(client.is_known("amy"));
  EXPECT_TRUE(client.is_known("bob"));
  EXPECT_EQ(client.known_identities(), 2u);
}

TEST(SystemAuthCache, AnIdentityAdmittedFromTheCacheIsRecentlyUsed) {
  sim::Scheduler clock{sim::Rng(1)};
  CountingAllowAll transport;
  AuthServiceLimits limits;
  limits.known_identities_max = 2;
  AuthServiceClient client(transport, clock, clock, limits);
  check(client, "amy");
  check(client, "bob");
  check(client, "amy");  // a cache hit: amy is now the most recent
  EXPECT_EQ(transport.asked, (std::vector<std::string>{"amy", "bob"}));
  check(client, "cat");  // bob is the least recently used
  EXPECT_TRUE(client.is_known("amy"));
  EXPECT_FALSE(client.is_known("bob"));
  EXPECT_TRUE(client.is_known("cat"));
}

TEST(SystemAuthCache, ACacheOfSizeZeroCachesNothingAndStillAsks) {
  sim::Scheduler clock{sim::Rng(1)};
  CountingAllowAll transport;
  AuthServiceLimits limits;
  limits.known_identities_max = 0;
  AuthServiceClient client(transport, clock, clock, limits);
  EXPECT_EQ(check(client, "amy"), IdentityVerdict::kAllowed);
  EXPECT_EQ(check(client, "amy"), IdentityVerdict::kAllowed);
  EXPECT_EQ(transport.asked.size(), 2u);
  EXPECT_EQ(client.known_identities(), 0u);
}

}  // namespace
}  // namespace bridgesim::system
