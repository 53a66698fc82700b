// The kinds whose effect is an order or a count, shown on the component that
// applies them: frames through sim::SimNetwork (jitter, reorder) and events
// through sim::SimRelay (relay_reorder, relay_drop, relay_duplicate), each
// with the fault and, same seed, without it. What is observed is what the
// receiving end got, never the fault_hit record. And every kind in the
// catalog has its own FaultEffect test.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/fault_catalog.hpp"
#include "sim/fault_plan.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_relay.hpp"
#include "tests/sweep/fault_effect_support.hpp"

namespace bridgesim::fault_effect {
namespace {

constexpr int kClients = 4, kFramesPerClient = 10;
constexpr runtime::Nanos kSendFrom = 2 * runtime::kNanosPerSecond;  // every handshake is done by then

sim::FaultPlan plan_of(sim::FaultKind kind, std::map<std::string, std::string> params) {
  sim::Fault f;
  f.kind = kind;
  f.at_ns = 0;
  f.heal_ns = 60 * runtime::kNanosPerSecond;
  f.params = std::move(params);
  sim::FaultPlan plan;
  plan.faults.push_back(f);
  plan.heal_by_ns = f.heal_ns;
  plan.validate();
  return plan;
}

// Four clients on a network with a fixed 1 ms latency take turns sending a
// frame every millisecond ("u<client>#<n>"); what the server sides got, in
// the order it arrived.
std::vector<std::string> arrivals_through_network(const sim::FaultPlan* plan, std::uint64_t seed) {
  std::vector<std::string> arrivals;
  sim::Scheduler scheduler(sim::Rng(seed).fork("scheduler"));
  sim::Trace trace;
  sim::SimNetwork network(scheduler, sim::Rng(seed).fork("network"), trace, sim::NetworkConfig{kMs, kMs}, plan);
  std::vector<std::shared_ptr<runtime::Connection>> servers;
  network.set_acceptor([&](std::shared_ptr<runtime::Connection> c) {
    runtime::ConnectionEvents events;
    events.on_text = [&arrivals](std::string text) { arrivals.push_back(std::move(text)); };
    c->accept("", std::move(events));
    servers.push_back(std::move(c));
  });
  std::vector<sim::ClientSocket> clients;
  for (int k = 1; k <= kClients; ++k) {
    clients.push_back(network.connect("user:u" + std::to_string(k), runtime::HandshakeRequest{"/ws", "", {}}, {}));
  }
  scheduler.run_until(kSendFrom);
  for (const auto& c : clients) EXPECT_TRUE(c.is_open()) << "handshake not done by the first send";
  for (int i = 0; i < kClients * kFramesPerClient; ++i) {
    scheduler.post_after(i * kMs, [&clients, i] {
      clients[i % kClients].send_text("u" + std::to_string(i % kClients + 1) + "#" + std::to_string(i));
    });
  }
  scheduler.run_until(kSendFrom + 10 * runtime::kNanosPerSecond);
  return arrivals;
}

std::vector<std::string> sent_order() {
  std::vector<std::string> out;
  for (int i = 0; i < kClients * kFramesPerClient; ++i) {
    out.push_back("u" + std::to_string(i % kClients + 1) + "#" + std::to_string(i));
  }
  return out;
}

// The frames of each client, in the order they arrived.
std::map<std::string, std::vector<std::string>> per_client(const std::vector<std::string>& frames) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& f : frames) out[f.substr(0, f.find('#'))].push_back(f);
  return out;
}

// Frames from different connections overtake each other; each connection
// stays FIFO and nothing is lost.
void expect_reordered_across_connections(sim::FaultKind kind, std::map<std::string, std::string> params) {
  const auto plan = plan_of(kind, std::move(params));
  for (const auto seed : kSeeds) {
    EXPECT_EQ(arrivals_through_network(nullptr, seed), sent_order()) << "seed " << seed << ": baseline reorders";
    const auto with = arrivals_through_network(&plan, seed);
    ASSERT_EQ(with.size(), sent_order().size()) << sim::info(kind).name << " seed " << seed << ": frames lost";
    EXPECT_NE(with, sent_order()) << sim::info(kind).name << " seed " << seed << ": arrived in the order sent";
    EXPECT_EQ(per_client(with), per_client(sent_order())) << "seed " << seed << ": a connection is not FIFO";
  }
}

TEST(FaultEffect, Jitter) { expect_reordered_across_connections(sim::FaultKind::kJitter, {{"max_ms", "50"}}); }

TEST(FaultEffect, Reorder) { expect_reordered_across_connections(sim::FaultKind::kReorder, {{"window_ms", "100"}}); }

// Forty events of one run published 1 ms apart; the seqs the receiving end
// got, in the order it got them.
std::vector<std::uint64_t> seqs_through_relay(const sim::FaultPlan* plan, std::uint64_t seed) {
  std::vector<std::uint64_t> got;
  sim::Scheduler scheduler(sim::Rng(seed).fork("scheduler"));
  sim::Trace trace;
  sim::SimRelay relay(scheduler, sim::Rng(seed).fork("relay"), trace, plan);
  relay.subscribe([&got](runtime::RelayMessage m) { got.push_back(m.seq); });
  for (std::uint64_t seq = 1; seq <= 40; ++seq) {
    scheduler.post_after(static_cast<runtime::Nanos>(seq) * kMs, [&relay, seq] {
      relay.publish({"u1", "run-1", seq, "agent_thinking", "{}"});
    });
  }
  scheduler.run_until(10 * runtime::kNanosPerSecond);
  return got;
}

std::vector<std::uint64_t> one_to_forty() {
  std::vector<std::uint64_t> out;
  for (std::uint64_t seq = 1; seq <= 40; ++seq) out.push_back(seq);
  return out;
}

TEST(FaultEffect, RelayReorder) {
  // Every event still arrives once, but not in publish order.
  const auto plan = plan_of(sim::FaultKind::kRelayReorder, {{"window_ms", "30"}});
  for (const auto seed : kSeeds) {
    EXPECT_EQ(seqs_through_relay(nullptr, seed), one_to_forty()) << "seed " << seed;
    auto with = seqs_through_relay(&plan, seed);
    EXPECT_NE(with, one_to_forty()) << "seed " << seed << ": the relay kept publish order";
    std::sort(with.begin(), with.end());
    EXPECT_EQ(with, one_to_forty()) << "seed " << seed << ": reordering lost or doubled an event";
  }
}

TEST(FaultEffect, RelayDrop) {
  // About a third of the events never arrive; the rest arrive once, in order.
  const auto plan = plan_of(sim::FaultKind::kRelayDrop, {{"per_million", "300000"}});
  for (const auto seed : kSeeds) {
    EXPECT_EQ(seqs_through_relay(nullptr, seed), one_to_forty()) << "seed " << seed;
    const auto with = seqs_through_relay(&plan, seed);
    EXPECT_LT(with.size(), 40u) << "seed " << seed << ": nothing was lost";
    EXPECT_GT(with.size(), 0u) << "seed " << seed;
    EXPECT_TRUE(std::is_sorted(with.begin(), with.end()) && std::adjacent_find(with.begin(), with.end()) == with.end())
        << "seed " << seed;
  }
}

TEST(FaultEffect, RelayDuplicate) {
  // Some events arrive twice; none is lost.
  const auto plan = plan_of(sim::FaultKind::kRelayDuplicate, {{"per_million", "300000"}});
  for (const auto seed : kSeeds) {
    EXPECT_EQ(seqs_through_relay(nullptr, seed), one_to_forty()) << "seed " << seed;
    auto with = seqs_through_relay(&plan, seed);
    EXPECT_GT(with.size(), 40u) << "seed " << seed << ": nothing was delivered twice";
    std::sort(with.begin(), with.end());
    with.erase(std::unique(with.begin(), with.end()), with.end());
    EXPECT_EQ(with, one_to_forty()) << "seed " << seed << ": an event was lost";
  }
}

// "relay_drop" -> "RelayDrop": the name of the kind's test.
std::string test_name_of(std::string_view kind) {
  std::string out;
  bool upper = true;
  for (const char c : kind) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

TEST(FaultEffectCoverage, EveryKindHasItsOwnTest) {
  std::set<std::string> tests;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    if (std::string(suite->name()) != "FaultEffect") continue;
    for (int j = 0; j < suite->total_test_count(); ++j) tests.insert(suite->GetTestInfo(j)->name());
  }
  for (const auto& k : sim::fault_kinds()) {
    EXPECT_TRUE(tests.count(test_name_of(k.name))) << "no FaultEffect." << test_name_of(k.name) << " for " << k.name;
  }
}

}  // namespace
}  // namespace bridgesim::fault_effect
