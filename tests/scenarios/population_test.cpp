// scenarios::populate and assign_user_token: the one place a scenario's
// clients and their tokens are made, for the simulated world and the probe.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/population.hpp"
#include "scenarios/scenario.hpp"
#include "sim/scheduler.hpp"
#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

constexpr std::string_view kSecret = "population-test-secret";
constexpr std::int64_t kNow = 1'700'000'000;

sim::FaultPlan token_plan() {
  sim::FaultPlan plan;
  const auto add = [&plan](sim::FaultKind kind, std::string target) {
    sim::Fault f;
    f.kind = kind;
    f.target = std::move(target);
    plan.faults.push_back(std::move(f));
  };
  add(sim::FaultKind::kExpiredToken, "user:u2");
  add(sim::FaultKind::kForgedToken, "user:u3");
  add(sim::FaultKind::kMissingToken, "user:u4");
  return plan;
}

ClientPlan token_for(const std::string& user, const sim::FaultPlan& plan) {
  ClientPlan p;
  p.user_id = user;
  assign_user_token(p, PopulationSpec{kSecret, kNow, &plan, nullptr});
  return p;
}

TEST(Population, AValidTokenIsSignedWithTheSecretAndLivesADay) {
  const sim::FaultPlan plan = token_plan();
  const ClientPlan p = token_for("u1", plan);
  EXPECT_EQ(p.token_kind, "valid");
  std::string error;
  const auto claims = system::verify_hs256(p.token, kSecret, kNow, error);
  ASSERT_TRUE(claims) << error;
  EXPECT_EQ(claims->sub, "u1");
  EXPECT_EQ(claims->exp, kNow + kTokenLifetimeS);
  EXPECT_EQ(kTokenLifetimeS, 24 * 3600);
}

TEST(Population, TokenFaultsGiveExpiredForgedAndMissingTokens) {
  const sim::FaultPlan plan = token_plan();
  std::string error;
  const ClientPlan expired = token_for("u2", plan);
  EXPECT_EQ(expired.token_kind, "expired");
  EXPECT_FALSE(system::verify_hs256(expired.token, kSecret, kNow, error));
  const auto late = system::verify_hs256(expired.token, kSecret, kNow - 120, error);
  ASSERT_TRUE(late) << "signed with the right secret, only expired: " << error;
  EXPECT_EQ(late->exp, kNow - 60);

  const ClientPlan forged = token_for("u3", plan);
  EXPECT_EQ(forged.token_kind, "forged");
  EXPECT_FALSE(forged.token.empty());
  EXPECT_FALSE(system::verify_hs256(forged.token, kSecret, kNow, error));

  const ClientPlan missing = token_for("u4", plan);
  EXPECT_EQ(missing.token_kind, "missing");
  EXPECT_TRUE(missing.token.empty());
}

// Connects nowhere: the population's own records are all this test reads.
class NullConnection final : public ClientConnection {
 public:
  explicit NullConnection(runtime::ConnectionId id) : id_(id) {}
  runtime::ConnectionId id() const override { return id_; }
  bool is_open() const override { return false; }
  void send_text(std::string) override {}
  void close(std::uint16_t, std::string) override {}
  void abort() override {}

 private:
  runtime::ConnectionId id_;
};

class NullTransport final : public ClientTransport {
 public:
  std::unique_ptr<ClientConnection> connect(std::string, runtime::HandshakeRequest, ClientCallbacks) override {
    return std::make_unique<NullConnection>(++next_);
  }

 private:
  runtime::ConnectionId next_ = 0;
};

// actor -> (time of its first connect, token kind), plus the actors in order.
struct Started {
  std::vector<std::string> actors;
  std::map<std::string, std::pair<runtime::Nanos, std::string>> first_connect;
};

Started start(const Scenario& scenario, std::uint64_t seed) {
  sim::Scheduler scheduler(sim::Rng(seed).fork("scheduler"));
  sim::Trace trace;
  NullTransport transport;
  const ClientWorld world{scheduler, scheduler, scheduler.now_ns(), trace, transport};
  const sim::FaultPlan plan = token_plan();
  const Population population =
      populate(scenario, world, sim::Rng(seed), PopulationSpec{kSecret, kNow, &plan, nullptr});
  scheduler.run_until(scenario.start_spread_ns);
  Started out;
  out.actors = population.actors;
  for (const auto& r : trace.records()) {
    if (r.kind == "connect") out.first_connect.emplace(r.actor, std::make_pair(r.at_ns, std::string(r.field("token"))));
  }
  return out;
}

TEST(Population, BuildsUsersTabsThenHostilesAndStartsEachWithinTheSpreadDeterministically) {
  Scenario s;
  s.users = 4;
  s.tabs = 2;
  s.hostile_clients = 1;
  s.start_spread_ns = 50 * runtime::kNanosPerMilli;
  const Started a = start(s, 7);
  const std::vector<std::string> expected{"user:u1",      "user:u1/tab2", "user:u2",      "user:u2/tab2", "user:u3",
                                          "user:u3/tab2", "user:u4",      "user:u4/tab2", "user:h1"};
  EXPECT_EQ(a.actors, expected);
  ASSERT_EQ(a.first_connect.size(), expected.size());
  for (const auto& [actor, connect] : a.first_connect) {
    SCOPED_TRACE(actor);
    EXPECT_GE(connect.first, 0);
    EXPECT_LE(connect.first, s.start_spread_ns);
  }
  EXPECT_EQ(a.first_connect.at("user:u2/tab2").second, "expired");
  EXPECT_EQ(a.first_connect.at("user:u1").second, "valid");
  const Started b = start(s, 7);
  EXPECT_EQ(a.first_connect, b.first_connect);
  const Started c = start(s, 8);
  EXPECT_NE(a.first_connect, c.first_connect);
}

}  // namespace
}  // namespace bridgesim::scenarios
