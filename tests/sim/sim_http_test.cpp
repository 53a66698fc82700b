// sim::SimNetwork's HTTP path (POST execute): a request reaches the server
// with what the client sent, on a connection id of its own, after a frame's
// latency; the server's answer is a `net http` record and travels back the
// same way; a partition holds it until heal (late, never lost); the same
// seed gives the same timings.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {
namespace {

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;

struct World {
  explicit World(std::uint64_t seed, const FaultPlan* faults = nullptr, NetworkConfig config = {})
      : scheduler(Rng(seed).fork("scheduler")), network(scheduler, Rng(seed).fork("net"), trace, config, faults) {}
  Scheduler scheduler;
  Trace trace;
  SimNetwork network;
};

struct Answered {
  HttpAnswer answer;
  runtime::Nanos at_ns = -1;
};

// Posts from `client` at `at_ns`; what came back, and when.
std::optional<Answered>& post_at(World& w, runtime::Nanos at_ns, const std::string& client,
                                 std::optional<Answered>& out) {
  w.scheduler.post_after(at_ns, [&w, &out, client] {
    w.network.http_request(client, {"POST", "/api/agent/v2/execute", "Bearer t", R"({"thread_id":"t1"})"},
                           [&w, &out](HttpAnswer a) {
                             out = Answered{std::move(a), w.scheduler.elapsed_ns()};
                           });
  });
  return out;
}

TEST(SimHttp, TheServerGetsTheRequestAndTheClientItsAnswerAfterTwoLatencies) {
  World w(1);
  std::vector<HttpExchange> served;
  runtime::Nanos served_at = -1;
  w.network.set_http_server([&](const HttpExchange& x) {
    served.push_back(x);
    served_at = w.scheduler.elapsed_ns();
    return HttpAnswer{202, R"({"run_id":"run-1"})"};
  });
  std::optional<Answered> got;
  post_at(w, 0, "user:u1", got);
  w.scheduler.run_until(runtime::kNanosPerSecond);

  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].method, "POST");
  EXPECT_EQ(served[0].target, "/api/agent/v2/execute");
  EXPECT_EQ(served[0].authorization, "Bearer t");
  EXPECT_EQ(served[0].body, R"({"thread_id":"t1"})");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->answer.status, 202);
  EXPECT_EQ(got->answer.body, R"({"run_id":"run-1"})");
  // Each leg takes a frame's latency (200 us .. 5 ms by default).
  const NetworkConfig config;
  EXPECT_GE(served_at, config.latency_min_ns);
  EXPECT_LE(served_at, config.latency_max_ns);
  EXPECT_GE(got->at_ns - served_at, config.latency_min_ns);
  EXPECT_LE(got->at_ns - served_at, config.latency_max_ns);

  // The network recorded the answer on the request's own connection.
  std::vector<HttpAnswerRecord> records;
  for (const auto& r : w.trace.records()) {
    if (const auto http = as_http_served(r)) records.push_back(*http);
  }
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].conn, "1");
  EXPECT_EQ(records[0].client, "user:u1");
  EXPECT_EQ(records[0].status, 202);
  EXPECT_EQ(w.network.open_server_sides(), 0u);  // nothing stays open
}

TEST(SimHttp, EachRequestHasAConnectionIdOfItsOwn) {
  World w(1);
  w.network.set_acceptor([](std::shared_ptr<runtime::Connection>) {});
  const auto first = w.network.http_request("user:u1", {"POST", "/x", "", ""}, [](HttpAnswer) {});
  const ClientSocket socket = w.network.connect("user:u1", {"/ws", "", {}}, {});
  const auto second = w.network.http_request("user:u1", {"POST", "/x", "", ""}, [](HttpAnswer) {});
  EXPECT_NE(first, socket.id());
  EXPECT_NE(second, socket.id());
  EXPECT_NE(first, second);
}

TEST(SimHttp, WithoutAServerTheAnswerIs503) {
  World w(1);
  std::optional<Answered> got;
  post_at(w, 0, "user:u1", got);
  w.scheduler.run_until(runtime::kNanosPerSecond);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->answer.status, 503);
}

TEST(SimHttp, APartitionHoldsTheRequestOfItsUserUntilHeal) {
  FaultPlan plan;
  plan.faults.push_back({0, 500 * kMs, FaultKind::kPartition, "user:u1", {}});
  World w(1, &plan);
  w.network.set_http_server([](const HttpExchange&) { return HttpAnswer{202, "{}"}; });
  std::optional<Answered> u1, u2;
  post_at(w, 10 * kMs, "user:u1", u1);
  post_at(w, 10 * kMs, "user:u2", u2);
  w.scheduler.run_until(runtime::kNanosPerSecond);
  ASSERT_TRUE(u1 && u2);
  EXPECT_GE(u1->at_ns, 500 * kMs);  // late, not lost
  EXPECT_LT(u2->at_ns, 30 * kMs);   // another user's request is not held
}

TEST(SimHttp, TheSameSeedGivesTheSameTimings) {
  const auto run = [](std::uint64_t seed) {
    World w(seed);
    w.network.set_http_server([](const HttpExchange&) { return HttpAnswer{401, R"({"error":"unauthorized"})"}; });
    std::vector<std::optional<Answered>> got(5);
    for (std::size_t i = 0; i < got.size(); ++i)
      post_at(w, static_cast<runtime::Nanos>(i) * kMs, "user:u" + std::to_string(i), got[i]);
    w.scheduler.run_until(runtime::kNanosPerSecond);
    std::vector<runtime::Nanos> at;
    for (const auto& g : got) at.push_back(g ? g->at_ns : -1);
    return std::make_pair(at, w.trace.hash());
  };
  EXPECT_EQ(run(7), run(7));
}

}  // namespace
}  // namespace bridgesim::sim
